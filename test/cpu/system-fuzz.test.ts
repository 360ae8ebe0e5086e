// Fuzz at EL1 with the MMU on (issue 13): random 32-bit words executed by a
// system context never raise a host exception. The context starts at EL1
// with stage-1 translation on (an identity map of RAM through a 1 GiB block,
// a device block below it) and vectors in RAM; whatever a word does —
// MSR to any register, ERET, HVC up to EL2, a fault taken in the guest, a
// device access — ends as a CoreExit, and every 64 words the state is set up
// again, page tables included (random stores may have hit them).
import { describe, expect, test } from 'vitest'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import { SysMode, SysReg } from '../../src/engine/cpu/aarch64/core-layout'
import { CoreExit } from '../../src/engine/cpu/core-abi'

const WORDS = Number(process.env.CPU_FUZZ_WORDS ?? 1_000_000)
const RAM_PA = 0x4000_0000
const RAM_BYTES = 1 << 20
const L1 = 0x1000 // level-1 table (RAM offset)
const CODE = 0x8000
const VECTORS = 0x10000

describe('aarch64 system fuzz', () => {
  test(`${WORDS} random words at EL1 with the MMU on`, () => {
    const m = Aarch64Core.create({ ramBytes: RAM_BYTES, cores: 1, translate: () => -1 })
    const ctx = m.allocContext()
    const dv = new DataView(m.ram.buffer, m.ram.byteOffset, m.ram.byteLength)
    let s = 0x9e3779b9
    const rand = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0 }
    const setUp = () => {
      ctx.reset()
      ctx.setMode(SysMode.System, 1)
      dv.setBigUint64(L1, 0x401n, true) // [0]: device block at PA 0
      dv.setBigUint64(L1 + 8, BigInt(RAM_PA) | 0x705n, true) // [1]: RAM, normal memory, EL1 read/write
      for (let i = 0; i < 16 * 32; i++) dv.setUint32(VECTORS + i * 4, 0xd69f03e0, true) // every vector: ERET
      m.invalidateCode(0, RAM_BYTES)
      ctx.setSysReg(SysReg.MAIR_EL1, 0xff00n)
      ctx.setSysReg(SysReg.TCR_EL1, 0x2_8019_0019n) // 39-bit VAs, 4 KiB granule
      ctx.setSysReg(SysReg.TTBR0_EL1, BigInt(RAM_PA + L1))
      ctx.setSysReg(SysReg.VBAR_EL1, BigInt(RAM_PA + VECTORS))
      ctx.setSysReg(SysReg.VBAR_EL2, BigInt(RAM_PA + VECTORS))
      ctx.setSysReg(SysReg.HCR_EL2, 1n << 31n)
      ctx.setSysReg(SysReg.SCTLR_EL1, 1n)
      for (let r = 0; r < 31; r++) ctx.setXNum(r, r & 1 ? RAM_PA + (rand() % RAM_BYTES) : rand())
      ctx.setSp(BigInt(RAM_PA + RAM_BYTES - 4096))
    }
    const counts = new Map<CoreExit, number>()
    for (let i = 0; i < WORDS; i++) {
      if (i % 64 === 0) setUp()
      const w = rand()
      const at = CODE + (i % 64) * 4
      dv.setUint32(at, w, true)
      m.invalidateCode(at, 4)
      ctx.setPc(BigInt(RAM_PA + at))
      const reason = m.run(0, ctx, 1, 1)
      counts.set(reason, (counts.get(reason) ?? 0) + 1)
    }
    console.log(`system fuzz: ${WORDS} words: ${[...counts].sort((a, b) => a[0] - b[0]).map(([k, v]) => `exit ${k}: ${v}`).join(', ')}`)
    for (const k of counts.keys()) expect([CoreExit.Budget, CoreExit.Hvc, CoreExit.Smc, CoreExit.Wfi, CoreExit.SysReg, CoreExit.Stage2Abort]).toContain(k)
  }, 300_000)
})
