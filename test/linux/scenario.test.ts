// resources/scenarios/linux-arm.lua on a lab board: two unmodified Linux VMs
// (uvmm) and an lx guest, each on its own console, each answering at its
// prompt; powering one Linux VM off leaves the other and the lx guest
// running. The board runs unpaced; input is typed once a prompt is there
// (Linux's PL011 driver drops what arrives before it opens the port, as a
// real UART does).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ScenarioSession } from '../../src/engine/lab/scenario-session'
import type { SessionSink, VmDescriptor } from '../../src/engine/lab/session'
import { boardOptions, scenarioModules } from '../../src/host/lab-config'
import { POWER_DOWN, ROOT, buildGuest } from './guest'

const missing = buildGuest()

describe.skipIf(missing !== undefined)(`linux-arm.lua${missing ? ` (skipped: ${missing})` : ''}`, () => {
  test('vm1 powers off; vm2 and lx1 go on answering; the lab stops vm2 and starts vm1 again', async () => {
    const source = readFileSync(join(ROOT, 'resources/scenarios/linux-arm.lua'), 'utf8')
    const out = new Map<string, string>()
    let vms: readonly VmDescriptor[] = []
    const dec = new TextDecoder()
    const sink: SessionSink = {
      consoleOutput: (vm, data) => out.set(vm, (out.get(vm) ?? '') + dec.decode(data)),
      vmsChanged: (v) => (vms = v),
      statusChanged: () => {},
    }
    let wall = 0
    const board = new ScenarioSession(
      { kind: 'scenario', scenario: { name: 'linux-arm.lua', source }, modules: scenarioModules(source), paced: false, ...boardOptions(source) },
      sink,
      () => (wall += 0.01),
    )
    const t0 = performance.now()
    /** Runs the board until `vm`'s console shows `text` (after what it showed before), or fails after 200 s. */
    const until = (vm: string, text: string, from = 0): number => {
      for (;;) {
        const at = (out.get(vm) ?? '').indexOf(text, from)
        if (at >= 0) return at + text.length
        if (performance.now() - t0 > 200_000) throw new Error(`no "${text}" on ${vm} after ${((performance.now() - t0) / 1000).toFixed(0)} s:\n${(out.get(vm) ?? '').slice(-1500)}`)
        board.run(50)
      }
    }
    const type = (vm: string, text: string) => expect(board.input(vm, new TextEncoder().encode(text)).ok).toBe(true)
    const at1 = until('vm1', 'vm1:/root# ')
    let at2 = until('vm2', 'vm2:/root# ')
    let atLx = until('lx1', 'lx1:/# ')
    type('vm1', 'poweroff -f\n')
    until('vm1', POWER_DOWN, at1)
    type('vm2', 'echo vm-$((6 * 7)) $(uname -m) $(hostname)\n')
    at2 = until('vm2', 'vm-42 aarch64 vm2', at2)
    type('lx1', 'echo lx-$((6 * 7)) $(uname -m)\n')
    atLx = until('lx1', 'lx-42 aarch64', atLx)
    expect(at2).toBeGreaterThan(0)
    expect(atLx).toBeGreaterThan(0)
    // vm2 has a display (the scenario's display = "1024x768"), drawn by the guest's fbcon.
    expect(vms.find((v) => v.name === 'vm2')?.display).toEqual({ width: 1024, height: 768 })
    expect(vms.find((v) => v.name === 'vm1')?.display).toBeUndefined()
    // Both Linux VMs found their disk and hvc0 through virtio-mmio.
    for (const vm of ['vm1', 'vm2']) expect(out.get(vm)).toContain('l4lab-init: disk: first line: l4lab disk: hello from virtio-blk')
    // The lab shows vm1 ended (uvmm's task exited with its VM), the others running.
    const state = (name: string) => vms.find((v) => v.name === name)?.state
    board.run(50)
    expect([state('vm1'), state('vm2'), state('lx1')]).toEqual(['exited', 'running', 'running'])
    // A Linux VM's figures: instructions, its exits by kind, the interrupts uvmm injected; lx has no exits.
    const fig = (name: string) => board.figures().find((f) => f.name === name)!
    expect(fig('vm2').instructions).toBeGreaterThan(1e8)
    expect(fig('vm2').vmExits).toMatchObject({ mmio: expect.any(Number), timer: expect.any(Number), wfi: expect.any(Number) })
    expect(Math.min(fig('vm2').vmExits!.mmio, fig('vm2').vmExits!.timer, fig('vm2').interrupts!)).toBeGreaterThan(0)
    expect(fig('lx1').vmExits).toBeUndefined()
    // What the graphs show of them: the disk init read, stage-2 faults on RAM, RAM as the limit; lx's system calls.
    expect(fig('vm2').diskBytes!.read).toBeGreaterThanOrEqual(512)
    expect(fig('vm2').pageFaults).toBe(fig('vm2').vmExits!.ram)
    expect(fig('vm2').memoryLimitBytes).toBe(192 << 20)
    expect(fig('vm2').memoryBytes).toBeGreaterThan(0)
    expect(fig('vm2').memoryBytes).toBeLessThanOrEqual(192 << 20)
    expect(fig('lx1').syscalls).toBeGreaterThan(10)
    expect(fig('lx1').diskBytes).toBeUndefined()

    // The lab's stop action ends vm2's uvmm (and with it the VM).
    const settle = async (r: ReturnType<typeof board.control>) => {
      let done: Awaited<typeof r> | null = null
      void Promise.resolve(r).then((x) => (done = x))
      while (!done) {
        board.run(50)
        await new Promise((res) => setImmediate(res))
      }
      return done
    }
    expect(await settle(board.control('vm2', 'stop'))).toEqual({ ok: true })
    board.run(50)
    expect([state('vm1'), state('vm2'), state('lx1')]).toEqual(['exited', 'stopped', 'running'])

    // Started again from the lab, long after (the board idles through virtual minutes unpaced),
    // vm1 boots afresh on the same console, with new figures, and answers.
    for (let i = 0; i < 20; i++) board.run(50)
    const before = out.get('vm1')!.length
    expect(await settle(board.control('vm1', 'start'))).toEqual({ ok: true })
    const again = until('vm1', 'vm1:/root# ', before)
    expect(out.get('vm1')!.slice(before)).toContain('l4lab-init: rng: virtio_rng.0, 16 bytes')
    type('vm1', 'echo again-$((6 * 7))\n')
    until('vm1', 'again-42', again)
    expect(state('vm1')).toBe('running')
  }, 400_000)
})
