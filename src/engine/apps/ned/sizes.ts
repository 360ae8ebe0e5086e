/**
 * Memory sizes in scenario Lua. fengari's Lua integers are 32-bit, so
 * `4 * 1024 * 1024 * 1024` wraps (to 0) before ned sees it; floats hold
 * sizes exactly to 2^53, and L4.KiB, L4.MiB, L4.GiB are floats, so
 * `4 * L4.GiB + 100 * L4.MiB` is exact. A limit that cannot be a size
 * (fractional, negative, 0: what wrapped integers give) is refused with a
 * hint instead of becoming a smaller quota.
 */

/** Why `limit` is no quota, or null. */
export function badLimit(limit: number): string | null {
  if (!Number.isInteger(limit)) return `a limit of ${limit} bytes: a limit is a whole number of bytes`
  if (limit <= 0 || limit > 2 ** 53) return `a limit of ${limit} bytes: Lua integers are 32-bit here and wrap past 2 GiB; write sizes as 4 * L4.GiB`
  return null
}

/** "4196 MiB", "8 GiB", "65536 bytes": the largest unit that divides the size. */
export function sizeText(bytes: number): string {
  for (const [unit, n] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) if (bytes % n === 0) return `${bytes / n} ${unit}`
  return `${bytes} bytes`
}
