import { defineConfig } from 'vitest/config'

// The FP library's differential test against qemu-aarch64. Run with
// `npx vitest run --config test/fp/vitest.config.ts` (the root config's
// include list does not cover test/fp yet).
export default defineConfig({
  test: {
    name: 'fp',
    environment: 'node',
    include: ['test/fp/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
