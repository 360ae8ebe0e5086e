/**
 * The figures a VM shows are true: its memory drops when a program frees
 * what it used (lx gives free frames back to its dataspace, and its task's
 * resident pages fall).
 */
import { describe, expect, it } from 'vitest'
import { bootDefault } from '../testing/default-scenario'

describe('VM figures', () => {
  it('memory rises while sort holds its input and drops when it exits', () => {
    const { board, out, type } = bootDefault('vm1')
    const mem = () => board.figures().find((f) => f.name === 'vm1')!.memoryBytes!
    const idle = mem()
    const at = type('vm1', 'seq 1 400000 | sort -r | tail -1\n')
    const done = /\r\n1\r\n[^]*vm1:\/# /
    let peak = idle
    for (let i = 0; i < 3_000 && !done.test((out.get('vm1') ?? '').slice(at)); i++) {
      board.run(20)
      peak = Math.max(peak, mem())
    }
    expect((out.get('vm1') ?? '').slice(at)).toMatch(done)
    const after = mem()
    expect(peak - idle).toBeGreaterThan(4 << 20)
    expect(after - idle).toBeLessThan(2 << 20)
  })
})

describe('VM and board figures are the counters the kernel and lx keep', () => {
  it('a command moves the system calls, page faults, IRQs, IPCs and console bytes of its VM only', () => {
    const { board, out, until, type } = bootDefault()
    const fig = (vm: string) => board.figures().find((f) => f.name === vm)!
    const before = { vm1: fig('vm1'), vm2: fig('vm2') }
    // default.lua: lx --mem 64M, a child factory of 2 MiB per VM.
    expect(before.vm1.memoryLimitBytes).toBe(64 << 20)
    expect(before.vm1.kernelMemory!.max).toBe(2 << 20)
    expect(before.vm1.kernelMemory!.used).toBeGreaterThan(0)
    const at = type('vm1', 'seq 1 2000 | wc -l\n')
    until('vm1', /\r\n2000\r\n[^]*vm1:\/# /, at)
    const after = { vm1: fig('vm1'), vm2: fig('vm2') }
    // Three processes at least (sh's fork for each side of the pipe, exec, write, wait …).
    expect(after.vm1.syscalls! - before.vm1.syscalls!).toBeGreaterThan(20)
    expect(after.vm1.pageFaults! - before.vm1.pageFaults!).toBeGreaterThan(10)
    expect(after.vm1.ipcs! - before.vm1.ipcs!).toBeGreaterThan(0)
    // What the guest echoed and printed: the command line, "2000" and the prompt, as the terminal got them.
    // The terminal got them with each lone LF made CR LF: the guest wrote at most that many, and at least that less each CR LF.
    const shown = (out.get('vm1') ?? '').slice(at)
    const wrote = after.vm1.consoleBytes.out - before.vm1.consoleBytes.out
    expect(wrote).toBeLessThanOrEqual(shown.length)
    expect(wrote).toBeGreaterThanOrEqual(shown.replace(/\r\n/g, '\n').length)
    expect(after.vm1.consoleBytes.in - before.vm1.consoleBytes.in).toBe('seq 1 2000 | wc -l\n'.length)
    // vm2 was not asked anything: its shell made no system call, its console carried nothing.
    expect(after.vm2.syscalls).toBe(before.vm2.syscalls)
    expect(after.vm2.consoleBytes).toEqual(before.vm2.consoleBytes)
    // Timer ticks reach both (lx's scheduler tick runs while a process runs).
    expect(after.vm1.interrupts!).toBeGreaterThan(before.vm1.interrupts!)
  })

  it('the board figures count the live kernel objects and name each VM’s factory', () => {
    const { board, out, until, type } = bootDefault('vm1')
    const b0 = board.boardFigures()
    const vmFactory = b0.factories.find((f) => f.name === 'vm1')!
    expect(vmFactory.max).toBe(2 << 20)
    expect(b0.factories[0]).toMatchObject({ name: 'root' })
    expect(b0.kernelMemory.used).toBeGreaterThan(0)
    expect(b0.kernelMemory.used).toBeLessThanOrEqual(b0.kernelMemory.max)
    // Three background readers of the terminal, stopped by SIGTTIN, are three more L4 tasks, charged to vm1's factory.
    const at = type('vm1', 'cat & cat & cat &\n')
    until('vm1', /vm1:\/# /, at)
    for (let i = 0; i < 50; i++) board.run(20)
    const ps = type('vm1', 'ps\n')
    until('vm1', /vm1:\/# /, ps)
    expect((out.get('vm1') ?? '').slice(ps).match(/ T +\d+ +[\d:]+ cat/g)).toHaveLength(3)
    const b1 = board.boardFigures()
    expect(b1.objects.task - b0.objects.task).toBe(3)
    expect(b1.factories.find((f) => f.name === 'vm1')!.used).toBeGreaterThan(vmFactory.used)
    const k = board.booted.kernel
    const live = [...k.objects].filter((o) => !o.dead)
    expect(Object.values(b1.objects).reduce((a, b) => a + b, 0)).toBe(live.length)
  })
})
