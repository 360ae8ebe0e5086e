// FXSAVE/FXRSTOR (0F AE /0, /1): the x87, MXCSR and XMM state as the 512-byte
// image of SDM vol. 1, table 10-2 (offsets in core-layout.ts, shared with
// lx's signal frames). The x87 instruction and data pointers and FOP are
// stored as 0 (x87.ts keeps none); the image's reserved and software bytes
// (416..511) are left as they are, as the host CPU leaves them.
import { CoreExit } from '../../core-abi'
import { FX_FCW, FX_FSW, FX_FTW, FX_MXCSR, FX_MXCSR_MASK, FX_ST, FX_XMM, MXCSR_MASK, R_FCW, R_FSW, R_FTW, R_MXCSR, R_ST, R_XMM } from '../core-layout'
import { ld, st } from './mem'
import { gFault, probeWrite } from './mmu'
import { ctx, ea, raiseExit } from './state'

@inline function physOf(i: u32): u32 { return ctx + R_ST + ((((<u32>load<u16>(ctx + R_FSW) >> 11) + i) & 7) << 4) }

/** The memory operand must be 16-byte aligned (#GP). */
function aligned(): bool {
  if ((ea & 15) == 0) return true
  raiseExit(CoreExit.Exception, 13)
  return false
}

/** 0F AE /0 mem FXSAVE (with REX.W FXSAVE64: the same image, as the pointers are 0). */
export function fxsave(): void {
  if (!aligned() || !probeWrite(ea, 416)) return
  st(ea + FX_FCW, 2, <u64>load<u16>(ctx + R_FCW))
  st(ea + FX_FSW, 2, <u64>load<u16>(ctx + R_FSW))
  st(ea + FX_FTW, 2, <u64>load<u8>(ctx + R_FTW)) // the byte after the tags is reserved (0)
  st(ea + 6, 2, 0) // FOP
  st(ea + 8, 8, 0) // FIP
  st(ea + 16, 8, 0) // FDP
  st(ea + FX_MXCSR, 4, <u64>load<u32>(ctx + R_MXCSR))
  st(ea + FX_MXCSR_MASK, 4, <u64>MXCSR_MASK)
  for (let i: u32 = 0; i < 8; i++) {
    const p = physOf(i), a = ea + FX_ST + (<u64>i << 4)
    st(a, 8, load<u64>(p))
    st(a + 8, 8, <u64>load<u16>(p, 8)) // and the 6 reserved bytes as 0
  }
  for (let i: u32 = 0; i < 16; i++) {
    const a = ea + FX_XMM + (<u64>i << 4)
    st(a, 8, load<u64>(ctx + R_XMM + (i << 4)))
    st(a + 8, 8, load<u64>(ctx + R_XMM + (i << 4), 8))
  }
}

/** 0F AE /1 mem FXRSTOR: #GP for reserved MXCSR bits, before anything changes. */
export function fxrstor(): void {
  if (!aligned()) return
  const mx = <u32>ld(ea + FX_MXCSR, 4)
  ld(ea + 415, 1) // the image's last byte: a fault in its second page comes before any change
  if (gFault != 0) return
  if ((mx & ~MXCSR_MASK) != 0) { raiseExit(CoreExit.Exception, 13); return }
  store<u16>(ctx + R_FCW, <u16>ld(ea + FX_FCW, 2))
  store<u16>(ctx + R_FSW, <u16>ld(ea + FX_FSW, 2))
  store<u8>(ctx + R_FTW, <u8>ld(ea + FX_FTW, 1))
  store<u32>(ctx + R_MXCSR, mx)
  for (let i: u32 = 0; i < 8; i++) {
    const p = physOf(i), a = ea + FX_ST + (<u64>i << 4)
    store<u64>(p, ld(a, 8))
    store<u16>(p, <u16>ld(a + 8, 2), 8)
  }
  for (let i: u32 = 0; i < 16; i++) {
    const a = ea + FX_XMM + (<u64>i << 4)
    store<u64>(ctx + R_XMM + (i << 4), ld(a, 8))
    store<u64>(ctx + R_XMM + (i << 4), ld(a + 8, 8), 8)
  }
}
