// Region → one wasm function (the code generator's machinery; the code for
// each table row is in emitters.ts). As on AArch64 (../../aarch64/jit/):
// guest registers live in wasm locals for the whole call (loaded by a
// prologue, stored by the one epilogue), the region start is a loop header
// that a branch back to it re-enters only while the budget covers another
// pass, and every way out — a taken branch elsewhere, a TLB miss, the end of
// the region — sets the next RIP and the retired count and leaves through the
// epilogue. Flags stay in the interpreter's lazy form (CcOp, result, source,
// carry-in) in four locals, so the state the function leaves is exactly the
// interpreter's; the kind of the last flag-setting instruction is known here
// at compile time, so a Jcc after CMP is one wasm comparison.
import { FunctionWriter, type Label, ValType, W } from '../../wasm/wasm-writer'
import { JIT_PARAMS } from '../../jit/compiled-functions'
import { emitHostAddress, emitTlbMiss, type TlbLayout } from '../../jit/tlb-probe'
import {
  CcOp, DCF_FS, DCF_GS, DCF_HAS_BASE, DCF_HAS_INDEX, DCF_RIPREL, R_CC_DST, R_CC_OP, R_CC_SRC, R_CC_SRC2, R_FS_BASE,
  R_GS_BASE, R_RFLAGS, R_RIP, TLB_ENTRIES, TLB_ENTRY_BYTES, TLB_ENTRY_HOST,
} from '../core-layout'
import type { Insn } from './region'

export const P_CTX = 0, P_LEFT = 1, P_TLBR = 2, P_TLBW = 3, P_ASID = 4, P_PC = 5

const TLB: TlbLayout = { entries: TLB_ENTRIES, entryBytes: TLB_ENTRY_BYTES, hostOffset: TLB_ENTRY_HOST }
const M32 = 0xffffffffn
/** wasm i64.popcnt (not among the writer's named opcodes). */
const I64_POPCNT = 0x7b

export function sizeMask(size: number): bigint { return size === 8 ? -1n : (1n << BigInt(size * 8)) - 1n }

/** How an access translates: read, write, or read-modify-write (the write TLB serves both). */
export const enum Acc { Read, Write }

export class Gen {
  readonly f = new FunctionWriter(JIT_PARAMS.length)
  private readonly regs = new Array<number>(16).fill(-1)
  private readonly written = new Set<number>()
  /** Retired count before the current pass (i32), next RIP and count at an exit. */
  private readonly n: number
  private readonly xrip: number
  private readonly xn: number
  /** Lazy flags: CcOp * 4 + log2 size (i32), result, source, carry-in. */
  readonly ccop: number
  readonly cdst: number
  readonly csrc: number
  readonly csrc2: number
  /** RFLAGS (its arithmetic bits valid while ccop is CcOp.EFLAGS). */
  readonly rfl: number
  /** Scratch: effective address, two operands, the host address. */
  readonly va: number
  readonly ta: number
  readonly tb: number
  readonly tr: number
  readonly tc: number
  readonly th: number
  private readonly te: number
  private readonly toff: number
  private exitL: Label = 0
  private headL: Label = 0
  /** The ccop value the locals hold here when known at compile time, else null. */
  known: number | null = null
  /** Position of the instruction being generated in the pass. */
  pos = 0

  constructor(readonly maxPass: number) {
    const f = this.f
    this.n = f.local(ValType.i32)
    this.xn = f.local(ValType.i32)
    this.xrip = f.local(ValType.i64)
    this.ccop = f.local(ValType.i32)
    this.cdst = f.local(ValType.i64)
    this.csrc = f.local(ValType.i64)
    this.csrc2 = f.local(ValType.i64)
    this.rfl = f.local(ValType.i64)
    this.va = f.local(ValType.i64)
    this.ta = f.local(ValType.i64)
    this.tb = f.local(ValType.i64)
    this.tr = f.local(ValType.i64)
    this.tc = f.local(ValType.i64)
    this.th = f.local(ValType.i32)
    this.te = f.local(ValType.i32)
    this.toff = f.local(ValType.i32)
  }

  // ---- registers

  private slot(r: number): number {
    if (this.regs[r] < 0) this.regs[r] = this.f.local(ValType.i64)
    return this.regs[r]
  }
  /** Pushes the 64-bit register r. */
  rd64(r: number): void { this.f.get(this.slot(r)) }
  /** Pops a 64-bit value into register r. */
  wr64(r: number): void {
    this.written.add(r)
    this.f.set(this.slot(r))
  }
  /** Pushes register r as an operand of `size` bytes, zero-extended (AH…BH without REX). */
  getReg(size: number, r: number, rex: number): void {
    const f = this.f
    if (size === 1 && rex === 0 && r >= 4 && r < 8) {
      this.rd64(r - 4)
      f.i64(8n).op(W.i64ShrU).i64(0xffn).op(W.i64And)
      return
    }
    this.rd64(r)
    if (size !== 8) f.i64(sizeMask(size)).op(W.i64And)
  }
  /** Writes local `v` to register r as an operand of `size` bytes: 32-bit
   *  writes zero the upper half, 8- and 16-bit writes merge. */
  setReg(size: number, r: number, rex: number, v: number): void {
    const f = this.f
    if (size === 8) { f.get(v); this.wr64(r); return }
    if (size === 4) { f.get(v).i64(M32).op(W.i64And); this.wr64(r); return }
    let shift = 0n
    if (size === 1 && rex === 0 && r >= 4 && r < 8) { r -= 4; shift = 8n }
    const m = sizeMask(size) << shift
    this.rd64(r)
    f.i64(~m).op(W.i64And).get(v)
    if (shift) f.i64(shift).op(W.i64Shl)
    f.i64(m).op(W.i64And, W.i64Or)
    this.wr64(r)
  }

  // ---- memory

  /** The memory operand's address into local va (the decoder's recipe, decode.ts effectiveAddress). */
  ea(ins: Insn, withSegment = true): void {
    const f = this.f
    f.i64(ins.disp)
    if (ins.flags & DCF_HAS_BASE) { this.rd64(ins.base); f.op(W.i64Add) }
    if (ins.flags & DCF_HAS_INDEX) {
      this.rd64(ins.index)
      if (ins.scale) f.i64(BigInt(ins.scale)).op(W.i64Shl)
      f.op(W.i64Add)
    }
    if (ins.flags & DCF_RIPREL) { this.pcPlus(ins.next); f.op(W.i64Add) }
    if (ins.asz === 4) f.i64(M32).op(W.i64And)
    if (withSegment && ins.flags & (DCF_FS | DCF_GS)) {
      f.get(P_CTX).mem(W.i64Load, ins.flags & DCF_FS ? R_FS_BASE : R_GS_BASE).op(W.i64Add)
    }
    f.set(this.va)
  }

  /** The host address of `size` bytes at local va into th, or leave before
   *  this instruction: a TLB miss or a page-crossing access goes to the
   *  interpreter (which fills the TLB, or faults, or bumps a code page's
   *  generation: code pages have no write-TLB entries, mmu.ts). */
  access(size: number, acc: Acc): void {
    const f = this.f
    emitTlbMiss(f, TLB, this.va, acc === Acc.Write ? P_TLBW : P_TLBR, P_ASID, size, this.te, this.toff)
    const miss = f.open(W.if_)
    this.exitBefore()
    f.close(miss)
    emitHostAddress(f, TLB, this.te, this.toff)
    f.set(this.th)
  }
  /** Pushes the zero-extended value of `size` bytes at host address th. */
  load(size: number): void {
    this.f.get(this.th).mem(size === 8 ? W.i64Load : size === 4 ? W.i64Load32U : size === 2 ? W.i64Load16U : W.i64Load8U)
  }
  /** Stores local v (its low `size` bytes) at host address th. */
  store(size: number, v: number): void {
    this.f.get(this.th).get(v).mem(size === 8 ? W.i64Store : size === 4 ? W.i64Store32 : size === 2 ? W.i64Store16 : W.i64Store8)
  }

  // ---- flags

  /** Records a lazily evaluated operation (flags.ts setLazy): locals r, s (or constants). */
  setLazy(kind: CcOp, size: number, dst: number, src: number | bigint, src2: number | bigint): void {
    const f = this.f
    const op = (kind << 2) | Math.log2(size)
    f.i32(op).set(this.ccop)
    f.get(dst).set(this.cdst)
    if (typeof src === 'bigint') f.i64(src)
    else f.get(src)
    f.set(this.csrc)
    if (typeof src2 === 'bigint') f.i64(src2)
    else f.get(src2)
    f.set(this.csrc2)
    this.known = op
  }

  /**
   * Makes the flag state known at compile time before something reads it:
   * when it is not (the region's start, the loop head), the arithmetic flags
   * are computed from the lazy state whatever its kind (flags.ts arith) into
   * the RFLAGS local, and the state becomes CcOp.EFLAGS.
   */
  readyFlags(): void {
    // ADC/SBB records are evaluated the general way too (flag() knows the other kinds).
    if (this.known !== null && (this.known >> 2) !== CcOp.ADC && (this.known >> 2) !== CcOp.SBB) return
    const f = this.f
    const { ccop, cdst, csrc, csrc2, rfl } = this
    // Its own scratch locals: emitters call it with their operands in ta/tb/tr.
    const [ta, tb, tr] = this.fscratch ??= [f.local(ValType.i64), f.local(ValType.i64), f.local(ValType.i64)]
    const m = this.mloc ??= f.local(ValType.i64)
    const sh = this.shloc ??= f.local(ValType.i64)
    const fl = this.flloc ??= f.local(ValType.i64)
    const kindIs = (k: CcOp): void => { f.get(ccop).i32(2).op(W.i32ShrU).i32(k).op(W.i32Eq) }
    const done = f.open(W.block)
    // CcOp.EFLAGS: nothing to compute.
    f.get(ccop).i32(2).op(W.i32ShrU, W.i32Eqz).brIf(done)
    // Operand bits: 8 << log2 size; m = the size's mask; sh = bits - 1.
    f.i64(8n).get(ccop).i32(3).op(W.i32And, W.i64ExtendI32U, W.i64Shl).set(sh)
    f.i64(-1n).i64(1n).get(sh).op(W.i64Shl).i64(1n).op(W.i64Sub).get(sh).i64(64n).op(W.i64Eq, W.select).set(m)
    f.get(sh).i64(1n).op(W.i64Sub).set(sh)
    f.get(cdst).get(m).op(W.i64And).set(tr) // res
    f.get(csrc).get(m).op(W.i64And).set(tb) // b
    // SF ZF PF
    f.get(tr).get(sh).op(W.i64ShrU).i64(7n).op(W.i64Shl)
    f.get(tr).op(W.i64Eqz, W.i64ExtendI32U).i64(6n).op(W.i64Shl, W.i64Or)
    f.get(tr).i64(0xffn).op(W.i64And, I64_POPCNT).i64(1n).op(W.i64And).i64(1n).op(W.i64Xor).i64(2n).op(W.i64Shl, W.i64Or)
    f.set(fl)
    // a (the first operand, or the value before INC/DEC), then CF, OF, AF per kind.
    const logic = f.open(W.block)
    kindIs(CcOp.LOGIC); f.brIf(logic)
    // ADD/ADC: a = res - b - c; SUB/SBB: a = res + b + c; INC: res - 1; DEC: res + 1 (c = 0 but for ADC/SBB).
    kindIs(CcOp.INC); kindIs(CcOp.DEC); f.op(W.i32Or)
    const incdec = f.open(W.if_)
    f.get(tr).i64(-1n).i64(1n); kindIs(CcOp.INC); f.op(W.select, W.i64Add).get(m).op(W.i64And).set(ta)
    // CF = the carry INC/DEC kept; OF = res is the most positive/negative value.
    f.get(csrc2).i64(0n).op(W.i64Ne, W.i64ExtendI32U)
    f.get(tr); f.i64(1n).get(sh).op(W.i64Shl); f.i64(1n).get(sh).op(W.i64Shl).i64(1n).op(W.i64Sub); kindIs(CcOp.INC); f.op(W.select, W.i64Eq, W.i64ExtendI32U).i64(11n).op(W.i64Shl, W.i64Or)
    f.get(ta).i64(1n).op(W.i64Xor).get(tr).op(W.i64Xor).i64(0x10n).op(W.i64And, W.i64Or)
    f.get(fl).op(W.i64Or).set(fl)
    f.br(logic)
    f.close(incdec)
    // c: the carry-in of ADC/SBB, else 0.
    const c = this.cloc ??= f.local(ValType.i64)
    f.get(csrc2).i64(0n); kindIs(CcOp.ADC); kindIs(CcOp.SBB); f.op(W.i32Or, W.select).set(c)
    kindIs(CcOp.ADD); kindIs(CcOp.ADC); f.op(W.i32Or)
    const add = f.open(W.if_)
    f.get(tr).get(tb).op(W.i64Sub).get(c).op(W.i64Sub).get(m).op(W.i64And).set(ta)
    // CF = c ? res <= b : res < b; OF = ((a ^ res) & (b ^ res)) >> sh
    f.get(tr).get(tb).op(W.i64LeU).get(tr).get(tb).op(W.i64LtU).get(c).op(W.i64Eqz, W.i32Eqz, W.select, W.i64ExtendI32U)
    f.get(ta).get(tr).op(W.i64Xor).get(tb).get(tr).op(W.i64Xor, W.i64And).get(sh).op(W.i64ShrU).i64(1n).op(W.i64And).i64(11n).op(W.i64Shl, W.i64Or)
    f.get(fl).op(W.i64Or).set(fl)
    f.else_(add)
    f.get(tr).get(tb).op(W.i64Add).get(c).op(W.i64Add).get(m).op(W.i64And).set(ta)
    // CF = c ? a <= b : a < b; OF = ((a ^ b) & (a ^ res)) >> sh
    f.get(ta).get(tb).op(W.i64LeU).get(ta).get(tb).op(W.i64LtU).get(c).op(W.i64Eqz, W.i32Eqz, W.select, W.i64ExtendI32U)
    f.get(ta).get(tb).op(W.i64Xor).get(ta).get(tr).op(W.i64Xor, W.i64And).get(sh).op(W.i64ShrU).i64(1n).op(W.i64And).i64(11n).op(W.i64Shl, W.i64Or)
    f.get(fl).op(W.i64Or).set(fl)
    f.close(add)
    f.get(ta).get(tb).op(W.i64Xor).get(tr).op(W.i64Xor).i64(0x10n).op(W.i64And).get(fl).op(W.i64Or).set(fl)
    f.close(logic)
    f.get(rfl).i64(~0x8d5n).op(W.i64And).get(fl).op(W.i64Or).set(rfl)
    f.i32(CcOp.EFLAGS << 2).set(ccop)
    f.close(done)
    this.known = CcOp.EFLAGS << 2
  }
  /** Makes the arithmetic flags concrete in the RFLAGS local (CcOp.EFLAGS), whatever the state. */
  materialize(): void {
    if (this.known === CcOp.EFLAGS << 2) return
    this.known = null
    this.readyFlags()
  }
  /** Sets the arithmetic flags from the i64 on the stack (flag bits in RFLAGS positions, others 0). */
  setArith(): void {
    const f = this.f
    const t = this.fa ??= f.local(ValType.i64)
    f.set(t)
    f.get(this.rfl).i64(~0x8d5n).op(W.i64And).get(t).op(W.i64Or).set(this.rfl)
    f.i32(CcOp.EFLAGS << 2).set(this.ccop)
    this.known = CcOp.EFLAGS << 2
  }
  /** Pushes PF | ZF | SF (RFLAGS positions, i64) of the `size`-byte result in local r (masked). */
  szp(r: number, size: number): void {
    const f = this.f
    f.get(r).i64(BigInt(size * 8 - 1)).op(W.i64ShrU).i64(7n).op(W.i64Shl)
    f.get(r).op(W.i64Eqz, W.i64ExtendI32U).i64(6n).op(W.i64Shl, W.i64Or)
    f.get(r).i64(0xffn).op(W.i64And, I64_POPCNT).i64(1n).op(W.i64And).i64(1n).op(W.i64Xor).i64(2n).op(W.i64Shl, W.i64Or)
  }
  private fa: number | undefined
  private fscratch: [number, number, number] | undefined
  private mloc: number | undefined
  private shloc: number | undefined
  private flloc: number | undefined
  private cloc: number | undefined

  /** Pushes an i32 0/1: flag `which` of the known lazy state (flags.ts arith). */
  private flag(which: 'C' | 'Z' | 'S' | 'O' | 'P'): void {
    const f = this.f
    const kind = (this.known! >> 2) as CcOp
    const size = 1 << (this.known! & 3)
    const m = sizeMask(size)
    const sh = BigInt(size * 8 - 1)
    if (kind === CcOp.EFLAGS) {
      const bit = { C: 0n, P: 2n, Z: 6n, S: 7n, O: 11n }[which]
      f.get(this.rfl)
      if (bit) f.i64(bit).op(W.i64ShrU)
      f.op(W.i32WrapI64).i32(1).op(W.i32And)
      return
    }
    const res = (): void => { f.get(this.cdst); if (size !== 8) f.i64(m).op(W.i64And) }
    const src = (): void => { f.get(this.csrc); if (size !== 8) f.i64(m).op(W.i64And) }
    switch (which) {
      case 'Z': res(); f.op(W.i64Eqz); return
      case 'S': res(); f.i64(sh).op(W.i64ShrU, W.i32WrapI64); return
      case 'P': f.get(this.cdst).i64(0xffn).op(W.i64And, I64_POPCNT, W.i32WrapI64).i32(1).op(W.i32And, W.i32Eqz); return
      default: break
    }
    if (kind === CcOp.LOGIC) { f.i32(0); return }
    if (kind === CcOp.INC || kind === CcOp.DEC) {
      if (which === 'C') { f.get(this.csrc2).i64(0n).op(W.i64Ne); return }
      res(); f.i64(kind === CcOp.INC ? 1n << sh : (1n << sh) - 1n).op(W.i64Eq)
      return
    }
    // ADD: a = res - b; SUB: a = res + b (the first operand). ADC/SBB are not compiled (emitters.ts).
    const first = (): void => {
      f.get(this.cdst).get(this.csrc).op(kind === CcOp.ADD ? W.i64Sub : W.i64Add)
      if (size !== 8) f.i64(m).op(W.i64And)
    }
    if (which === 'C') {
      if (kind === CcOp.ADD) { res(); src(); f.op(W.i64LtU) } else { first(); src(); f.op(W.i64LtU) }
      return
    }
    // O
    if (kind === CcOp.ADD) {
      first(); res(); f.op(W.i64Xor); src(); res(); f.op(W.i64Xor, W.i64And)
    } else {
      first(); src(); f.op(W.i64Xor); first(); res(); f.op(W.i64Xor, W.i64And)
    }
    f.i64(sh).op(W.i64ShrU, W.i32WrapI64).i32(1).op(W.i32And)
  }

  /** Pushes i32 1 when condition cc holds (flags.ts cond); readyFlags() first. */
  cond(cc: number): void {
    const f = this.f
    const kind = (this.known! >> 2) as CcOp
    const size = 1 << (this.known! & 3)
    const m = sizeMask(size)
    const sub = kind === CcOp.SUB
    // After CMP/SUB the unsigned and signed relations are direct comparisons of the operands.
    const operand = (first: boolean, signed: boolean): void => {
      if (first) f.get(this.cdst).get(this.csrc).op(W.i64Add)
      else f.get(this.csrc)
      if (size !== 8) {
        if (signed) f.op(size === 4 ? W.i64Extend32S : size === 2 ? W.i64Extend16S : W.i64Extend8S)
        else f.i64(m).op(W.i64And)
      }
    }
    switch (cc >> 1) {
      case 0: this.flag('O'); break
      case 1: if (sub) { operand(true, false); operand(false, false); f.op(W.i64LtU) } else this.flag('C'); break
      case 2: this.flag('Z'); break
      case 3: if (sub) { operand(true, false); operand(false, false); f.op(W.i64LeU) } else { this.flag('C'); this.flag('Z'); f.op(W.i32Or) } break
      case 4: this.flag('S'); break
      case 5: this.flag('P'); break
      case 6: if (sub) { operand(true, true); operand(false, true); f.op(W.i64LtS) } else { this.flag('S'); this.flag('O'); f.op(W.i32Xor) } break
      default:
        if (sub) { operand(true, true); operand(false, true); f.op(W.i64LeS) } else { this.flag('Z'); this.flag('S'); this.flag('O'); f.op(W.i32Xor, W.i32Or) }
    }
    if (cc & 1) f.op(W.i32Eqz)
  }

  // ---- control

  /** Pushes the region's PC plus `off` bytes. */
  pcPlus(off: number | bigint): void {
    this.f.get(P_PC)
    if (off) this.f.i64(BigInt(off)).op(W.i64Add)
  }
  /** Adds the instructions retired since the last count (position `base`) up to position `upTo` to n. */
  private countTo(upTo: number): void {
    if (upTo !== this.base) this.f.get(this.n).i32(upTo - this.base).op(W.i32Add).set(this.n)
  }
  /** Leaves before the current instruction (nothing of it done). */
  exitBefore(): void {
    const f = this.f
    this.pcPlus(this.insnAt)
    f.set(this.xrip)
    f.get(this.n).i32(this.pos - this.base).op(W.i32Add).set(this.xn)
    f.br(this.exitL)
  }
  /** Leaves after the current instruction with RIP = the i64 on the stack. */
  exitAfter(): void {
    const f = this.f
    f.set(this.xrip)
    f.get(this.n).i32(this.pos + 1 - this.base).op(W.i32Add).set(this.xn)
    f.br(this.exitL)
  }
  /**
   * Forward branches inside the region: `plan` maps the position of a Jcc
   * to the later position its target has (same straight line of the region).
   * Each target gets a block closed right before it, so a taken branch is a
   * `br` out of it; the retired count is brought up to date on both paths.
   */
  planForward(plan: Map<number, number>): void {
    this.forwardTo = plan
    for (const q of [...new Set(plan.values())].sort((a, b) => b - a)) this.forwardL.set(q, this.f.open(W.block))
  }
  /** Before the instruction at position `pos`: the end of a forward target's block (paths merge: flags unknown). */
  arrive(pos: number): void {
    const l = this.forwardL.get(pos)
    if (l === undefined) return
    this.countTo(pos)
    this.f.close(l)
    this.base = pos
    this.known = null
  }
  private forwardTo = new Map<number, number>()
  private readonly forwardL = new Map<number, Label>()
  /** Position up to which n counts this pass's retired instructions. */
  private base = 0

  /** A taken branch to region offset `target`: back to the head while the
   *  budget covers another pass, on to a later position, else out. */
  branchTo(target: bigint): void {
    const f = this.f
    const q = this.forwardTo.get(this.pos)
    if (q !== undefined) {
      this.countTo(this.pos + 1)
      f.br(this.forwardL.get(q)!)
      return
    }
    if (target === 0n) {
      f.get(this.n).i32(this.pos + 1 - this.base).op(W.i32Add).tee(this.n)
      f.get(P_LEFT).op(W.i32Sub).i32(-this.maxPass).op(W.i32LeS)
      // left - n >= maxPass: another pass fits.
      f.brIf(this.headL)
      this.pcPlus(0)
      f.set(this.xrip)
      f.get(this.n).set(this.xn)
      f.br(this.exitL)
      return
    }
    this.pcPlus(target)
    this.exitAfter()
  }

  /** Byte offset of the current instruction from the region start. */
  insnAt = 0

  // ---- the function

  /** Builds the function; `body` generates the instructions (and says how many it took). */
  build(body: () => { count: number; endAt: number; open: boolean }): number[] {
    const f = this.f
    this.exitL = f.open(W.block)
    this.headL = f.open(W.loop)
    this.known = null
    const { count, endAt, open } = body()
    if (open) {
      // The region ends after `count` instructions: on to the next one.
      this.pos = count - 1
      this.pcPlus(endAt)
      this.exitAfter()
    }
    f.close(this.headL)
    f.close(this.exitL)
    // Epilogue: registers, lazy flags and RIP back to the register block.
    for (const r of this.written) f.get(P_CTX).get(this.regs[r]).mem(W.i64Store, r * 8)
    f.get(P_CTX).get(this.ccop).mem(W.i32Store, R_CC_OP)
    f.get(P_CTX).get(this.cdst).mem(W.i64Store, R_CC_DST)
    f.get(P_CTX).get(this.csrc).mem(W.i64Store, R_CC_SRC)
    f.get(P_CTX).get(this.csrc2).mem(W.i64Store, R_CC_SRC2)
    f.get(P_CTX).get(this.rfl).mem(W.i64Store, R_RFLAGS)
    f.get(P_CTX).get(this.xrip).mem(W.i64Store, R_RIP)
    f.get(this.xn).op(W.return_)
    // Prologue: a pass must fit in the budget; then every register the region touches, and the flags.
    const pro = new FunctionWriter(JIT_PARAMS.length)
    pro.get(P_LEFT).i32(this.maxPass).op(W.i32LtS)
    const low = pro.open(W.if_)
    pro.i32(0).op(W.return_)
    pro.close(low)
    this.regs.forEach((l, r) => { if (l >= 0) pro.get(P_CTX).mem(W.i64Load, r * 8).set(l) })
    pro.get(P_CTX).mem(W.i32Load, R_CC_OP).set(this.ccop)
    pro.get(P_CTX).mem(W.i64Load, R_CC_DST).set(this.cdst)
    pro.get(P_CTX).mem(W.i64Load, R_CC_SRC).set(this.csrc)
    pro.get(P_CTX).mem(W.i64Load, R_CC_SRC2).set(this.csrc2)
    pro.get(P_CTX).mem(W.i64Load, R_RFLAGS).set(this.rfl)
    f.code.unshift(...pro.code)
    return f.body()
  }
}
