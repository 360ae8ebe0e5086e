// Data movement and exchange handlers, conditional moves, bit operations.
import { CoreExit } from '../../core-abi'
import { CcOp, Fl } from '../core-layout'
import { arith, cond, getCF, setArith, setLazy } from './flags'
import { ld, st } from './mem'
import { gFault, probeWrite } from './mmu'
import {
  RAX, RBX, RCX, RDX, asz, ea, gpr, getReg, imm, isMem, opcode, osz, raiseExit, readE, readESized, readG, reg, rex, rm,
  rmwProbe, segBase, setReg, sext, sizeMask, writeE, writeG, zreg,
} from './state'

export function mov_E_G(): void { writeE(readG()) }
export function mov_G_E(): void {
  const v = readE()
  writeG(v)
}
export function mov_E_I(): void { writeE(imm & sizeMask(osz)) }
export function mov_Z_I(): void { setReg(osz, zreg, imm) }

/** MOV AL/rAX, moffs (dir 0) and moffs, AL/rAX (dir 1). */
export function mov_A_O(dir: u32): void {
  if (dir == 0) {
    const v = ld(ea, osz)
    setReg(osz, RAX, v)
  } else st(ea, osz, getReg(osz, RAX))
}

/** LEA: the effective address without segment base, at the address and then the operand size. */
export function lea_G_M(): void { writeG((ea - segBase) & sizeMask(osz)) }

/** MOVZX from a byte (s = 0) or word (s = 1). */
export function movzx_G_E(s: u32): void {
  const v = readESized(1 << s)
  writeG(v)
}

/** MOVSX from a byte (0), word (1), MOVSXD from a doubleword (2). */
export function movsx_G_E(s: u32): void {
  const size: u32 = 1 << s
  const v = readESized(size)
  writeG(sext(v, size) & sizeMask(osz))
}

/** CBW / CWDE / CDQE. */
export function cbw(): void {
  const half = osz >> 1
  setReg(osz, RAX, sext(getReg(half, RAX), half))
}

/** CWD / CDQ / CQO. */
export function cwd(): void {
  const neg = (getReg(osz, RAX) >>> (<u64>osz * 8 - 1)) != 0
  setReg(osz, RDX, neg ? <u64>-1 : 0)
}

export function xchg_E_G(): void {
  if (isMem) {
    rmwProbe()
    const d = readE()
    if (gFault != 0) return
    writeE(readG())
    writeG(d)
    return
  }
  const a = readE()
  const b = readG()
  writeE(b)
  writeG(a)
}

/** XCHG r, rAX; opcode 90 without REX.B is NOP (it does not zero RAX's upper half). */
export function xchg_Z_A(): void {
  if (zreg == 0) return
  const a = getReg(osz, RAX)
  const b = getReg(osz, zreg)
  setReg(osz, RAX, b)
  setReg(osz, zreg, a)
}

export function xadd_E_G(): void {
  rmwProbe()
  const d = readE()
  if (gFault != 0) return
  const s = readG()
  const t = (d + s) & sizeMask(osz)
  if (isMem) { writeE(t); writeG(d) } else { writeG(d); writeE(t) }
  setLazy(CcOp.ADD, osz, t, s, 0)
}

export function cmpxchg_E_G(): void {
  rmwProbe()
  const d = readE()
  if (gFault != 0) return
  const acc = getReg(osz, RAX)
  const eq = acc == d
  // The memory operand is written either way (with its old value on failure), as the processor does.
  if (eq) writeE(readG())
  else {
    if (isMem) writeE(d)
    setReg(osz, RAX, d)
  }
  setLazy(CcOp.SUB, osz, (acc - d) & sizeMask(osz), d, 0)
}

/** CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W; 16-byte alignment or #GP). */
export function cmpxchg8b_M(): void {
  const f = arith()
  if ((rex & 8) != 0) {
    if ((ea & 15) != 0) { raiseExit(CoreExit.Exception, 13); return }
    if (!probeWrite(ea, 16)) return
    const lo = ld(ea, 8), hi = ld(ea + 8, 8)
    if (gFault != 0) return
    if (lo == gpr(RAX) && hi == gpr(RDX)) {
      st(ea, 8, gpr(RBX)); st(ea + 8, 8, gpr(RCX))
      setArith(f | Fl.ZF)
    } else {
      st(ea, 8, lo); st(ea + 8, 8, hi)
      setReg(8, RAX, lo); setReg(8, RDX, hi)
      setArith(f & ~Fl.ZF)
    }
    return
  }
  if (!probeWrite(ea, 8)) return
  const v = ld(ea, 8)
  if (gFault != 0) return
  const cmp = (getReg(4, RDX) << 32) | getReg(4, RAX)
  if (v == cmp) {
    st(ea, 8, (getReg(4, RCX) << 32) | getReg(4, RBX))
    setArith(f | Fl.ZF)
  } else {
    st(ea, 8, v)
    setReg(4, RAX, v & 0xFFFFFFFF); setReg(4, RDX, v >>> 32)
    setArith(f & ~Fl.ZF)
  }
}

export function bswap_Z(): void {
  const v = getReg(osz, zreg)
  // A 16-bit BSWAP is undefined; it gives 0 here (as on Intel parts).
  setReg(osz, zreg, osz == 8 ? bswap<u64>(v) : osz == 4 ? <u64>bswap<u32>(<u32>v) : 0)
}

/** CMOVcc: the source is read (and may fault) whatever the condition; a false 32-bit move still zero-extends. */
export function cmov_G_E(): void {
  const v = readE()
  if (gFault != 0) return
  writeG(cond(opcode & 15) ? v : readG())
}

export function setcc_E(): void {
  const v: u64 = cond(opcode & 15) ? 1 : 0
  if (isMem) st(ea, 1, v)
  else setReg(1, rm, v)
}

// ---- bit tests and scans ---------------------------------------------------------

/** BT (k 0), BTS (1), BTR (2), BTC (3) on bit `bit` (already reduced) of the operand at `addr` or register rm. */
function bitOp(k: u32, addr: u64, bit: u32): void {
  if (k != 0) {
    if (isMem) probeWrite(addr, osz)
  }
  const v = isMem ? ld(addr, osz) : getReg(osz, rm)
  if (gFault != 0) return
  const mask = <u64>1 << <u64>bit
  const cf: u32 = (v & mask) != 0 ? 1 : 0
  if (k != 0) {
    const r = k == 1 ? v | mask : k == 2 ? v & ~mask : v ^ mask
    if (isMem) st(addr, osz, r)
    else setReg(osz, rm, r)
  }
  setArith((arith() & ~Fl.CF) | cf)
}

/** BT* Ev, Gv: a memory operand's bit offset is signed and may reach beyond the operand. */
export function bt_E_G(k: u32): void {
  const bits = osz * 8
  const off = sext(readG(), osz)
  let addr = ea
  if (isMem) {
    addr = ea + <u64>((<i64>off >> <i64>(ctz(bits))) * <i64>osz)
    if (asz == 4) addr = ((addr - segBase) & 0xFFFFFFFF) + segBase
  }
  bitOp(k, addr, <u32>off & (bits - 1))
}

export function bt_E_I(k: u32): void {
  bitOp(k, ea, <u32>imm & (osz * 8 - 1))
}

/** BSF/BSR: a zero source sets ZF and leaves the destination as it was. */
export function bsf_G_E(): void {
  const v = readE()
  if (gFault != 0) return
  const f = arith() & ~Fl.ZF
  if (v == 0) { setArith(f | Fl.ZF); return }
  writeG(<u64>ctz(v))
  setArith(f)
}

export function bsr_G_E(): void {
  const v = readE()
  if (gFault != 0) return
  const f = arith() & ~Fl.ZF
  if (v == 0) { setArith(f | Fl.ZF); return }
  writeG(<u64>(63 - clz(v)))
  setArith(f)
}

export function popcnt_G_E(): void {
  const v = readE()
  if (gFault != 0) return
  writeG(<u64>popcnt(v))
  setArith(v == 0 ? Fl.ZF : 0)
}

export function tzcnt_G_E(): void {
  const v = readE()
  if (gFault != 0) return
  const n: u64 = v == 0 ? <u64>osz * 8 : <u64>ctz(v)
  writeG(n)
  setArith((arith() & ~(Fl.CF | Fl.ZF)) | (v == 0 ? Fl.CF : 0) | (n == 0 ? Fl.ZF : 0))
}

export function lzcnt_G_E(): void {
  const v = readE()
  if (gFault != 0) return
  const n: u64 = <u64>clz(v) - (64 - <u64>osz * 8)
  writeG(n)
  setArith((arith() & ~(Fl.CF | Fl.ZF)) | (v == 0 ? Fl.CF : 0) | (n == 0 ? Fl.ZF : 0))
}

