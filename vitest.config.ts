import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Unit and component tests. End-to-end tests (a real Chromium against
// `l4lab web`) have their own config, vitest.e2e.config.ts, because they need
// the built renderer and run serially.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/guests/**/*.test.ts', 'test/fp/**/*.test.ts', 'test/cpu/**/*.test.ts', 'test/lx/**/*.test.ts', 'test/baremetal/**/*.test.ts', 'test/linux/**/*.test.ts'],
          exclude: ['src/renderer/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['src/renderer/**/*.test.ts'],
        },
      },
    ],
  },
})
