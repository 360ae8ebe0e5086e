// Region → one wasm function. Guest registers live in wasm locals for the
// whole call (loaded once, stored once), so V8 keeps hot loops in machine
// registers; flags are four locals in the interpreter's representation
// (QEMU's NF/ZF/CF/VF). The region start is a loop header: a branch back to
// it is a wasm `br` to the loop, taken only while the budget allows another
// full pass. Branches forward inside the region are `br`s out of nested
// blocks; every other branch, a TLB miss and a page-crossing access leave
// through one epilogue that stores state, the next PC and the count of
// retired instructions (the return value).
import { type Insn, type Region, ZR } from './region'
import { FunctionWriter, type Label, ValType, W } from '../../wasm/wasm-writer'
import { JIT_PARAMS } from '../../jit/compiled-functions'
import { emitHostAddress, emitTlbMiss, type TlbLayout } from '../../jit/tlb-probe'
import { C_JIT_MISS, C_TLB_R, R_CF, R_NF, R_PC, R_SP, R_SPALIGN, R_V, R_VF, R_ZF, TLB_ENTRIES, TLB_ENTRY_BYTES, TLB_ENTRY_HOST } from '../core-layout'

const P_CTX = 0, P_LEFT = 1, P_TLBR = 2, P_TLBW = 3, P_ASID = 4, P_PC = 5

const TLB: TlbLayout = { entries: TLB_ENTRIES, entryBytes: TLB_ENTRY_BYTES, hostOffset: TLB_ENTRY_HOST }

const M32 = 0xffffffffn
const SP = 32 // local slot for SP in `regs`
/** NZCV as one unit of the written/loaded bookkeeping: every flag-setting form sets all four. */
const FLAGS = 33

type RegKind = 'zr' | 'sp'

class Gen {
  readonly f = new FunctionWriter(JIT_PARAMS.length)
  private readonly regs = new Array<number>(33).fill(-1)
  private readonly written = new Set<number>()
  /** Registers (and FLAGS) certainly written on every path from the region's entry to the
   *  instruction being generated: reading them needs no load from the register block. */
  private def = new Set<number>()
  /** What is certainly written at each later position a branch jumps to (intersected over the branches). */
  private readonly defAt = new Map<number, Set<number>>()
  /** Read before certainly written, or written but not certainly so at some exit (whose
   *  epilogue stores it): these are loaded by the prologue, nothing else is. */
  private readonly needLoad = new Set<number>()
  /** `def` at every exit. */
  private readonly exitDefs: Set<number>[] = []
  private flagLocals: [number, number, number, number] | null = null
  private readonly n: number
  private readonly xpc: number
  private readonly ta: number
  private readonly tb: number
  private readonly tr: number
  private readonly tva: number
  /** The memory access being emitted has SP as its base (address() sets it for access()). */
  private spBase = false
  private readonly te: number
  private readonly toff: number
  private readonly th: number
  private exitL: Label = 0
  private headL: Label = 0
  private pending = 0
  private dead = false
  /** Position of the instruction being generated in the region. */
  private pos = 0
  /** Its word offset from the region start (regions may follow jumps). */
  private word = 0
  /** Region position of each word offset the region holds. */
  private readonly posOf = new Map<number, number>()

  constructor(private readonly region: Region) {
    const f = this.f
    this.n = f.local(ValType.i32)
    this.xpc = f.local(ValType.i64)
    this.ta = f.local(ValType.i64)
    this.tb = f.local(ValType.i64)
    this.tr = f.local(ValType.i64)
    this.tva = f.local(ValType.i64)
    this.te = f.local(ValType.i32)
    this.toff = f.local(ValType.i32)
    this.th = f.local(ValType.i32)
  }

  // ---- registers and flags

  private slot(r: number, kind: RegKind): number {
    const i = r === 31 && kind === 'sp' ? SP : r
    if (this.regs[i] < 0) this.regs[i] = this.f.local(ValType.i64)
    return this.regs[i]
  }
  /** Pushes register r (64 bits; W reads mask where it matters). */
  private rd(r: number, kind: RegKind = 'zr'): void {
    if (r === ZR && kind === 'zr') { this.f.i64(0n); return }
    const i = r === 31 ? SP : r
    if (!this.def.has(i)) this.needLoad.add(i)
    this.f.get(this.slot(r, kind))
  }
  /** Pops a value into register r, zero-extending a 32-bit result. */
  private wr(r: number, kind: RegKind, sf: boolean): void {
    if (!sf) this.f.i64(M32).op(W.i64And)
    if (r === ZR && kind === 'zr') { this.f.op(W.drop); return }
    const i = r === 31 ? SP : r
    this.written.add(i)
    this.def.add(i)
    this.f.set(this.slot(r, kind))
  }
  private flags(): [number, number, number, number] {
    if (!this.flagLocals) {
      const f = this.f
      this.flagLocals = [f.local(ValType.i64), f.local(ValType.i64), f.local(ValType.i64), f.local(ValType.i64)]
    }
    return this.flagLocals
  }
  private wroteFlags(): void {
    this.written.add(FLAGS)
    this.def.add(FLAGS)
  }
  /** Pushes i32 1 when condition cc holds (exec.ts condHolds). */
  private cond(cc: number): void {
    const f = this.f
    if (cc < 14 && !this.def.has(FLAGS)) this.needLoad.add(FLAGS)
    const [nf, zf, cf, vf] = this.flags()
    switch (cc >>> 1) {
      case 0: f.get(zf).op(W.i64Eqz); break
      case 1: f.get(cf).i64(0n).op(W.i64Ne); break
      case 2: f.get(nf).i64(0n).op(W.i64LtS); break
      case 3: f.get(vf).i64(0n).op(W.i64LtS); break
      case 4: f.get(cf).i64(0n).op(W.i64Ne).get(zf).i64(0n).op(W.i64Ne, W.i32And); break
      case 5: f.get(nf).get(vf).op(W.i64Xor).i64(0n).op(W.i64GeS); break
      case 6: f.get(zf).i64(0n).op(W.i64Ne).get(nf).get(vf).op(W.i64Xor).i64(0n).op(W.i64GeS, W.i32And); break
      default: f.i32(1); return
    }
    if (cc & 1) f.op(W.i32Eqz)
  }
  /** NZ from the result in local `tr` (sign-extended for 32 bits), C = V = 0. */
  private setNZ(sf: boolean): void {
    const f = this.f
    const [nf, zf, cf, vf] = this.flags()
    f.get(this.tr)
    if (!sf) f.op(W.i64Extend32S)
    f.tee(nf).set(zf)
    f.i64(0n).set(cf).i64(0n).set(vf)
    this.wroteFlags()
  }

  // ---- operands

  /** Pushes rm shifted as the shifted-register forms do. */
  private shifted(rm: number, type: number, amt: number, sf: boolean): void {
    const f = this.f
    this.rd(rm)
    if (amt === 0 && (type === 0 || sf)) return
    const a = BigInt(amt)
    switch (type) {
      case 0: f.i64(a).op(W.i64Shl); break
      case 1: if (!sf) f.i64(M32).op(W.i64And); f.i64(a).op(W.i64ShrU); break
      case 2: if (!sf) f.op(W.i64Extend32S); f.i64(a).op(W.i64ShrS); break
      default:
        if (sf) f.i64(a).op(W.i64Rotr)
        else f.op(W.i32WrapI64).i32(amt).op(W.i32Rotr, W.i64ExtendI32U)
    }
  }
  private extended(rm: number, option: number, amt: number): void {
    const f = this.f
    this.rd(rm)
    switch (option) {
      case 0: f.i64(0xffn).op(W.i64And); break
      case 1: f.i64(0xffffn).op(W.i64And); break
      case 2: f.i64(M32).op(W.i64And); break
      case 4: f.op(W.i64Extend8S); break
      case 5: f.op(W.i64Extend16S); break
      case 6: f.op(W.i64Extend32S); break
      default: break
    }
    if (amt) f.i64(BigInt(amt)).op(W.i64Shl)
  }

  /** a (local ta) ± b (local tb) → result pushed; NZCV when setf (exec.ts addc64/addc32). */
  private addSub(sf: boolean, sub: boolean, setf: boolean): void {
    const f = this.f
    const { ta, tb, tr } = this
    if (!setf) {
      f.get(ta).get(tb).op(sub ? W.i64Sub : W.i64Add)
      return
    }
    const [nf, zf, cf, vf] = this.flags()
    this.wroteFlags()
    if (sub) f.get(tb).i64(-1n).op(W.i64Xor).set(tb)
    if (sf) {
      f.get(ta).get(tb).op(W.i64Add)
      if (sub) f.i64(1n).op(W.i64Add)
      f.tee(tr).tee(nf).set(zf)
      f.get(tr).get(ta).op(sub ? W.i64LeU : W.i64LtU, W.i64ExtendI32U).set(cf)
      f.get(ta).get(tr).op(W.i64Xor).get(tb).get(tr).op(W.i64Xor, W.i64And).set(vf)
      f.get(tr)
      return
    }
    f.get(ta).i64(M32).op(W.i64And).set(ta)
    f.get(tb).i64(M32).op(W.i64And).set(tb)
    f.get(ta).get(tb).op(W.i64Add)
    if (sub) f.i64(1n).op(W.i64Add)
    f.tee(tr).i64(32n).op(W.i64ShrU).set(cf)
    f.get(tr).i64(M32).op(W.i64And).tee(tr).op(W.i64Extend32S).set(nf)
    f.get(tr).set(zf)
    f.get(ta).get(tr).op(W.i64Xor).get(tb).get(tr).op(W.i64Xor, W.i64And, W.i64Extend32S).set(vf)
    f.get(tr)
  }

  // ---- control

  private count(k: number): void {
    if (k) this.f.get(this.n).i32(k).op(W.i32Add).set(this.n)
  }
  private pcPlus(off: number): void {
    this.f.get(P_PC)
    if (off) this.f.i64(BigInt(off)).op(W.i64Add)
  }
  /** Leaves with PC = region PC + off after `retire` more instructions. */
  private exitAt(off: number, retire: number): void {
    this.exitDefs.push(new Set(this.def))
    this.pcPlus(off)
    this.f.set(this.xpc)
    this.count(retire)
    this.f.br(this.exitL)
  }
  /** The host address of `size` bytes at local tva into th, or leave before this instruction. */
  private access(size: number, write: boolean): void {
    const f = this.f
    emitTlbMiss(f, TLB, this.tva, write ? P_TLBW : P_TLBR, P_ASID, size, this.te, this.toff)
    if (this.spBase) {
      // A misaligned SP under SP alignment checking (the flag is 15 then, 0 else): the interpreter takes the fault.
      f.get(P_CTX).mem(W.i32Load, R_SPALIGN)
      this.rd(31, 'sp')
      f.op(W.i32WrapI64).i32(15).op(W.i32And, W.i32And, W.i32Or)
    }
    const miss = f.open(W.if_)
    if (this.pending === 0) {
      // Possibly the region's first instruction: with nothing retired, say
      // where it missed (C_JIT_MISS) and return -1 (read) or -2 (write), so
      // the run loop fills the TLB and calls again — a loop that reads a
      // new page would otherwise be interpreted until it is hot again.
      f.get(P_TLBR).i32(C_TLB_R - C_JIT_MISS).op(W.i32Sub).get(this.tva).mem(W.i64Store)
      f.i32(write ? -2 : -1).get(this.n).get(this.n).op(W.i32Eqz, W.select).set(this.n)
    }
    this.exitAt(this.word * 4, this.pending)
    f.close(miss)
    emitHostAddress(f, TLB, this.te, this.toff)
    f.set(this.th)
  }
  /** A branch to word offset t: back to the head, forward to a label (a
   *  later position of the region), or out. The caller has counted the
   *  branch as retired and, for a conditional one, pushed the condition. */
  private branch(t: number, conditional: boolean, labels: Map<number, Label>): void {
    const f = this.f
    const p = this.posOf.get(t)
    if (t === 0) {
      // Back to the head: another pass only when the budget covers the
      // longest one (the first pass was checked at entry).
      const taken = conditional ? f.open(W.if_) : -1
      f.get(P_LEFT).get(this.n).op(W.i32Sub).i32(this.region.insns.length).op(W.i32LtS)
      const low = f.open(W.if_)
      this.exitAt(0, 0)
      f.close(low)
      f.br(this.headL)
      if (conditional) f.close(taken)
    } else if (p !== undefined && p > this.pos && labels.has(p)) {
      const l = labels.get(p)!
      const known = this.defAt.get(p)
      this.defAt.set(p, known ? new Set([...known].filter((r) => this.def.has(r))) : new Set(this.def))
      if (conditional) f.brIf(l)
      else f.br(l)
    } else if (conditional) {
      const l = f.open(W.if_)
      this.exitAt(t * 4, 0)
      f.close(l)
    } else this.exitAt(t * 4, 0)
    if (!conditional) this.dead = true
  }
  /** Counts the instructions up to and including a branch as retired. */
  private retireBranch(): void {
    this.count(this.pending + 1)
    this.pending = 0
  }

  // ---- the function

  build(): number[] {
    const f = this.f
    const { insns, at, start } = this.region
    const len = insns.length
    at.forEach((w, p) => this.posOf.set(w - start, p))
    // Branch targets at later positions of the region become labels.
    const targets = new Set<number>()
    insns.forEach((ins, p) => {
      if ('delta' in ins && !(ins.k === 'b' && (ins.link || ins.follow))) {
        const tp = this.posOf.get(at[p] - start + ins.delta / 4)
        if (tp !== undefined && tp > p) targets.add(tp)
      }
    })
    this.exitL = f.open(W.block)
    this.headL = f.open(W.loop)
    const sorted = [...targets].sort((a, b) => b - a)
    const labels = new Map<number, Label>()
    for (const t of sorted) labels.set(t, f.open(W.block))
    for (let i = 0; i < len; i++) {
      this.pos = i
      this.word = at[i] - start
      const l = labels.get(i)
      if (l !== undefined) {
        if (!this.dead) this.count(this.pending)
        // What every way here has written: the branches' and, unless it is dead, the fall-through's.
        const came = this.defAt.get(i) ?? new Set<number>()
        this.def = this.dead ? came : new Set([...came].filter((r) => this.def.has(r)))
        this.pending = 0
        this.dead = false
        f.close(l)
      }
      this.insn(insns[i], labels)
    }
    if (!this.dead) this.exitAt((this.region.next - start) * 4, this.pending)
    f.close(this.headL)
    f.close(this.exitL)
    // Epilogue: what the region wrote back to the register block. A value
    // not certainly written at every exit was loaded by the prologue, so
    // an exit before its write stores back what was there.
    for (const i of this.written) {
      if (this.exitDefs.some((d) => !d.has(i))) this.needLoad.add(i)
      if (i !== FLAGS) f.get(P_CTX).get(this.regs[i]).mem(W.i64Store, i === SP ? R_SP : i * 8)
    }
    const offs = [R_NF, R_ZF, R_CF, R_VF]
    if (this.flagLocals && this.written.has(FLAGS)) {
      this.flagLocals.forEach((l, k) => f.get(P_CTX).get(l).mem(W.i64Store, offs[k]))
    }
    f.get(P_CTX).get(this.xpc).mem(W.i64Store, R_PC)
    f.get(this.n).op(W.return_)
    // Prologue: every register and flag the region touches, from the block.
    const pro = new FunctionWriter(JIT_PARAMS.length)
    // Run a pass only when the budget covers the longest one; the caller
    // reads nothing back when 0 is retired, so nothing need be stored.
    pro.get(P_LEFT).i32(len).op(W.i32LtS)
    const low = pro.open(W.if_)
    pro.i32(0).op(W.return_)
    pro.close(low)
    this.regs.forEach((l, i) => {
      if (l >= 0 && this.needLoad.has(i)) pro.get(P_CTX).mem(W.i64Load, i === SP ? R_SP : i * 8).set(l)
    })
    if (this.flagLocals && this.needLoad.has(FLAGS)) {
      this.flagLocals.forEach((l, k) => pro.get(P_CTX).mem(W.i64Load, offs[k]).set(l))
    }
    f.code.unshift(...pro.code)
    return f.body()
  }

  private insn(ins: Insn, labels: Map<number, Label>): void {
    const f = this.f
    const i = this.word
    switch (ins.k) {
      case 'nop': break
      case 'addi':
        this.rd(ins.rn, 'sp'); f.set(this.ta)
        f.i64(ins.imm).set(this.tb)
        this.addSub(ins.sf, ins.sub, ins.setf)
        this.wr(ins.rd, ins.setf ? 'zr' : 'sp', ins.sf)
        break
      case 'addr':
        this.rd(ins.rn); f.set(this.ta)
        this.shifted(ins.rm, ins.type, ins.amt, ins.sf); f.set(this.tb)
        this.addSub(ins.sf, ins.sub, ins.setf)
        this.wr(ins.rd, 'zr', ins.sf)
        break
      case 'adde':
        this.rd(ins.rn, 'sp'); f.set(this.ta)
        this.extended(ins.rm, ins.option, ins.amt); f.set(this.tb)
        this.addSub(ins.sf, ins.sub, ins.setf)
        this.wr(ins.rd, ins.setf ? 'zr' : 'sp', ins.sf)
        break
      case 'logi':
      case 'logr': {
        this.rd(ins.rn)
        if (ins.k === 'logi') f.i64(ins.imm)
        else {
          this.shifted(ins.rm, ins.type, ins.amt, ins.sf)
          if (ins.inv) f.i64(-1n).op(W.i64Xor)
        }
        f.op(ins.opc === 1 ? W.i64Or : ins.opc === 2 ? W.i64Xor : W.i64And)
        if (!ins.sf) f.i64(M32).op(W.i64And)
        if (ins.opc === 3) { f.tee(this.tr); this.setNZ(ins.sf) }
        this.wr(ins.rd, 'zr', true)
        break
      }
      case 'movw': {
        const v = BigInt(ins.imm16) << BigInt(ins.shift)
        if (ins.opc === 0) f.i64(~v)
        else if (ins.opc === 2) f.i64(v)
        else {
          this.rd(ins.rd); f.i64(~(0xffffn << BigInt(ins.shift))).op(W.i64And).i64(v).op(W.i64Or)
        }
        this.wr(ins.rd, 'zr', ins.sf)
        break
      }
      case 'adr':
        if (ins.page) { this.pcPlus(0); f.i64(~0xfffn).op(W.i64And).i64(ins.imm).op(W.i64Add) }
        else this.pcPlus(i * 4 + Number(ins.imm))
        this.wr(ins.rd, 'zr', true)
        break
      case 'bfm': {
        const size = ins.sf ? 64n : 32n
        const all = (1n << size) - 1n
        this.rd(ins.rn)
        if (ins.sf) f.i64(BigInt(ins.r)).op(W.i64Rotr)
        else f.op(W.i32WrapI64).i32(ins.r).op(W.i32Rotr, W.i64ExtendI32U)
        if (ins.opc === 2) { f.i64(ins.wmask & ins.tmask).op(W.i64And); this.wr(ins.rd, 'zr', true); break }
        if (ins.opc === 0) {
          f.i64(ins.wmask & ins.tmask).op(W.i64And)
          f.i64(0n); this.rd(ins.rn); f.i64(BigInt(ins.s)).op(W.i64ShrU).i64(1n).op(W.i64And, W.i64Sub)
          f.i64(~ins.tmask & all).op(W.i64And, W.i64Or)
          this.wr(ins.rd, 'zr', ins.sf)
          break
        }
        // BFM: bot = (dst & ~wmask) | (rot & wmask); dst = (dst & ~tmask) | (bot & tmask)
        f.i64(ins.wmask).op(W.i64And)
        this.rd(ins.rd); f.i64(~ins.wmask & all).op(W.i64And, W.i64Or)
        f.i64(ins.tmask).op(W.i64And)
        this.rd(ins.rd); f.i64(~ins.tmask & all).op(W.i64And, W.i64Or)
        this.wr(ins.rd, 'zr', ins.sf)
        break
      }
      case 'extr':
        if (ins.sf) {
          this.rd(ins.rm)
          if (ins.lsb) { f.i64(BigInt(ins.lsb)).op(W.i64ShrU); this.rd(ins.rn); f.i64(BigInt(64 - ins.lsb)).op(W.i64Shl, W.i64Or) }
        } else {
          this.rd(ins.rn); f.i64(32n).op(W.i64Shl); this.rd(ins.rm); f.i64(M32).op(W.i64And, W.i64Or)
          f.i64(BigInt(ins.lsb)).op(W.i64ShrU)
        }
        this.wr(ins.rd, 'zr', ins.sf)
        break
      case 'shiftv': {
        const amtMask = ins.sf ? 63n : 31n
        if (ins.type === 3 && !ins.sf) {
          this.rd(ins.rn); f.op(W.i32WrapI64); this.rd(ins.rm); f.op(W.i32WrapI64).op(W.i32Rotr, W.i64ExtendI32U)
        } else {
          this.rd(ins.rn)
          if (!ins.sf && ins.type === 1) f.i64(M32).op(W.i64And)
          if (!ins.sf && ins.type === 2) f.op(W.i64Extend32S)
          this.rd(ins.rm); f.i64(amtMask).op(W.i64And)
          f.op([W.i64Shl, W.i64ShrU, W.i64ShrS, W.i64Rotr][ins.type])
        }
        this.wr(ins.rd, 'zr', ins.sf)
        break
      }
      case 'div': {
        // b == 0 gives 0 and INT_MIN / -1 gives INT_MIN, as the architecture
        // says; wasm would trap on both. 32-bit operands are extended to 64
        // bits, where INT32_MIN / -1 does not overflow.
        for (const [r, l] of [[ins.rn, this.ta], [ins.rm, this.tb]]) {
          this.rd(r)
          if (!ins.sf) {
            if (ins.signed) f.op(W.i64Extend32S)
            else f.i64(M32).op(W.i64And)
          }
          f.set(l)
        }
        if (ins.signed && ins.sf) {
          // b == -1 ? -a : a / (b == 0 || b == -1 ? 1 : b)
          f.i64(0n).get(this.ta).op(W.i64Sub)
          f.get(this.ta)
          f.i64(1n).get(this.tb).get(this.tb).op(W.i64Eqz).get(this.tb).i64(-1n).op(W.i64Eq, W.i32Or, W.select)
          f.op(W.i64DivS)
          f.get(this.tb).i64(-1n).op(W.i64Eq, W.select)
        } else {
          f.get(this.ta)
          f.i64(1n).get(this.tb).get(this.tb).op(W.i64Eqz, W.select)
          f.op(ins.signed ? W.i64DivS : W.i64DivU)
        }
        // b != 0 ? quotient : 0
        f.i64(0n).get(this.tb).op(W.i64Eqz, W.i32Eqz, W.select)
        this.wr(ins.rd, 'zr', ins.sf)
        break
      }
      case 'rev': {
        this.rd(ins.rn)
        if (!ins.sf) f.i64(M32).op(W.i64And)
        f.set(this.ta)
        const m8 = 0x00ff00ff00ff00ffn, m16 = 0x0000ffff0000ffffn
        f.get(this.ta).i64(8n).op(W.i64ShrU).i64(m8).op(W.i64And).get(this.ta).i64(m8).op(W.i64And).i64(8n).op(W.i64Shl, W.i64Or)
        if (ins.opc >= 2) {
          f.set(this.ta)
          f.get(this.ta).i64(16n).op(W.i64ShrU).i64(m16).op(W.i64And).get(this.ta).i64(m16).op(W.i64And).i64(16n).op(W.i64Shl, W.i64Or)
        }
        if (ins.opc === 3) f.i64(32n).op(W.i64Rotr)
        this.wr(ins.rd, 'zr', ins.sf)
        break
      }
      case 'clz':
        this.rd(ins.rn)
        if (ins.sf) f.op(W.i64Clz)
        else f.op(W.i32WrapI64, W.i32Clz, W.i64ExtendI32U)
        this.wr(ins.rd, 'zr', true)
        break
      case 'csel':
        this.rd(ins.rn)
        this.rd(ins.rm)
        if (ins.inv) f.i64(-1n).op(W.i64Xor)
        if (ins.inc) f.i64(1n).op(W.i64Add)
        this.cond(ins.cond)
        f.op(W.select)
        this.wr(ins.rd, 'zr', ins.sf)
        break
      case 'ccmp': {
        const [nf, zf, cf, vf] = this.flags()
        this.cond(ins.cond)
        const l = f.open(W.if_)
        this.rd(ins.rn); f.set(this.ta)
        if (ins.useImm) f.i64(BigInt(ins.rm))
        else this.rd(ins.rm)
        f.set(this.tb)
        this.addSub(ins.sf, ins.sub, true)
        f.op(W.drop)
        f.else_(l)
        const v = ins.nzcv
        f.i64(v & 8 ? -1n : 0n).set(nf).i64(v & 4 ? 0n : 1n).set(zf).i64(BigInt((v >>> 1) & 1)).set(cf).i64(v & 1 ? -1n : 0n).set(vf)
        f.close(l)
        break
      }
      case 'madd':
        this.rd(ins.ra); this.rd(ins.rn); this.rd(ins.rm); f.op(W.i64Mul, ins.sub ? W.i64Sub : W.i64Add)
        this.wr(ins.rd, 'zr', ins.sf)
        break
      case 'maddl':
        this.rd(ins.ra)
        for (const r of [ins.rn, ins.rm]) {
          this.rd(r)
          if (ins.signed) f.op(W.i64Extend32S)
          else f.i64(M32).op(W.i64And)
        }
        f.op(W.i64Mul, ins.sub ? W.i64Sub : W.i64Add)
        this.wr(ins.rd, 'zr', true)
        break
      case 'mrs':
        f.get(P_CTX).mem(W.i64Load, ins.off)
        this.wr(ins.rt, 'zr', true)
        break
      case 'mulh': this.mulh(ins); break
      case 'movi':
        f.get(P_CTX).i64(BigInt.asIntN(64, ins.lo)).mem(W.i64Store, R_V + ins.rd * 16)
        f.get(P_CTX).i64(BigInt.asIntN(64, ins.hi)).mem(W.i64Store, R_V + ins.rd * 16 + 8)
        break
      case 'ldst': this.ldst(ins); break
      case 'ldstp': this.ldstp(ins); break
      case 'ldstv': this.ldstv(ins); break
      case 'ldstpv': this.ldstpv(ins); break
      case 'b':
        if (ins.follow) { // the region continues at the target
          if (ins.link) { this.pcPlus(i * 4 + 4); this.wr(30, 'zr', true) }
          break
        }
        this.retireBranch()
        if (ins.link) {
          this.pcPlus(i * 4 + 4); this.wr(30, 'zr', true)
          this.exitAt(i * 4 + ins.delta, 0)
          this.dead = true
        } else this.branch(i + ins.delta / 4, false, labels)
        return
      case 'bcond':
        this.retireBranch()
        if (ins.cond >= 14) { this.branch(i + ins.delta / 4, false, labels); return }
        this.cond(ins.cond)
        this.branch(i + ins.delta / 4, true, labels)
        return
      case 'cbz':
        this.retireBranch()
        this.rd(ins.rt)
        if (!ins.sf) f.i64(M32).op(W.i64And)
        f.op(W.i64Eqz)
        if (ins.nz) f.op(W.i32Eqz)
        this.branch(i + ins.delta / 4, true, labels)
        return
      case 'tbz':
        this.retireBranch()
        this.rd(ins.rt); f.i64(BigInt(ins.bit)).op(W.i64ShrU).i64(1n).op(W.i64And, W.i64Eqz)
        if (ins.nz) f.op(W.i32Eqz)
        this.branch(i + ins.delta / 4, true, labels)
        return
      case 'br':
        if (ins.ret !== undefined) {
          // The return of a call the region followed: on when X30 still holds
          // the return address, else out to wherever it points.
          this.retireBranch()
          this.rd(30); f.tee(this.xpc)
          this.pcPlus((ins.ret - this.region.start) * 4); f.op(W.i64Ne)
          const l = f.open(W.if_)
          this.exitDefs.push(new Set(this.def))
          f.br(this.exitL)
          f.close(l)
          return
        }
        this.rd(ins.rn); f.set(this.xpc)
        if (ins.link) { this.pcPlus(i * 4 + 4); this.wr(30, 'zr', true) }
        this.retireBranch()
        this.exitDefs.push(new Set(this.def))
        f.br(this.exitL)
        this.dead = true
        return
    }
    this.pending++
  }

  /** UMULH/SMULH: the high half of the 128-bit product, from 32-bit halves
   *  (wasm has no widening multiply); signed = unsigned − (a<0 ? b : 0) − (b<0 ? a : 0). */
  private mulh(ins: Extract<Insn, { k: 'mulh' }>): void {
    const f = this.f
    const { ta, tb, tr } = this
    const lo = (l: number) => { f.get(l).i64(M32).op(W.i64And) }
    const hi = (l: number) => { f.get(l).i64(32n).op(W.i64ShrU) }
    this.rd(ins.rn); f.set(ta)
    this.rd(ins.rm); f.set(tb)
    // tr = hi(a)·lo(b); tva (a scratch here) = lo(a)·lo(b), then the middle sum
    hi(ta); lo(tb); f.op(W.i64Mul).set(tr)
    lo(ta); lo(tb); f.op(W.i64Mul).set(this.tva)
    f.get(this.tva).i64(32n).op(W.i64ShrU)
    lo(tr); f.op(W.i64Add)
    lo(ta); hi(tb); f.op(W.i64Mul, W.i64Add).set(this.tva)
    hi(ta); hi(tb); f.op(W.i64Mul)
    hi(tr); f.op(W.i64Add)
    hi(this.tva); f.op(W.i64Add)
    if (ins.signed) {
      f.get(ta).i64(63n).op(W.i64ShrS).get(tb).op(W.i64And, W.i64Sub)
      f.get(tb).i64(63n).op(W.i64ShrS).get(ta).op(W.i64And, W.i64Sub)
    }
    this.wr(ins.rd, 'zr', true)
  }

  private address(ins: { rn: number; mode: string; imm: bigint }, reg?: { rm: number; option: number; amt: number }): void {
    const f = this.f
    this.spBase = ins.rn === 31
    this.rd(ins.rn, 'sp')
    if (ins.mode === 'reg' && reg) {
      this.extended(reg.rm, reg.option === 3 ? 7 : reg.option, reg.amt)
      f.op(W.i64Add)
    } else if (ins.mode !== 'post' && ins.imm !== 0n) f.i64(ins.imm).op(W.i64Add)
    f.set(this.tva)
  }
  private writeback(ins: { rn: number; mode: string; imm: bigint }): void {
    if (ins.mode === 'pre') { this.f.get(this.tva); this.wr(ins.rn, 'sp', true) }
    if (ins.mode === 'post') { this.f.get(this.tva).i64(ins.imm).op(W.i64Add); this.wr(ins.rn, 'sp', true) }
  }

  private ldst(ins: Extract<Insn, { k: 'ldst' }>): void {
    const f = this.f
    this.address(ins, ins)
    this.access(1 << ins.size, !ins.load)
    if (ins.load) {
      f.get(this.th)
      if (ins.ext === 32) {
        f.mem([W.i32Load8S, W.i32Load16S][ins.size]).op(W.i64ExtendI32U)
      } else if (ins.ext === 64) {
        f.mem([W.i64Load8S, W.i64Load16S, W.i64Load32S][ins.size])
      } else {
        f.mem([W.i64Load8U, W.i64Load16U, W.i64Load32U, W.i64Load][ins.size])
      }
      this.wr(ins.rt, 'zr', true)
    } else {
      f.get(this.th)
      this.rd(ins.rt)
      f.mem([W.i64Store8, W.i64Store16, W.i64Store32, W.i64Store][ins.size])
    }
    this.writeback(ins)
  }

  /** SIMD&FP register rt <-> the bytes at host address th + at, through the register block. */
  private vTransfer(rt: number, size: number, load: boolean, at: number): void {
    const f = this.f
    const v = R_V + rt * 16
    if (load) {
      if (size === 4) {
        f.get(P_CTX).get(this.th).mem(W.i64Load, at).mem(W.i64Store, v)
        f.get(P_CTX).get(this.th).mem(W.i64Load, at + 8).mem(W.i64Store, v + 8)
      } else {
        f.get(P_CTX).get(this.th).mem([W.i64Load8U, W.i64Load16U, W.i64Load32U, W.i64Load][size], at).mem(W.i64Store, v)
        f.get(P_CTX).i64(0n).mem(W.i64Store, v + 8)
      }
    } else if (size === 4) {
      f.get(this.th).get(P_CTX).mem(W.i64Load, v).mem(W.i64Store, at)
      f.get(this.th).get(P_CTX).mem(W.i64Load, v + 8).mem(W.i64Store, at + 8)
    } else {
      f.get(this.th).get(P_CTX).mem(W.i64Load, v).mem([W.i64Store8, W.i64Store16, W.i64Store32, W.i64Store][size], at)
    }
  }

  private ldstv(ins: Extract<Insn, { k: 'ldstv' }>): void {
    this.address(ins, ins)
    this.access(1 << ins.size, !ins.load)
    this.vTransfer(ins.rt, ins.size, ins.load, 0)
    this.writeback(ins)
  }

  private ldstpv(ins: Extract<Insn, { k: 'ldstpv' }>): void {
    const bytes = 1 << ins.size
    this.address(ins)
    this.access(2 * bytes, !ins.load)
    this.vTransfer(ins.rt, ins.size, ins.load, 0)
    this.vTransfer(ins.rt2, ins.size, ins.load, bytes)
    this.writeback(ins)
  }

  private ldstp(ins: Extract<Insn, { k: 'ldstp' }>): void {
    const f = this.f
    const bytes = 1 << ins.size
    this.address(ins)
    this.access(2 * bytes, !ins.load)
    const ld = ins.size === 3 ? W.i64Load : W.i64Load32U
    const st = ins.size === 3 ? W.i64Store : W.i64Store32
    if (ins.load) {
      f.get(this.th).mem(ld, 0); this.wr(ins.rt, 'zr', true)
      f.get(this.th).mem(ld, bytes); this.wr(ins.rt2, 'zr', true)
    } else {
      f.get(this.th); this.rd(ins.rt); f.mem(st, 0)
      f.get(this.th); this.rd(ins.rt2); f.mem(st, bytes)
    }
    this.writeback(ins)
  }
}

/** The body of the region's function (see moduleBytes). */
export function compileRegion(region: Region): number[] {
  return new Gen(region).build()
}
