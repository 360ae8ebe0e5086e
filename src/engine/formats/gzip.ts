/**
 * DEFLATE (RFC 1951) and gzip (RFC 1952) decoding, for gzip-compressed
 * initramfs archives.
 *
 * Huffman codes: a table indexed by the next FAST_BITS input bits decodes
 * every code that short in one step (most symbols: this is where a guest's
 * boot spends its time inflating its initramfs). Longer codes fall back to
 * canonical decoding: read bit by bit, at each length the codes of that
 * length form one contiguous range after the shorter ones (RFC 1951
 * §3.2.2), so only the number of codes per length and the symbols sorted by
 * (length, value) are needed.
 *
 * Every malformed input ends in `{ ok: false, error }`; output is bounded by
 * `maxOutput`.
 */

export type InflateResult = { ok: true; data: Uint8Array; consumed: number } | { ok: false; error: string }

class InflateError extends Error {}

const MAX_BITS = 15
/** Codes up to this length decode by one table lookup. */
const FAST_BITS = 9
const FAST_MASK = (1 << FAST_BITS) - 1

/** Base lengths and extra bits of length codes 257..285 (RFC 1951 §3.2.5). */
const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
/** Base distances and extra bits of distance codes 0..29. */
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
/** The order in which code length code lengths are sent (§3.2.7). */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

/** A canonical Huffman code: codes per length, symbols in code order, and the lookup table of short codes. */
interface Huffman {
  counts: Uint16Array
  symbols: Uint16Array
  /** By the next FAST_BITS bits (first bit lowest): symbol << 4 | length, or 0 for a longer (or unassigned) code. */
  fast: Int32Array
}

function buildHuffman(lengths: Uint8Array | number[], n: number): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1)
  for (let s = 0; s < n; s++) counts[lengths[s]]++
  // Over-subscribed sets cannot be decoded unambiguously; incomplete ones can
  // (a code that is not assigned is reported when met).
  let left = 1
  for (let len = 1; len <= MAX_BITS; len++) {
    left = left * 2 - counts[len]
    if (left < 0) throw new InflateError('over-subscribed Huffman code')
  }
  const offsets = new Uint16Array(MAX_BITS + 2)
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + counts[len]
  const symbols = new Uint16Array(n)
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s
  counts[0] = 0
  // The table: walk the codes in canonical order; DEFLATE sends a code's bits
  // most significant first, so the table is indexed by the reversed code.
  const fast = new Int32Array(1 << FAST_BITS)
  let code = 0
  let index = 0
  for (let len = 1; len <= FAST_BITS; len++) {
    for (let k = 0; k < counts[len]; k++, code++) {
      let rev = 0
      for (let b = 0; b < len; b++) rev |= ((code >> b) & 1) << (len - 1 - b)
      const entry = (symbols[index + k] << 4) | len
      for (let fill = rev; fill < 1 << FAST_BITS; fill += 1 << len) fast[fill] = entry
    }
    index += counts[len]
    code <<= 1
  }
  return { counts, symbols, fast }
}

let fixedCodes: { lit: Huffman; dist: Huffman } | null = null

class Inflater {
  private bitBuf = 0
  private bitCount = 0
  pos: number
  out: Uint8Array
  outLen = 0

  constructor(private readonly input: Uint8Array, start: number, private readonly maxOutput: number) {
    this.pos = start
    this.out = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 4)))
  }

  private bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.input.length) throw new InflateError('unexpected end of compressed data')
      this.bitBuf |= this.input[this.pos++] << this.bitCount
      this.bitCount += 8
    }
    const v = this.bitBuf & ((1 << n) - 1)
    this.bitBuf >>>= n
    this.bitCount -= n
    return v
  }

  private decode(h: Huffman): number {
    // Look ahead as far as the input goes; bytes read ahead are given back at the end of the stream.
    while (this.bitCount < FAST_BITS && this.pos < this.input.length) {
      this.bitBuf |= this.input[this.pos++] << this.bitCount
      this.bitCount += 8
    }
    const entry = h.fast[this.bitBuf & FAST_MASK]
    const len = entry & 15
    if (entry !== 0 && len <= this.bitCount) {
      this.bitBuf >>>= len
      this.bitCount -= len
      return entry >> 4
    }
    return this.decodeSlow(h)
  }

  private decodeSlow(h: Huffman): number {
    let code = 0 // the bits read so far, most significant first
    let first = 0 // the first code of the current length
    let index = 0 // symbols of shorter lengths
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1)
      const count = h.counts[len]
      if (code - first < count) return h.symbols[index + code - first]
      index += count
      first = (first + count) << 1
      code <<= 1
    }
    throw new InflateError('invalid Huffman code')
  }

  private ensure(extra: number): void {
    const need = this.outLen + extra
    if (need > this.maxOutput) throw new InflateError(`output exceeds the limit of ${this.maxOutput} bytes`)
    if (need <= this.out.length) return
    const grown = new Uint8Array(Math.min(this.maxOutput, Math.max(need, this.out.length * 2)))
    grown.set(this.out.subarray(0, this.outLen))
    this.out = grown
  }

  private stored(): void {
    // Stored blocks start on a byte boundary (§3.2.4): whole bytes read ahead go back.
    this.unread()
    this.bitBuf = 0
    this.bitCount = 0
    if (this.pos + 4 > this.input.length) throw new InflateError('unexpected end of compressed data')
    const len = this.input[this.pos] | (this.input[this.pos + 1] << 8)
    const nlen = this.input[this.pos + 2] | (this.input[this.pos + 3] << 8)
    this.pos += 4
    if ((len ^ 0xffff) !== nlen) throw new InflateError('stored block length check failed')
    if (this.pos + len > this.input.length) throw new InflateError('unexpected end of compressed data')
    this.ensure(len)
    this.out.set(this.input.subarray(this.pos, this.pos + len), this.outLen)
    this.outLen += len
    this.pos += len
  }

  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit)
      if (sym < 256) {
        if (this.outLen >= this.out.length) this.ensure(1)
        this.out[this.outLen++] = sym
      } else if (sym === 256) {
        return
      } else {
        const li = sym - 257
        if (li >= 29) throw new InflateError('invalid length code')
        const len = LEN_BASE[li] + this.bits(LEN_EXTRA[li])
        const di = this.decode(dist)
        if (di >= 30) throw new InflateError('invalid distance code')
        const d = DIST_BASE[di] + this.bits(DIST_EXTRA[di])
        if (d > this.outLen) throw new InflateError('distance too far back')
        this.ensure(len)
        const out = this.out
        let o = this.outLen
        // Byte by byte: the copy may overlap its own output (d < len).
        for (let k = 0; k < len; k++, o++) out[o] = out[o - d]
        this.outLen = o
      }
    }
  }

  private fixed(): void {
    if (fixedCodes === null) {
      const l = new Uint8Array(288)
      l.fill(8, 0, 144)
      l.fill(9, 144, 256)
      l.fill(7, 256, 280)
      l.fill(8, 280, 288)
      fixedCodes = { lit: buildHuffman(l, 288), dist: buildHuffman(new Uint8Array(30).fill(5), 30) }
    }
    this.codes(fixedCodes.lit, fixedCodes.dist)
  }

  /** Gives back the whole bytes of the bit buffer (read ahead, not used). */
  private unread(): void {
    const bytes = this.bitCount >> 3
    this.pos -= bytes
    this.bitCount -= bytes * 8
    this.bitBuf &= (1 << this.bitCount) - 1
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257
    const ndist = this.bits(5) + 1
    const ncode = this.bits(4) + 4
    if (nlen > 286 || ndist > 30) throw new InflateError('too many length or distance codes')
    const clen = new Uint8Array(19)
    for (let i = 0; i < ncode; i++) clen[CLEN_ORDER[i]] = this.bits(3)
    const ch = buildHuffman(clen, 19)
    const lengths = new Uint8Array(nlen + ndist)
    let i = 0
    while (i < nlen + ndist) {
      const sym = this.decode(ch)
      if (sym < 16) {
        lengths[i++] = sym
        continue
      }
      let rep: number
      let val = 0
      if (sym === 16) {
        if (i === 0) throw new InflateError('repeat with no previous length')
        val = lengths[i - 1]
        rep = 3 + this.bits(2)
      } else if (sym === 17) rep = 3 + this.bits(3)
      else rep = 11 + this.bits(7)
      if (i + rep > nlen + ndist) throw new InflateError('too many code lengths')
      lengths.fill(val, i, i + rep)
      i += rep
    }
    if (lengths[256] === 0) throw new InflateError('no end-of-block code')
    this.codes(buildHuffman(lengths.subarray(0, nlen), nlen), buildHuffman(lengths.subarray(nlen), ndist))
  }

  run(): void {
    let last = 0
    while (!last) {
      last = this.bits(1)
      const type = this.bits(2)
      if (type === 0) this.stored()
      else if (type === 1) this.fixed()
      else if (type === 2) this.dynamic()
      else throw new InflateError('invalid block type 3')
    }
    // Unused bits of the last byte are padding; `pos` is past the whole bytes consumed.
    this.unread()
  }
}

function guard<T>(f: () => T): T | { ok: false; error: string } {
  try {
    return f()
  } catch (e) {
    if (e instanceof InflateError) return { ok: false, error: e.message }
    throw e
  }
}

/** Decodes a raw DEFLATE stream starting at `start`. */
export function inflateRaw(input: Uint8Array, maxOutput = 1 << 28, start = 0): InflateResult {
  return guard(() => {
    const inf = new Inflater(input, start, maxOutput)
    inf.run()
    return { ok: true as const, data: inf.out.subarray(0, inf.outLen), consumed: inf.pos - start }
  })
}

/** Four CRC tables, one per byte position of a 32-bit word (slicing by four). */
let crcTables: Uint32Array | null = null

/** CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) as gzip uses it, four bytes a step. */
export function crc32(data: Uint8Array, crc = 0): number {
  if (crcTables === null) {
    crcTables = new Uint32Array(4 * 256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTables[n] = c >>> 0
    }
    for (let n = 0; n < 256; n++) {
      for (let k = 1; k < 4; k++) {
        const prev = crcTables[(k - 1) * 256 + n]
        crcTables[k * 256 + n] = (prev >>> 8) ^ crcTables[prev & 0xff]
      }
    }
  }
  const t = crcTables
  let c = (crc ^ 0xffffffff) >>> 0
  let i = 0
  for (const end = data.length - 3; i < end; i += 4) {
    c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24]
  }
  for (; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b

const FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16

/** Decodes one gzip member (RFC 1952 §2.3) at `start`: header, DEFLATE data, CRC-32 and ISIZE checked. */
export function gunzipMember(input: Uint8Array, start = 0, maxOutput = 1 << 28): InflateResult {
  return guard(() => {
    let pos = start
    if (input.length - pos < 18) throw new InflateError('truncated gzip header')
    if (input[pos] !== 0x1f || input[pos + 1] !== 0x8b) throw new InflateError('not gzip data (bad magic)')
    if (input[pos + 2] !== 8) throw new InflateError(`unknown gzip compression method ${input[pos + 2]}`)
    const flg = input[pos + 3]
    if (flg & 0xe0) throw new InflateError('reserved gzip flags set')
    pos += 10
    if (flg & FEXTRA) {
      if (pos + 2 > input.length) throw new InflateError('truncated gzip header')
      pos += 2 + (input[pos] | (input[pos + 1] << 8))
    }
    for (const f of [FNAME, FCOMMENT]) {
      if (flg & f) {
        while (pos < input.length && input[pos] !== 0) pos++
        pos++
      }
    }
    if (flg & FHCRC) {
      if (pos + 2 > input.length) throw new InflateError('truncated gzip header')
      const want = input[pos] | (input[pos + 1] << 8)
      if ((crc32(input.subarray(start, pos)) & 0xffff) !== want) throw new InflateError('gzip header CRC mismatch')
      pos += 2
    }
    if (pos > input.length) throw new InflateError('truncated gzip header')
    const r = inflateRaw(input, maxOutput, pos)
    if (!r.ok) throw new InflateError(r.error)
    pos += r.consumed
    if (pos + 8 > input.length) throw new InflateError('truncated gzip trailer')
    const dv = new DataView(input.buffer, input.byteOffset + pos, 8)
    const crc = dv.getUint32(0, true)
    const isize = dv.getUint32(4, true)
    pos += 8
    if (crc32(r.data) !== crc) throw new InflateError('gzip CRC-32 mismatch (corrupt data)')
    if ((r.data.length >>> 0) !== isize) throw new InflateError('gzip length mismatch (corrupt data)')
    return { ok: true as const, data: r.data, consumed: pos - start }
  })
}

/**
 * Decodes a gzip file (RFC 1952): all members, concatenated, as gzip -d
 * does; trailing zero bytes after the last member (archive padding) are
 * accepted. The CRC-32 and ISIZE of every member are checked.
 */
export function gunzip(input: Uint8Array, maxOutput = 1 << 28): InflateResult {
  const parts: Uint8Array[] = []
  let total = 0
  let pos = 0
  for (;;) {
    const r = gunzipMember(input, pos, maxOutput - total)
    if (!r.ok) return r
    pos += r.consumed
    parts.push(r.data)
    total += r.data.length
    // Another member, or padding to the end.
    let p = pos
    while (p < input.length && input[p] === 0) p++
    if (p === input.length) {
      pos = p
      break
    }
    if (p !== pos || !isGzip(input.subarray(pos))) return { ok: false, error: 'trailing garbage after gzip data' }
  }
  let data: Uint8Array
  if (parts.length === 1) data = parts[0]
  else {
    data = new Uint8Array(total)
    let o = 0
    for (const p of parts) {
      data.set(p, o)
      o += p.length
    }
  }
  return { ok: true, data, consumed: pos }
}
