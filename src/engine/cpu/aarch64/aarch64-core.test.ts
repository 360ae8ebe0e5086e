// The kernel-facing behaviour of the core: exits, faults that leave the PC
// at the faulting instruction, TLB maintenance, decoded-code invalidation on
// guest and host writes, the exclusive monitor across cores, budgets.
import { describe, expect, test } from 'vitest'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
import { adoptCoreModule, Aarch64Core, sharedCoreModule } from './aarch64-core'
import { Access, CoreExit } from '../core-abi'

// A few A64 encodings.
const MOVZ = (rd: number, imm: number) => (0xd2800000 | (imm << 5) | rd) >>> 0
const ADDI = (rd: number, rn: number, imm: number) => (0x91000000 | (imm << 10) | (rn << 5) | rd) >>> 0
const LDR = (rt: number, rn: number) => (0xf9400000 | (rn << 5) | rt) >>> 0
const STR = (rt: number, rn: number) => (0xf9000000 | (rn << 5) | rt) >>> 0
const STRW = (rt: number, rn: number) => (0xb9000000 | (rn << 5) | rt) >>> 0
const LDXR = (rt: number, rn: number) => (0xc85f7c00 | (rn << 5) | rt) >>> 0
const STXR = (rs: number, rt: number, rn: number) => (0xc8007c00 | (rs << 16) | (rn << 5) | rt) >>> 0
const SVC = (imm: number) => (0xd4000001 | (imm << 5)) >>> 0
const BRK = (imm: number) => (0xd4200000 | (imm << 5)) >>> 0
const B = (words: number) => (0x14000000 | (words & 0x3ffffff)) >>> 0

/** A machine with a page table vpn → (ram page, perms). */
function setup(cores = 1, ramBytes = 1 << 20) {
  const table = new Map<number, { page: number; perms: number }>()
  let calls = 0
  const m = Aarch64Core.create({
    ramBytes, cores,
    translate: (_asid, va, access) => {
      calls++
      const e = table.get(Math.floor(va / 4096))
      if (!e) return -1
      return e.perms & access ? e.page * 4096 : -2
    },
  })
  const dv = new DataView(m.ram.buffer, m.ram.byteOffset, m.ram.byteLength)
  const code = (page: number, words: number[]) => { words.forEach((w, i) => dv.setUint32(page * 4096 + i * 4, w, true)); m.invalidateCode(page * 4096, words.length * 4) }
  return { m, table, dv, code, calls: () => calls }
}

describe('Aarch64Core', () => {
  test('svc exits past the instruction with its immediate; brk stays on it', () => {
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Read | Access.Execute })
    code(0, [MOVZ(0, 7), SVC(0x42), BRK(3)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Syscall)
    expect(m.exit.imm(0)).toBe(0x42)
    expect(m.exit.retired(0)).toBe(2)
    expect(ctx.pc).toBe(0x1008n)
    expect(ctx.x(0)).toBe(7n)
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Breakpoint)
    expect(ctx.pc).toBe(0x1008n)
    expect(m.exit.imm(0)).toBe(3)
  })

  test('budget: exactly `budget` instructions retire', () => {
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    code(0, [ADDI(0, 0, 1), ADDI(0, 0, 1), B(-2)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    expect(m.run(0, ctx, 1, 1000)).toBe(CoreExit.Budget)
    expect(m.exit.retired(0)).toBe(1000)
    expect(ctx.x(0)).toBe(667n)
  })

  test('a data abort reports address and access and leaves the PC on the load; re-run after mapping', () => {
    const { m, table, code, dv } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    const movz = (0xd2800000 | (1 << 21) | (5 << 5) | 1) >>> 0 // movz x1, #5, lsl #16
    code(0, [movz, ADDI(1, 1, 8), LDR(2, 1), SVC(0)])
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.DataAbort)
    expect(m.exit.faultAddress(0)).toBe(0x50008)
    expect(m.exit.access(0)).toBe(Access.Read)
    expect(ctx.pc).toBe(0x1008n)
    table.set(0x50, { page: 2, perms: Access.Read })
    dv.setBigUint64(2 * 4096 + 8, 0x1122334455667788n, true)
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Syscall)
    expect(ctx.x(2)).toBe(0x1122334455667788n)
  })

  test('permission fault on a store to a read-only page; instruction abort; undefined word in syndrome', () => {
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    table.set(2, { page: 1, perms: Access.Read })
    code(0, [STR(0, 1)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    ctx.setX(1, 0x2010n)
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.DataAbort)
    expect(m.exit.access(0)).toBe(Access.Write)
    expect(m.exit.syndrome(0) & 0x3f).toBe(0x0f) // permission fault, level 3
    ctx.setPc(0x7000n)
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.InstructionAbort)
    expect(m.exit.faultAddress(0)).toBe(0x7000)
    code(0, [0x00000000])
    ctx.setPc(0x1000n)
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.Undefined)
    expect(m.exit.syndrome(0)).toBe(0)
    ctx.setPc(0x1002n)
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.Alignment)
  })

  test('write tracking: stores and host writes mark tracked pages until the host takes the marks, hits included', () => {
    const { m, table, code, calls } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    table.set(2, { page: 2, perms: Access.Read | Access.Write })
    table.set(3, { page: 3, perms: Access.Read | Access.Write })
    // Two stores to page 2 (the second a TLB hit), one to page 3, then back to the top.
    code(0, [STR(0, 1), STR(0, 1), STR(0, 2), SVC(0), B(-4)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    ctx.setX(1, 0x2008n)
    ctx.setX(2, 0x3010n)
    const pages = Int32Array.of(2, 3, 4)
    const written = new Uint8Array(3)
    // Untracked pages are never reported.
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Syscall)
    expect(m.takeWrites(pages, written)).toBe(0)
    for (const p of pages) m.trackWrites(p, true)
    // Newly tracked pages count as written: the host has not looked at them yet.
    expect(m.takeWrites(pages, written)).toBe(3)
    expect(m.takeWrites(pages, written)).toBe(0)
    // Page 2 and 3 have write-TLB entries from the first run: taking the marks dropped them.
    const before = calls()
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Syscall)
    expect(calls() - before).toBe(2)
    expect(m.takeWrites(pages, written)).toBe(2)
    expect([...written]).toEqual([1, 1, 0])
    // A host write marks its page; untracking ends the marks.
    m.invalidateCode(4 * 4096 + 100, 8)
    m.trackWrites(3, false)
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Syscall)
    expect(m.takeWrites(pages, written)).toBe(2)
    expect([...written]).toEqual([1, 0, 1])
  })

  test('guest stores into decoded code and host writes both take effect', () => {
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Execute | Access.Read | Access.Write })
    // x1 = address of slot 3; store the word in w2 there, then execute it.
    code(0, [ADDI(0, 0, 0), STRW(2, 1), ADDI(0, 0, 1), SVC(0)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    ctx.setX(1, 0x1008n)
    ctx.setX(2, BigInt(ADDI(0, 0, 100)))
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.Syscall)
    expect(ctx.x(0)).toBe(100n)
    // run again: the decoded slot 2 is now the new word
    ctx.setPc(0x1000n); ctx.setX(0, 0n); ctx.setX(2, BigInt(ADDI(0, 0, 5)))
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.Syscall)
    expect(ctx.x(0)).toBe(5n)
    // host write + invalidateCode
    code(0, [ADDI(0, 0, 0), ADDI(0, 0, 9), ADDI(0, 0, 9), SVC(1)])
    ctx.setPc(0x1000n); ctx.setX(0, 0n)
    expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.Syscall)
    expect(ctx.x(0)).toBe(18n)
  })

  test('fused register pairs see a later write to their second word', () => {
    const { m, table, code, dv } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    const ADDR = (rd: number, rn: number, rm: number) => (0x8b000000 | (rm << 16) | (rn << 5) | rd) >>> 0
    code(0, [ADDR(0, 0, 1), ADDR(0, 0, 1), SVC(0)])
    const ctx = m.allocContext()
    ctx.setX(1, 5n); ctx.setPc(0x1000n)
    m.run(0, ctx, 1, 10)
    expect(ctx.x(0)).toBe(10n)
    dv.setUint32(4, ADDR(0, 0, 0), true) // second word only: x0 = x0 + x0
    m.invalidateCode(4, 4)
    ctx.setX(0, 0n); ctx.setPc(0x1000n)
    m.run(0, ctx, 1, 10)
    expect(ctx.x(0)).toBe(10n) // (0 + 5) * 2
    // a budget that ends between the two halves
    ctx.setX(0, 0n); ctx.setPc(0x1000n)
    expect(m.run(0, ctx, 1, 1)).toBe(CoreExit.Budget)
    expect(ctx.x(0)).toBe(5n)
    expect(ctx.pc).toBe(0x1004n)
  })

  test('a fused compare-and-branch retires as two instructions and splits at the budget', () => {
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    const SUBSI = (rd: number, rn: number, imm: number) => (0xf1000000 | (imm << 10) | (rn << 5) | rd) >>> 0
    const BNE = (words: number) => (0x54000001 | ((words & 0x7ffff) << 5)) >>> 0
    code(0, [SUBSI(0, 0, 1), BNE(-1), SVC(0)])
    const ctx = m.allocContext()
    ctx.setX(0, 10n); ctx.setPc(0x1000n)
    expect(m.run(0, ctx, 1, 7)).toBe(CoreExit.Budget) // 3 loops + the compare of the 4th
    expect(m.exit.retired(0)).toBe(7)
    expect(ctx.x(0)).toBe(6n)
    expect(ctx.pc).toBe(0x1004n)
    expect(m.run(0, ctx, 1, 1000)).toBe(CoreExit.Syscall)
    expect(m.exit.retired(0)).toBe(1 + 12 + 1)
    expect(ctx.x(0)).toBe(0n)
    expect(ctx.nzcv).toBe(0x60000000) // Z and C
  })

  test('remapping a code page and flushing the TLB runs the new page', () => {
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    code(0, [MOVZ(0, 1), SVC(0)])
    code(3, [MOVZ(0, 2), SVC(0)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    m.run(0, ctx, 1, 10)
    expect(ctx.x(0)).toBe(1n)
    table.set(1, { page: 3, perms: Access.Execute })
    m.flushTlbPage(1, 0x1000)
    ctx.setPc(0x1000n)
    m.run(0, ctx, 1, 10)
    expect(ctx.x(0)).toBe(2n)
    // a different asid does not see asid 1's entries
    table.set(1, { page: 0, perms: Access.Execute })
    ctx.setPc(0x1000n)
    m.run(0, ctx, 2, 10)
    expect(ctx.x(0)).toBe(1n)
  })

  test('TLB caches translations per asid; flushTlb(asid) drops them', () => {
    const { m, table, code, calls } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    code(0, [SVC(0)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n); m.run(0, ctx, 5, 10)
    const n = calls()
    ctx.setPc(0x1000n); m.run(0, ctx, 5, 10)
    expect(calls()).toBe(n)
    m.flushTlb(5)
    ctx.setPc(0x1000n); m.run(0, ctx, 5, 10)
    expect(calls()).toBe(n + 1)
    ctx.setPc(0x1000n); m.run(0, ctx, 5 + 4096, 10) // same low bits, other asid
    expect(calls()).toBe(n + 2)
  })

  test('exclusive monitor: per core, cleared by clearExclusive and by a changed value', () => {
    const { m, table, code, dv } = setup(2)
    table.set(1, { page: 0, perms: Access.Execute })
    table.set(2, { page: 1, perms: Access.Read | Access.Write })
    code(0, [LDXR(0, 1), SVC(0), STXR(3, 0, 1), SVC(1)])
    const a = m.allocContext(), b = m.allocContext()
    for (const c of [a, b]) { c.setPc(0x1000n); c.setX(1, 0x2000n) }
    expect(m.run(0, a, 1, 10)).toBe(CoreExit.Syscall)
    m.clearExclusive(0)
    expect(m.run(0, a, 1, 10)).toBe(CoreExit.Syscall)
    expect(a.x(3)).toBe(1n) // failed: monitor cleared (context switch)
    a.setPc(0x1000n)
    expect(m.run(0, a, 1, 10)).toBe(CoreExit.Syscall) // core 0 holds the monitor
    expect(m.run(1, b, 1, 10)).toBe(CoreExit.Syscall) // core 1 takes its own
    b.setX(0, 99n)
    expect(m.run(1, b, 1, 10)).toBe(CoreExit.Syscall) // core 1 stores 99
    expect(b.x(3)).toBe(0n)
    expect(dv.getBigUint64(4096, true)).toBe(99n)
    expect(m.run(0, a, 1, 10)).toBe(CoreExit.Syscall) // core 0's value is stale: fails
    expect(a.x(3)).toBe(1n)
  })

  test('context snapshot/restore and NZCV', () => {
    const { m } = setup()
    const ctx = m.allocContext()
    ctx.setX(5, 0xdeadbeefcafef00dn); ctx.setNzcv(0x60000000); ctx.setTpidr(77n); ctx.v(3)[15] = 9
    const snap = ctx.snapshot()
    ctx.reset()
    expect(ctx.x(5)).toBe(0n)
    ctx.restore(snap)
    expect(ctx.x(5)).toBe(0xdeadbeefcafef00dn)
    expect(ctx.nzcv).toBe(0x60000000)
    expect(ctx.tpidr).toBe(77n)
    expect(ctx.v(3)[15]).toBe(9)
    expect(m.id.isar0 & 0xf0n).toBe(0n) // no AES (and no LSE: ISAR0.Atomic = 0)
  })

  test('decoded code of more pages than there are slots: a recycled slot holds nothing of its last page', () => {
    // 2048 slots (layout.ts NSLOTS); each page runs `movz x0, #page; svc` from
    // its first word, so a slot that kept its last page's entry would give
    // that page's number. Fresh slots are not cleared (memory starts zeroed).
    const pages = 2048 + 300
    const { m, table, code } = setup(1, 10 << 20)
    const ctx = m.allocContext()
    const runPage = (p: number) => {
      ctx.setPc(BigInt((p + 16) * 4096))
      expect(m.run(0, ctx, 1, 10)).toBe(CoreExit.Syscall)
      return Number(ctx.x(0))
    }
    for (let p = 0; p < pages; p++) {
      table.set(p + 16, { page: p, perms: Access.Execute })
      code(p, [MOVZ(0, p), SVC(0)])
    }
    for (let p = 0; p < pages; p++) expect(runPage(p)).toBe(p)
    // Pages 0..299 lost their slots to 2048..2347; they are decoded again.
    for (let p = 0; p < 300; p++) expect(runPage(p)).toBe(p)
  })

  test('a core compiled by another thread is adopted only when it is this build\'s, and runs', () => {
    const shared = sharedCoreModule()
    // What a worker receives: the module through structured clone, as workerData is.
    const { port1, port2 } = new MessageChannel()
    port1.postMessage(shared)
    const received = receiveMessageOnPort(port2)!.message as typeof shared
    port1.close()
    expect(adoptCoreModule(null)).toBe(false)
    expect(adoptCoreModule({ module: received.module, text: `${shared.text.slice(0, -4)}AAAA` })).toBe(false)
    expect(adoptCoreModule({ module: {}, text: shared.text })).toBe(false)
    expect(sharedCoreModule().module).toBe(shared.module)
    expect(adoptCoreModule(received)).toBe(true)
    expect(sharedCoreModule().module).toBe(received.module)
    const { m, table, code } = setup()
    table.set(1, { page: 0, perms: Access.Execute })
    code(0, [MOVZ(0, 41), ADDI(0, 0, 1), SVC(0)])
    const ctx = m.allocContext()
    ctx.setPc(0x1000n)
    expect(m.run(0, ctx, 1, 100)).toBe(CoreExit.Syscall)
    expect(ctx.x(0)).toBe(42n)
  })
})
