// Operand generation for the differential FP test: special values of each
// class crossed with FPCR settings, plus seeded random operands aimed at
// rounding, cancellation, overflow/underflow and saturation boundaries.
import { OPS, type FpOp } from './ops.mjs'

export const REC_IN = 32
export const REC_OUT = 16

interface Fmt { F: bigint, E: bigint, bias: bigint, emax: bigint }
const FMT: Record<string, Fmt> = {
  H: { F: 10n, E: 5n, bias: 15n, emax: 31n },
  S: { F: 23n, E: 8n, bias: 127n, emax: 255n },
  D: { F: 52n, E: 11n, bias: 1023n, emax: 2047n },
}

/** mulberry32: small seeded generator, enough for operand selection. */
export class Rng {
  private s: number
  constructor(seed: number) { this.s = seed >>> 0 }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  int(n: number): number { return this.u32() % n }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()) }
  bits(n: bigint): bigint { return this.u64() & ((1n << n) - 1n) }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)] }
}

const mk = (f: Fmt, s: bigint, e: bigint, frac: bigint): bigint =>
  (s << (f.F + f.E)) | ((e < 0n ? 0n : e > f.emax ? f.emax : e) << f.F) | (frac & ((1n << f.F) - 1n))

/** One instance of every special class, both signs. */
export function specials(name: string): bigint[] {
  const f = FMT[name]
  const fm = (1n << f.F) - 1n
  const q = 1n << (f.F - 1n)
  const b = f.bias
  const pos: bigint[] = [
    0n, 1n, 2n, 3n, fm >> 1n, fm, q | 1n, q, // zero, denormals (smallest, largest)
    mk(f, 0n, 1n, 0n), mk(f, 0n, 1n, 1n), mk(f, 0n, 1n, fm), mk(f, 0n, 2n, 0n), // smallest normals
    mk(f, 0n, b, 0n), mk(f, 0n, b, 1n), mk(f, 0n, b - 1n, fm), mk(f, 0n, b, q), // 1, 1+ulp, 1-ulp, 1.5
    mk(f, 0n, b + 1n, 0n), mk(f, 0n, b + 1n, q), mk(f, 0n, b - 1n, 0n), mk(f, 0n, b + 1n, q >> 1n), // 2, 3, 0.5, 2.5
    mk(f, 0n, b - 2n, 0n), mk(f, 0n, b - 1n, q), // 0.25, 0.75
    mk(f, 0n, f.emax - 1n, fm), mk(f, 0n, f.emax - 1n, fm - 1n), mk(f, 0n, f.emax - 1n, 0n), // largest normals
    mk(f, 0n, b + f.F - 1n, 1n), mk(f, 0n, b + f.F - 1n, 3n), mk(f, 0n, b + f.F, 0n), // x.5 halfway, 2^F
    mk(f, 0n, b + f.F - 2n, 1n), // x.25
    mk(f, 0n, f.emax, 0n), // infinity
    mk(f, 0n, f.emax, q), mk(f, 0n, f.emax, q | 0x15n), // quiet NaNs
    mk(f, 0n, f.emax, 1n), mk(f, 0n, f.emax, (q >> 1n) | 0x2a5n), // signalling NaNs
  ]
  // conversion saturation boundaries: 2^31, 2^32, 2^63, 2^64 and neighbours
  for (const k of [31n, 32n, 63n, 64n]) {
    if (b + k < f.emax) pos.push(mk(f, 0n, b + k, 0n), mk(f, 0n, b + k - 1n, fm), mk(f, 0n, b + k, 1n))
  }
  // exponents whose products or quotients land near overflow and underflow
  pos.push(mk(f, 0n, b + b / 2n + 1n, 0x123n), mk(f, 0n, b / 2n, q | 7n), mk(f, 0n, b / 2n + 1n, 0n))
  return [...pos, ...pos.map((x) => x | (1n << (f.F + f.E)))]
}

/** A random operand of format `name`, drawn from several shapes. */
export function randomFp(r: Rng, name: string): bigint {
  const f = FMT[name]
  const s = BigInt(r.int(2))
  switch (r.int(6)) {
    case 0: return r.bits(f.F + f.E + 1n) // any bit pattern
    case 1: return mk(f, s, f.bias - 20n + BigInt(r.int(41)), r.bits(f.F)) // ordinary numbers
    case 2: return mk(f, s, BigInt(r.int(Number(f.emax) + 1)), r.bits(f.F)) // any exponent
    case 3: { // few fraction bits: exact and halfway results
      const k = BigInt(r.int(Number(f.F)))
      return mk(f, s, f.bias - 8n + BigInt(r.int(17)), (r.bits(f.F) >> k) << k)
    }
    case 4: return mk(f, s, BigInt(r.int(3)), r.bits(f.F)) // denormals and smallest normals
    default: return mk(f, s, f.emax - BigInt(r.int(3)), r.bits(f.F)) // largest, inf, NaN
  }
}

/** An operand near `a` (same or close exponent): cancellation, rounding. */
function nearFp(r: Rng, name: string, a: bigint): bigint {
  const f = FMT[name]
  const e = (a >> f.F) & f.emax
  let e2 = e + BigInt(r.int(Number(f.F) + 6) - 2)
  if (e2 < 0n) e2 = 0n
  if (e2 >= f.emax) e2 = f.emax - 1n
  const frac = r.int(2) === 0 ? a + BigInt(r.int(9) - 4) : r.bits(f.F)
  return mk(f, BigInt(r.int(2)), e2, frac)
}

/** An operand pair whose product lands near the overflow or underflow boundary. */
function extremeProduct(r: Rng, name: string): [bigint, bigint] {
  const f = FMT[name]
  const ea = 1n + BigInt(r.int(Number(f.emax) - 1))
  const target = r.int(2) === 0 ? f.emax - 1n + f.bias : 1n + f.bias - BigInt(r.int(Number(f.F) + 2))
  let eb = target - ea + BigInt(r.int(3) - 1)
  if (eb < 1n) eb = 1n
  if (eb >= f.emax) eb = f.emax - 1n
  return [mk(f, BigInt(r.int(2)), ea, r.bits(f.F)), mk(f, BigInt(r.int(2)), eb, r.bits(f.F))]
}

const fpcrOf = (rmode: number, fz: boolean, dn: boolean, ahp: boolean): number =>
  (rmode << 22) | (fz ? 1 << 24 : 0) | (dn ? 1 << 25 : 0) | (ahp ? 1 << 26 : 0)

/** All 16 combinations of RMode, FZ and DN. */
export const CONFIGS: number[] = []
for (let m = 0; m < 4; m++) for (const fz of [false, true]) for (const dn of [false, true]) CONFIGS.push(fpcrOf(m, fz, dn, false))
const CONFIGS_AHP = [...CONFIGS, ...CONFIGS.map((c) => c | (1 << 26))]

/** Integers at the conversion boundaries and random ones of random length. */
function intOperands(r: Rng, n: number): bigint[] {
  const xs: bigint[] = [0n, 1n, 2n, 3n, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xffffffffn, 0x100000000n,
    0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xffffffffffffffffn, 0xffffffff80000000n]
  for (let k = 0n; k < 64n; k++) {
    xs.push(1n << k, ((1n << k) + 1n) & 0xffffffffffffffffn, ((1n << k) - 1n), (-(1n << k)) & 0xffffffffffffffffn)
  }
  for (let i = 0; i < n; i++) {
    const len = BigInt(1 + r.int(64))
    let v = r.u64() & ((1n << len) - 1n)
    if (r.int(2) === 0) v = (v >> 3n) << 3n | (r.int(2) ? 4n : 0n) // halfway patterns
    if (r.int(3) === 0) v = (-v) & 0xffffffffffffffffn
    xs.push(v)
  }
  return xs
}

/** FP operands for conversions to integers: all powers of two up to 2^65 and
 *  their neighbours, halfway values, and random magnitudes in range. */
function toIntOperands(r: Rng, name: string, n: number): bigint[] {
  const f = FMT[name]
  const fm = (1n << f.F) - 1n
  const xs = specials(name)
  for (let k = -2n; k <= 65n; k++) {
    const e = f.bias + k
    if (e <= 0n || e >= f.emax) continue
    for (const x of [mk(f, 0n, e, 0n), mk(f, 0n, e - 1n, fm), mk(f, 0n, e, 1n), mk(f, 0n, e, 1n << (f.F - 1n))]) {
      xs.push(x, x | (1n << (f.F + f.E)))
    }
  }
  for (let i = 0; i < n; i++) {
    const e = f.bias - 3n + BigInt(r.int(70))
    if (e >= f.emax) continue
    xs.push(mk(f, BigInt(r.int(2)), e, r.int(2) ? r.bits(f.F) : (r.bits(f.F) >> 20n) << 20n))
  }
  return xs
}

export interface Batch { records: Buffer, count: number }

/** Builds the whole operation list of one run. */
export function generate(seed: number, full = false): Batch {
  const r = new Rng(seed)
  const recs: [number, number, bigint, bigint, bigint][] = []
  const M64 = 0xffffffffffffffffn
  const push = (op: FpOp, fpcr: number, a: bigint, b = 0n, c = 0n) => recs.push([op.id, fpcr, a & M64, b & M64, c & M64])
  const cfg = () => r.pick(CONFIGS)
  for (const op of OPS) {
    const fmt = op.fmt ?? op.src ?? 'S'
    switch (op.kind) {
      case 'bin': {
        const sp = specials(fmt)
        if (full) for (const a of sp) for (const b of sp) for (const c of CONFIGS) push(op, c, a, b)
        for (const a of sp) for (const b of sp) if (r.int(2) === 0) push(op, cfg(), a, b)
        for (let i = 0; i < 1500; i++) {
          const a = randomFp(r, fmt)
          push(op, cfg(), a, r.int(2) ? nearFp(r, fmt, a) : randomFp(r, fmt))
        }
        for (let i = 0; i < 300; i++) { const [a, b] = extremeProduct(r, fmt); push(op, cfg(), a, b) }
        break
      }
      case 'cmp': {
        const sp = specials(fmt)
        if (full) for (const a of sp) for (const b of sp) for (const c of CONFIGS) push(op, c, a, b)
        for (const a of sp) for (const b of sp) if (r.int(4) === 0) push(op, cfg(), a, b)
        for (let i = 0; i < 500; i++) { const a = randomFp(r, fmt); push(op, cfg(), a, r.int(2) ? a : nearFp(r, fmt, a)) }
        break
      }
      case 'un': {
        for (const a of specials(fmt)) for (const c of CONFIGS) push(op, c, a)
        for (let i = 0; i < 1500; i++) push(op, cfg(), randomFp(r, fmt))
        if (op.op!.startsWith('FRINT')) for (const a of toIntOperands(r, fmt, 500)) push(op, cfg(), a)
        break
      }
      case 'ter': {
        const sp = specials(fmt)
        if (full) for (const a of sp) for (const b of sp) for (const c of sp) push(op, cfg(), a, b, c)
        for (let i = 0; i < 4000; i++) push(op, cfg(), r.pick(sp), r.pick(sp), r.pick(sp))
        for (let i = 0; i < 3000; i++) {
          const a = randomFp(r, fmt)
          const b = randomFp(r, fmt)
          push(op, cfg(), a, b, r.int(3) === 0 ? randomFp(r, fmt) : cancelAddend(r, fmt, a, b))
        }
        for (let i = 0; i < 1000; i++) {
          const [a, b] = extremeProduct(r, fmt)
          push(op, cfg(), a, b, r.int(2) ? randomFp(r, fmt) : cancelAddend(r, fmt, a, b))
        }
        break
      }
      case 'cvt': {
        const src = op.src!
        const xs = [...specials(src)]
        for (let i = 0; i < 2500; i++) xs.push(r.int(2) ? randomFp(r, src) : narrowingOperand(r, src, op.dst!))
        for (const a of xs) push(op, r.pick(CONFIGS_AHP), a)
        for (const a of specials(src)) for (const c of CONFIGS_AHP) push(op, c, a)
        break
      }
      case 'toint': {
        const maxFb = op.dst === 'W' ? 32 : 64
        for (const a of toIntOperands(r, op.src!, 1200)) {
          push(op, cfg(), a, 0n, op.fixed ? BigInt(1 + r.int(maxFb)) : 0n)
        }
        break
      }
      case 'uest': {
        // every 9-bit table index, at both ends of its range, plus random lanes
        for (let i = 0; i < 512; i++) {
          const base = BigInt(i) << 23n
          push(op, cfg(), base, 0n, 0n)
          push(op, cfg(), base | 0x7fffffn, 0n, 0n)
        }
        for (let i = 0; i < 1000; i++) push(op, cfg(), BigInt(r.u32()))
        break
      }
      case 'fromint': {
        const maxFb = op.src === 'W' ? 32 : 64
        for (const a of intOperands(r, 1200)) push(op, cfg(), a, 0n, op.fixed ? BigInt(1 + r.int(maxFb)) : 0n)
        break
      }
    }
  }
  const records = Buffer.alloc(recs.length * REC_IN)
  recs.forEach(([op, fpcr, a, b, c], i) => {
    const o = i * REC_IN
    records.writeUInt32LE(op, o)
    records.writeUInt32LE(fpcr >>> 0, o + 4)
    records.writeBigUInt64LE(a, o + 8)
    records.writeBigUInt64LE(b, o + 16)
    records.writeBigUInt64LE(c, o + 24)
  })
  return { records, count: recs.length }
}

/** An addend close to -(a*b), so that FMA cancels heavily (computed in
 *  binary64 for D and for S; only needs to be near, not exact). */
function cancelAddend(r: Rng, name: string, a: bigint, b: bigint): bigint {
  const buf = Buffer.alloc(8)
  if (name === 'D') {
    buf.writeBigUInt64LE(a); const x = buf.readDoubleLE()
    buf.writeBigUInt64LE(b); const y = buf.readDoubleLE()
    buf.writeDoubleLE(-(x * y))
    return (buf.readBigUInt64LE() + BigInt(r.int(5) - 2)) & 0xffffffffffffffffn
  }
  buf.writeUInt32LE(Number(a)); const x = buf.readFloatLE()
  buf.writeUInt32LE(Number(b)); const y = buf.readFloatLE()
  buf.writeFloatLE(-(x * y))
  return BigInt((buf.readUInt32LE() + r.int(5) - 2) >>> 0)
}

/** A source operand whose exponent falls near the target format's
 *  denormal, normal and overflow boundaries. */
function narrowingOperand(r: Rng, src: string, dst: string): bigint {
  const fs = FMT[src], fd = FMT[dst]
  const ends = [1n - fd.bias - fd.F - 1n, 1n - fd.bias, fd.emax - fd.bias - 1n]
  let e = r.pick(ends) + BigInt(r.int(7) - 3) + fs.bias
  if (e < 0n) e = 0n
  if (e >= fs.emax) e = fs.emax - 1n
  const tailZeros = r.int(2) ? 0n : fs.F - fd.F - 1n
  const frac = tailZeros > 0n ? ((r.bits(fs.F) >> tailZeros) << tailZeros) | (r.int(2) ? 1n << (tailZeros - 1n) : 0n) : r.bits(fs.F)
  return mk(fs, BigInt(r.int(2)), e, frac)
}
