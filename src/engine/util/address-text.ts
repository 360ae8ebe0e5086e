/**
 * An address or a size as board files write them: a number, "0x…" with
 * optional underscores between digits (as "0x0900_0000" groups a 32-bit
 * address), or a decimal size with K, M or G (binary units: "320M").
 */
export function parseAddress(text: string | number): number | null {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : null
  const h = /^0x([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)$/.exec(text)
  if (h) return checked(parseInt(h[1].replace(/_/g, ''), 16))
  const m = /^(\d+)([KMG]?)$/.exec(text)
  if (!m) return null
  return checked(Number(m[1]) * { '': 1, K: 1024, M: 1 << 20, G: 1 << 30 }[m[2] as '' | 'K' | 'M' | 'G'])
}

function checked(v: number): number | null {
  return Number.isSafeInteger(v) ? v : null
}
