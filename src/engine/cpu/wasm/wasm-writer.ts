// A minimal WebAssembly binary writer for the block compiler: one function
// body built instruction by instruction, with structured labels tracked so
// that branches name their target instead of counting depths by hand.

export const enum W {
  block = 0x02, loop = 0x03, if_ = 0x04, else_ = 0x05, end = 0x0b, br = 0x0c, brIf = 0x0d, return_ = 0x0f,
  drop = 0x1a, select = 0x1b,
  localGet = 0x20, localSet = 0x21, localTee = 0x22,
  i32Load = 0x28, i64Load = 0x29, i32Load8S = 0x2c, i32Load8U = 0x2d, i32Load16S = 0x2e, i32Load16U = 0x2f,
  i64Load8S = 0x30, i64Load8U = 0x31, i64Load16S = 0x32, i64Load16U = 0x33, i64Load32S = 0x34, i64Load32U = 0x35,
  i32Store = 0x36, i64Store = 0x37, i64Store8 = 0x3c, i64Store16 = 0x3d, i64Store32 = 0x3e,
  i32Const = 0x41, i64Const = 0x42,
  i32Eqz = 0x45, i32Eq = 0x46, i32Ne = 0x47, i32LtS = 0x48, i32LtU = 0x49, i32GtS = 0x4a, i32GtU = 0x4b, i32LeS = 0x4c, i32GeS = 0x4e,
  i64Eqz = 0x50, i64Eq = 0x51, i64Ne = 0x52, i64LtS = 0x53, i64LtU = 0x54, i64GtS = 0x55, i64GtU = 0x56,
  i64LeS = 0x57, i64LeU = 0x58, i64GeS = 0x59, i64GeU = 0x5a,
  i32Clz = 0x67, i32Add = 0x6a, i32Sub = 0x6b, i32And = 0x71, i32Or = 0x72, i32Xor = 0x73, i32Shl = 0x74,
  i32ShrS = 0x75, i32ShrU = 0x76, i32Rotr = 0x78,
  i64Clz = 0x79, i64Add = 0x7c, i64Sub = 0x7d, i64Mul = 0x7e, i64DivS = 0x7f, i64DivU = 0x80,
  i64And = 0x83, i64Or = 0x84, i64Xor = 0x85, i64Shl = 0x86, i64ShrS = 0x87, i64ShrU = 0x88, i64Rotr = 0x8a,
  i32WrapI64 = 0xa7, i64ExtendI32S = 0xac, i64ExtendI32U = 0xad,
  i64Extend8S = 0xc2, i64Extend16S = 0xc3, i64Extend32S = 0xc4,
}

export const enum ValType { i32 = 0x7f, i64 = 0x7e }

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f
    v = Math.floor(v / 128)
    if (v !== 0) b |= 0x80
    out.push(b)
  } while (v !== 0)
}

function sleb(out: number[], v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn)
    v >>= 7n
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b)
      return
    }
    out.push(b | 0x80)
  }
}

/** A label: the block, loop or if a branch may name. */
export type Label = number

export class FunctionWriter {
  readonly code: number[] = []
  private readonly localTypes: ValType[] = []
  private readonly labels: Label[] = []
  private nextLabel = 1

  constructor(private readonly paramCount: number) {}

  local(t: ValType): number {
    this.localTypes.push(t)
    return this.paramCount + this.localTypes.length - 1
  }

  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b)
    return this
  }
  get(i: number): this { this.code.push(W.localGet); uleb(this.code, i); return this }
  set(i: number): this { this.code.push(W.localSet); uleb(this.code, i); return this }
  tee(i: number): this { this.code.push(W.localTee); uleb(this.code, i); return this }
  i32(v: number): this { this.code.push(W.i32Const); sleb(this.code, BigInt(v | 0)); return this }
  i64(v: bigint): this { this.code.push(W.i64Const); sleb(this.code, BigInt.asIntN(64, v)); return this }
  /** A load or store with its natural alignment hint of 1 byte (guests may be unaligned). */
  mem(opcode: number, offset = 0): this { this.code.push(opcode, 0); uleb(this.code, offset); return this }

  /** Opens a block, loop or if (no result) and returns its label. */
  open(kind: W.block | W.loop | W.if_): Label {
    this.code.push(kind, 0x40)
    const l = this.nextLabel++
    this.labels.push(l)
    return l
  }
  else_(l: Label): this {
    if (this.labels[this.labels.length - 1] !== l) throw new Error(`wasm writer: else of ${l} is not innermost`)
    this.code.push(W.else_)
    return this
  }
  close(l: Label): this {
    const top = this.labels.pop()
    if (top !== l) throw new Error(`wasm writer: closing label ${l}, innermost is ${top}`)
    this.code.push(W.end)
    return this
  }
  private depth(l: Label): number {
    const i = this.labels.lastIndexOf(l)
    if (i < 0) throw new Error(`wasm writer: label ${l} is not open`)
    return this.labels.length - 1 - i
  }
  br(l: Label): this { this.code.push(W.br); uleb(this.code, this.depth(l)); return this }
  brIf(l: Label): this { this.code.push(W.brIf); uleb(this.code, this.depth(l)); return this }

  /** The function body: locals, code, final end. */
  body(): number[] {
    if (this.labels.length) throw new Error('wasm writer: unclosed labels')
    const out: number[] = []
    // One local declaration group per run of equal types.
    const groups: [number, ValType][] = []
    for (const t of this.localTypes) {
      const g = groups[groups.length - 1]
      if (g && g[1] === t) g[0]++
      else groups.push([1, t])
    }
    uleb(out, groups.length)
    for (const [n, t] of groups) { uleb(out, n); out.push(t) }
    for (const b of this.code) out.push(b)
    out.push(W.end)
    const sized: number[] = []
    uleb(sized, out.length)
    return sized.concat(out)
  }
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id)
  uleb(out, content.length)
  for (const b of content) out.push(b)
}

function name(out: number[], s: string): void {
  uleb(out, s.length)
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i))
}

/** A module importing `env.memory` and exporting one function `f` of the
 *  given signature, whose body `body` comes from FunctionWriter.body(). */
export function moduleBytes(params: ValType[], result: ValType, body: number[]): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  const type: number[] = [1, 0x60]
  uleb(type, params.length)
  type.push(...params, 1, result)
  section(out, 1, type)
  const imp: number[] = [1]
  name(imp, 'env')
  name(imp, 'memory')
  imp.push(0x02, 0x00, 0x00) // memory, limits: min 0, no max
  section(out, 2, imp)
  section(out, 3, [1, 0])
  const exp: number[] = [1]
  name(exp, 'f')
  exp.push(0x00, 0)
  section(out, 7, exp)
  section(out, 10, [1, ...body])
  return new Uint8Array(out)
}
