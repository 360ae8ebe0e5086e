/** Builds build/fp-test.wasm if stale and returns its path. */
export function buildWasm(): string
