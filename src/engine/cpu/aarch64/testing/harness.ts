// Test harness: loads a static AArch64 ELF into a fresh machine with a simple
// page table (one task, asid 1), runs it, and services only write(1/2),
// exit and exit_group. Pure TypeScript so that the benchmark can use it too.
import { Aarch64Core, type JitStats } from '../aarch64-core'
import type { Aarch64Context } from '../context'
import { Access, CoreExit } from '../../core-abi'

export interface HarnessOptions {
  ramBytes?: number
  /** Stop after this many instructions (default 2e9). */
  maxInstructions?: number
  /** Called on every write(1/2); default collects into stdout/stderr. */
  onWrite?: (fd: number, bytes: Uint8Array, instructions: number) => void
  /** Instructions per run() call. */
  quantum?: number
  argv?: string[]
  /** The block compiler (Aarch64CoreOptions.jit); on by default. */
  jit?: boolean | number
}

export interface HarnessResult {
  stdout: string
  stderr: string
  exitCode: number | null
  instructions: number
  /** Why the program did not exit normally. */
  error?: string
  /** Exit reason and PC when `error` comes from the core. */
  exitReason?: CoreExit
  exitPc?: number
  jit?: JitStats
}

const STACK_TOP = 0x7fff00000000
const STACK_BYTES = 1 << 20
const PF_X = 1, PF_W = 2, PF_R = 4

export class Task {
  readonly machine: Aarch64Core
  readonly ctx: Aarch64Context
  /** vpn → (ramPage << 3) | perms (Access bits). */
  readonly pages = new Map<number, number>()
  private nextRamPage = 0
  /** Program break and anonymous-mapping cursor for the memory syscalls. */
  brkStart = 0
  brk = 0
  mmapNext = 0x7f0000000000
  private phdr = 0
  private phnum = 0

  constructor(ramBytes: number, jit?: boolean | number) {
    this.machine = Aarch64Core.create({
      ramBytes, cores: 1, jit,
      translate: (_asid, va, access) => {
        const e = this.pages.get(Math.floor(va / 4096))
        if (e === undefined) return -1
        if ((e & access) === 0) return -2
        return Math.floor(e / 8) * 4096
      },
    })
    this.ctx = this.machine.allocContext()
  }

  /** Maps (or adds permissions to) the page holding va; returns its RAM offset. */
  map(va: number, perms: number): number {
    const vpn = Math.floor(va / 4096)
    const e = this.pages.get(vpn)
    if (e !== undefined) {
      this.pages.set(vpn, e | perms)
      this.machine.flushTlbPage(1, vpn * 4096)
      return Math.floor(e / 8) * 4096
    }
    const ram = this.nextRamPage++ * 4096
    if (ram + 4096 > this.machine.ram.length) throw new RangeError('harness: out of RAM')
    this.pages.set(vpn, (ram / 4096) * 8 + perms)
    return ram
  }

  /** RAM offset of va, or -1. */
  ramOf(va: number): number {
    const e = this.pages.get(Math.floor(va / 4096))
    return e === undefined ? -1 : Math.floor(e / 8) * 4096 + (va % 4096)
  }

  readBytes(va: number, n: number): Uint8Array | null {
    const out = new Uint8Array(n)
    for (let i = 0; i < n;) {
      const r = this.ramOf(va + i)
      if (r < 0) return null
      const chunk = Math.min(n - i, 4096 - ((va + i) % 4096))
      out.set(this.machine.ram.subarray(r, r + chunk), i)
      i += chunk
    }
    return out
  }

  writeBytes(va: number, bytes: Uint8Array, perms = Access.Read | Access.Write): void {
    for (let i = 0; i < bytes.length;) {
      const r = this.map(va + i, perms) + ((va + i) % 4096)
      const chunk = Math.min(bytes.length - i, 4096 - ((va + i) % 4096))
      this.machine.ram.set(bytes.subarray(i, i + chunk), r)
      this.machine.invalidateCode(r, chunk)
      i += chunk
    }
  }

  loadElf(elf: Uint8Array): string | null {
    const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength)
    if (dv.getUint32(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) return 'not a little-endian ELF64 file'
    if (dv.getUint16(18, true) !== 183) return 'not an AArch64 ELF file'
    const entry = Number(dv.getBigUint64(24, true))
    const phoff = Number(dv.getBigUint64(32, true))
    const phentsize = dv.getUint16(54, true)
    const phnum = dv.getUint16(56, true)
    let end = 0
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize
      if (dv.getUint32(p, true) === 6) this.phdr = Number(dv.getBigUint64(p + 16, true)) // PT_PHDR
      if (dv.getUint32(p, true) !== 1) continue // PT_LOAD
      if (Number(dv.getBigUint64(p + 8, true)) === 0) this.phdr ||= Number(dv.getBigUint64(p + 16, true)) + phoff
      const flags = dv.getUint32(p + 4, true)
      const off = Number(dv.getBigUint64(p + 8, true))
      const vaddr = Number(dv.getBigUint64(p + 16, true))
      const filesz = Number(dv.getBigUint64(p + 32, true))
      const memsz = Number(dv.getBigUint64(p + 40, true))
      const perms = (flags & PF_R ? Access.Read : 0) | (flags & PF_W ? Access.Write : 0) | (flags & PF_X ? Access.Execute : 0)
      for (let va = vaddr - (vaddr % 4096); va < vaddr + memsz; va += 4096) this.map(va, perms)
      this.writeBytes(vaddr, elf.subarray(off, off + filesz), perms)
      end = Math.max(end, vaddr + memsz)
    }
    this.phnum = phnum
    this.brkStart = this.brk = Math.ceil(end / 4096) * 4096
    // Stack with argc, argv, envp and an auxv holding AT_PAGESZ.
    for (let va = STACK_TOP - STACK_BYTES; va < STACK_TOP; va += 4096) this.map(va, Access.Read | Access.Write)
    const sp = STACK_TOP - 4096
    // argc, argv[0], NULL, envp NULL, auxv: AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_RANDOM, AT_NULL
    const words = [1n, BigInt(STACK_TOP - 64), 0n, 0n, 3n, BigInt(this.phdr), 4n, 56n, 5n, BigInt(this.phnum),
      6n, 4096n, 25n, BigInt(STACK_TOP - 32), 0n, 0n]
    const buf = new Uint8Array(words.length * 8)
    const bdv = new DataView(buf.buffer)
    words.forEach((w, i) => bdv.setBigUint64(i * 8, w, true))
    this.writeBytes(sp, buf)
    this.writeBytes(STACK_TOP - 64, new TextEncoder().encode('prog\0'))
    this.writeBytes(STACK_TOP - 32, new Uint8Array(16).map((_, i) => i * 37 + 11)) // AT_RANDOM bytes
    this.ctx.setSp(BigInt(sp))
    this.ctx.setPc(BigInt(entry))
    return null
  }
}

export function runElf(elf: Uint8Array, opts: HarnessOptions = {}): HarnessResult {
  const task = new Task(opts.ramBytes ?? 64 << 20, opts.jit)
  const out: number[][] = [[], [], []]
  const err = task.loadElf(elf)
  const res: HarnessResult = { stdout: '', stderr: '', exitCode: null, instructions: 0 }
  if (err) return { ...res, error: err }
  const onWrite = opts.onWrite ?? ((fd: number, b: Uint8Array) => { for (const x of b) out[fd].push(x) })
  const max = opts.maxInstructions ?? 2e9
  const quantum = opts.quantum ?? 1_000_000 // small quanta let V8 switch to optimized code early (tier-up applies to the next call)
  const m = task.machine, ctx = task.ctx
  for (;;) {
    if (res.instructions >= max) { res.error = 'instruction limit reached'; break }
    const reason = m.run(0, ctx, 1, Math.min(quantum, max - res.instructions))
    res.instructions += m.exit.retired(0)
    if (reason === CoreExit.Budget) continue
    if (reason === CoreExit.Syscall) {
      const nr = ctx.xNum(8)
      if (nr === 64) { // write
        const fd = ctx.xNum(0), len = ctx.xNum(2)
        const bytes = fd === 1 || fd === 2 ? task.readBytes(ctx.xNum(1), len) : null
        if (bytes) { onWrite(fd, bytes, res.instructions); ctx.setXNum(0, len) } else ctx.setXNum(0, fd === 1 || fd === 2 ? -14 : -9)
        continue
      }
      if (nr === 93 || nr === 94) { res.exitCode = ctx.xNum(0) & 0xff; break }
      // Just enough memory management for static glibc start-up (brk, anonymous mmap).
      if (nr === 214) { // brk
        const want = ctx.xNum(0)
        if (want >= task.brkStart && want < task.brkStart + (256 << 20)) {
          for (let va = task.brk; va < want; va += 4096) task.map(va - (va % 4096), Access.Read | Access.Write)
          task.brk = want
        }
        ctx.setXNum(0, task.brk)
        continue
      }
      if (nr === 222 && ctx.xNum(0) === 0 && (ctx.xNum(3) & 0x20) !== 0) { // mmap(NULL, len, prot, MAP_ANONYMOUS…)
        const len = Math.ceil(ctx.xNum(1) / 4096) * 4096
        const va = task.mmapNext
        task.mmapNext += len + 4096
        for (let a = va; a < va + len; a += 4096) task.map(a, Access.Read | Access.Write)
        ctx.setXNum(0, va)
        continue
      }
      if (nr === 215 || nr === 226 || nr === 99) { ctx.setXNum(0, 0); continue } // munmap, mprotect, set_robust_list
      if (nr === 96) { ctx.setXNum(0, 1); continue } // set_tid_address
      ctx.setXNum(0, -38) // ENOSYS
      continue
    }
    res.exitReason = reason
    res.exitPc = m.exit.pc(0)
    const pc = m.exit.pc(0).toString(16)
    if (reason === CoreExit.Undefined) res.error = `undefined instruction 0x${(m.exit.syndrome(0) >>> 0).toString(16).padStart(8, '0')} at pc 0x${pc}`
    else if (reason === CoreExit.Breakpoint) res.error = `brk #${m.exit.imm(0)} at pc 0x${pc}`
    else res.error = `exit ${reason} at pc 0x${pc}: address 0x${m.exit.faultAddress(0).toString(16)} access ${m.exit.access(0)}`
    break
  }
  const dec = new TextDecoder('latin1')
  res.stdout = dec.decode(new Uint8Array(out[1]))
  res.stderr = dec.decode(new Uint8Array(out[2]))
  res.jit = m.jitStats()
  return res
}
