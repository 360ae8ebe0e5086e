/** Builds build/fp-ref/fp-ref if stale and returns its path. */
export function buildRef(): string
