/**
 * The cpio "newc" format (magic 070701, and 070702 which adds a checksum),
 * as Linux's initramfs unpacker reads it: a 110-byte header of thirteen
 * 8-digit hexadecimal fields, the NUL-terminated name, padding to 4 bytes,
 * the data, padding to 4 bytes; the entry named TRAILER!!! ends an archive.
 * Archives may be concatenated, with zero padding between them.
 */

export interface CpioEntry {
  name: string
  ino: number
  mode: number
  uid: number
  gid: number
  nlink: number
  mtime: number
  devMajor: number
  devMinor: number
  rdevMajor: number
  rdevMinor: number
  data: Uint8Array
}

/** `end`: where parsing stopped (the input's length, or with `stopAtForeign` the first byte that is not cpio). */
export type CpioResult = { ok: true; entries: CpioEntry[]; end: number } | { ok: false; error: string }

const HEADER = 110
const TRAILER = 'TRAILER!!!'
const dec = new TextDecoder()

function hex8(b: Uint8Array, at: number): number {
  let v = 0
  for (let i = 0; i < 8; i++) {
    const c = b[at + i]
    let d: number
    if (c >= 0x30 && c <= 0x39) d = c - 0x30
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57
    else return -1
    v = v * 16 + d
  }
  return v
}

const align4 = (n: number): number => (n + 3) & ~3

const isNewcMagic = (b: Uint8Array, at: number): boolean =>
  at + 6 <= b.length && b[at] === 0x30 && b[at + 1] === 0x37 && b[at + 2] === 0x30 && b[at + 3] === 0x37 && b[at + 4] === 0x30 && (b[at + 5] === 0x31 || b[at + 5] === 0x32)

/**
 * Parses every entry of one or more concatenated newc archives (without the
 * trailers), from `start`. With `stopAtForeign`, data after a complete
 * archive that is not another archive ends the parse (an initramfs may
 * continue with a compressed archive there).
 */
export function parseCpio(b: Uint8Array, maxEntries = 1 << 20, start = 0, stopAtForeign = false): CpioResult {
  const entries: CpioEntry[] = []
  let pos = start
  let inArchive = false
  let archives = 0
  for (;;) {
    if (!inArchive) {
      // Between archives: zero padding, then another archive or the end.
      const archiveEnd = pos
      while (pos < b.length && b[pos] === 0) pos++
      if (pos >= b.length) break
      if (stopAtForeign && archives > 0 && !isNewcMagic(b, pos)) {
        pos = archiveEnd
        break
      }
      inArchive = true
    }
    if (pos + HEADER > b.length) return { ok: false, error: `truncated cpio header at offset ${pos}` }
    const magic = dec.decode(b.subarray(pos, pos + 6))
    if (magic !== '070701' && magic !== '070702') {
      return { ok: false, error: `bad cpio magic at offset ${pos} (only newc "070701"/"070702" archives are supported)` }
    }
    const f: number[] = []
    for (let i = 0; i < 13; i++) {
      const v = hex8(b, pos + 6 + 8 * i)
      if (v < 0) return { ok: false, error: `bad hexadecimal field ${i} in cpio header at offset ${pos}` }
      f.push(v)
    }
    const [ino, mode, uid, gid, nlink, mtime, filesize, devMajor, devMinor, rdevMajor, rdevMinor, namesize] = f
    if (namesize === 0 || namesize > 4096) return { ok: false, error: `bad cpio name size ${namesize} at offset ${pos}` }
    const nameAt = pos + HEADER
    if (nameAt + namesize > b.length) return { ok: false, error: `truncated cpio name at offset ${pos}` }
    if (b[nameAt + namesize - 1] !== 0) return { ok: false, error: `cpio name not NUL-terminated at offset ${pos}` }
    const name = dec.decode(b.subarray(nameAt, nameAt + namesize - 1))
    const dataAt = align4(nameAt + namesize)
    if (dataAt + filesize > b.length) return { ok: false, error: `truncated cpio data of "${name}" at offset ${pos}` }
    pos = align4(dataAt + filesize)
    if (name === TRAILER) {
      inArchive = false
      archives++
      continue
    }
    if (entries.length >= maxEntries) return { ok: false, error: `more than ${maxEntries} cpio entries` }
    entries.push({
      name, ino, mode, uid, gid, nlink, mtime, devMajor, devMinor, rdevMajor, rdevMinor,
      data: b.subarray(dataAt, dataAt + filesize),
    })
  }
  if (inArchive) return { ok: false, error: 'cpio archive has no TRAILER!!! entry' }
  return { ok: true, entries, end: pos }
}

/** Writes a newc archive (for tests and tools); entries in the order given. */
export function writeCpio(entries: Array<Partial<CpioEntry> & { name: string }>): Uint8Array {
  const enc = new TextEncoder()
  const chunks: Uint8Array[] = []
  let len = 0
  const push = (c: Uint8Array): void => {
    chunks.push(c)
    len += c.length
  }
  const pad = (): void => {
    const p = align4(len) - len
    if (p) push(new Uint8Array(p))
  }
  const all = [...entries, { name: TRAILER }]
  let nextIno = 1
  for (const e of all) {
    const data = e.data ?? new Uint8Array(0)
    const name = enc.encode(e.name)
    const fields = [
      e.ino ?? (e.name === TRAILER ? 0 : nextIno++), e.mode ?? 0, e.uid ?? 0, e.gid ?? 0, e.nlink ?? 1, e.mtime ?? 0,
      data.length, e.devMajor ?? 0, e.devMinor ?? 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length + 1, 0,
    ]
    push(enc.encode('070701' + fields.map((v) => (v >>> 0).toString(16).padStart(8, '0')).join('')))
    push(name)
    push(new Uint8Array(1))
    pad()
    push(data)
    pad()
  }
  const out = new Uint8Array(len)
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  return out
}
