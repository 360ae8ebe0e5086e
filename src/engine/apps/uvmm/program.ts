/**
 * uvmm, the virtual machine monitor µApp (L4Re's uvmm): one per VM, started
 * by ned. It gets memory for the guest from its allocator, creates the Vm
 * (the guest-physical address space), loads an unmodified Linux kernel by
 * the arm64 boot protocol with an initrd and a device tree, and runs each
 * guest CPU as a vCPU thread of its own in extended mode; the devices the
 * guest sees (GICv3 distributor and redistributors, PL011, PL031,
 * virtio-mmio) are emulated here on the stage-2 faults that reach them.
 * See args.ts for the command line and docs/vm.md for the design.
 */
import { BaseCap, Err, Proto, aarch64Regs, newVcpuState, type Aarch64VcpuExt, type Sys } from '../../kernel/uapi'
import { factoryCreate, irqAttach, runThread, startNativeThread, threadControl, vconBindIrq, vconWrite, vcpuControl, invoke } from '../../l4/l4sys'
import { dsRead, memAlloc, nsQuery } from '../../l4/l4re'
import type { NativeProgram, ProgramEnv } from '../../l4/runtime/program'
import { parseUvmmArgs, type UvmmArgs } from './args'
import { planBoot } from './boot-image'
import { GuestRam } from './guest-ram'
import { buildDevices, deviceTreeFor, VM_MEMMAP, type RomFile } from './devices'
import { UvmmVm, type StopReason, type UvmmVcpu } from './vm'
import { runVcpu, UvmmIrq } from './vcpu'

/** What a board lends uvmm beyond its rom (`l4lab vm`: the disks as host files, being told the end). */
export interface UvmmHostPorts {
  /** Told when the VM stops (powered off, reset, crashed, or could not start: `detail` says why). */
  onStop?(why: StopReason | { kind: 'failed'; detail: string }, vm: UvmmVm | null): void
  /** Told when the VM is built and about to run (the lab reads its figures from it). */
  onStart?(vm: UvmmVm): void
  /** Disks by name that the host backs (files), instead of rom modules. */
  disk?(name: string): RomFile | null
}

/** Where rom files are read into our task (one window each; they stay mapped). */
const SCRATCH_VA = 0x1_0000_0000
const SCRATCH_STRIDE = 0x1_0000_0000

export function uvmmProgram(host: UvmmHostPorts | null = null): NativeProgram {
  return {
    name: 'uvmm',
    summary: 'a virtual machine monitor: an unmodified Linux kernel in a VM (arm-ve)',
    *main(env: ProgramEnv) {
      const sys = env.sys
      const fail = function* (detail: string): Generator<unknown, void, number> {
        yield* vconWrite(sys, BaseCap.Log, `uvmm: ${detail}\n`)
        host?.onStop?.({ kind: 'failed', detail }, null)
      }
      const parsed = parseUvmmArgs(env.args)
      if (typeof parsed === 'string') return yield* fail(parsed)
      const args: UvmmArgs = parsed
      // The rom files: kernel, initrd, device tree, disks.
      let window = 0
      const romFile = function* (name: string): Generator<unknown, Uint8Array | string, number> {
        if (env.caps.rom === undefined) return `${name}: no rom namespace`
        const slot = env.slots.alloc()
        const q = yield* nsQuery(sys, env.caps.rom, name, slot)
        if (q < 0) return `${name}: not in rom (error ${q})`
        const bytes = yield* dsRead(sys, slot, SCRATCH_VA + SCRATCH_STRIDE * window++)
        return typeof bytes === 'number' ? `${name}: cannot read (error ${bytes})` : bytes
      }
      const kernel = yield* romFile(args.kernel)
      if (typeof kernel === 'string') return yield* fail(`kernel ${kernel}`)
      let initrd: Uint8Array | null = null
      if (args.initrd) {
        const r = yield* romFile(args.initrd)
        if (typeof r === 'string') return yield* fail(`initrd ${r}`)
        initrd = r
      }
      let givenDtb: Uint8Array | null = null
      if (args.dtb) {
        const r = yield* romFile(args.dtb)
        if (typeof r === 'string') return yield* fail(`dtb ${r}`)
        givenDtb = r
      }
      const disks: RomFile[] = []
      for (const d of args.disks) {
        const hosted = host?.disk?.(d.name)
        if (hosted) {
          disks.push({ ...hosted, readOnly: hosted.readOnly || d.readOnly })
          continue
        }
        const r = yield* romFile(d.name)
        if (typeof r === 'string') return yield* fail(`disk ${r}`)
        disks.push({ name: d.name, bytes: r, readOnly: d.readOnly })
      }
      const ramBase = VM_MEMMAP.ram.base
      const plan = planBoot(ramBase, args.memBytes, kernel, initrd ? initrd.length : null, 2 << 20)
      if (!plan.ok) return yield* fail(plan.reason)

      // The guest's RAM: a dataspace from our allocator, mapped into our task.
      const ds = env.slots.alloc()
      let r = yield* memAlloc(sys, env.caps.mem ?? BaseCap.Factory, args.memBytes, ds)
      if (r < 0) return yield* fail(`cannot get ${args.memBytes >> 20} MiB for the guest: ${r === -Err.ENoMem ? 'the memory allocator has not that much left' : `L4 error ${r}`}`)
      const ram = new GuestRam(sys, ds, ramBase, args.memBytes)
      r = yield* ram.mapAll()
      if (r < 0) return yield* fail(`cannot map the guest's memory (L4 error ${r})`)
      const vmCap = env.slots.alloc()
      r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Vm, vmCap)
      if (r < 0) return yield* fail(`cannot create the Vm (L4 error ${r}${r === -Err.ENoMem ? ': kernel memory quota' : ''})`)

      const log = (msg: string): void => {
        pendingLog.push(msg)
      }
      const pendingLog: string[] = []
      const devices = buildDevices(args, ram, disks, () => sys.clock(), log)
      const vm = new UvmmVm(args, vmCap, ram, devices.bus, devices.gic, devices.console, log)
      devices.attach(vm)

      // Kernel, initrd and device tree into RAM.
      const p = plan.plan
      if (!ram.write(p.kernelAt, p.kernel)) return yield* fail('cannot write the kernel into guest RAM')
      if (initrd && p.initrdAt !== null && !ram.write(p.initrdAt, initrd)) return yield* fail('cannot write the initrd into guest RAM')
      const dtb = deviceTreeFor(args, devices, givenDtb, p.initrdAt !== null && initrd ? { start: p.initrdAt, end: p.initrdAt + initrd.length } : null)
      if (!dtb.ok) return yield* fail(`device tree: ${dtb.reason}`)
      if (!ram.write(p.dtbAt, dtb.blob)) return yield* fail('cannot write the device tree into guest RAM')

      // The vCPUs: ours first, then a thread each.
      const consIrq = env.slots.alloc()
      r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, consIrq)
      if (r >= 0) r = yield* irqAttach(sys, consIrq, UvmmIrq.Console, BaseCap.Thread)
      if (r >= 0) r = yield* bindConsoleIrq(sys, consIrq)
      if (r < 0) log(`uvmm: no console input (L4 error ${r})`)
      vm.consoleIrq = consIrq
      for (let i = 0; i < args.cpus; i++) {
        const v = yield* makeVcpu(env, vm, i)
        if (typeof v === 'string') return yield* fail(v)
        vm.vcpuList.push(v)
      }
      const boot = vm.vcpuList[0]
      boot.regs.setPc(BigInt(p.entry))
      boot.regs.setX(0, BigInt(p.dtbAt))
      boot.power = 'on'
      for (const v of vm.vcpuList.slice(1)) {
        r = yield* startNativeThread(sys, v.thread, function* (ts: Sys) {
          yield* runVcpu(vm, v, ts)
        })
        if (r >= 0) r = yield* runThread(sys, BaseCap.Scheduler, v.thread, 100)
        if (r < 0) return yield* fail(`cannot start vCPU ${v.index}'s thread (L4 error ${r})`)
      }
      vm.log = (msg: string) => vm.console.write(new TextEncoder().encode(`${msg}\r\n`))
      host?.onStart?.(vm)
      for (const m of pendingLog) vm.log(m)
      yield* runVcpu(vm, boot, sys)
      const why = vm.stopped ?? { kind: 'crash', detail: 'the boot vCPU stopped' }
      if (why.kind === 'crash') vm.log(`uvmm: ${why.detail}`)
      yield* vm.console.flush(sys)
      host?.onStop?.(why, vm)
    },
  }
}

/** Binds the Irq to our log: a kernel Vcon takes the Irq by index, cons (a log server) as a map item. */
function* bindConsoleIrq(sys: Sys, irq: number): Generator<unknown, number, number> {
  let r = yield* vconBindIrq(sys, BaseCap.Log, irq)
  if (r >= 0) return r
  sys.utcb[0] = 0 // ICU bind
  sys.utcb[1] = 0
  sys.utcb[2] = 8 // map item
  sys.utcb[3] = irq * 4096 + (3 << 4) + 0xf
  r = yield* invoke(sys, BaseCap.Log, Proto.Irq, 2, 1)
  return r
}

/** vCPU `i`: vCPU 0 is our main thread; the others get a thread each, bound to our task. */
function* makeVcpu(env: ProgramEnv, vm: UvmmVm, i: number): Generator<unknown, UvmmVcpu | string, number> {
  const sys = env.sys
  let thread: number = BaseCap.Thread
  let r = 0
  if (i > 0) {
    thread = env.slots.alloc()
    r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Thread, thread)
    if (r >= 0) r = yield* threadControl(sys, thread, { bindTask: BaseCap.Task })
    if (r < 0) return `cannot create vCPU ${i}'s thread (L4 error ${r})`
  }
  const state = newVcpuState()
  r = yield* vcpuControl(sys, thread, state, true)
  const regs = aarch64Regs(state.regs)
  if (r < 0 || !regs || !state.ext) return `no extended vCPU for vCPU ${i} (L4 error ${r}): the board has no AArch64 core with virtualization`
  const ext = state.ext as Aarch64VcpuExt
  ext.vmpidr = 0x8000_0000n | BigInt(i)
  ext.gicHcr = 1
  const kick = env.slots.alloc()
  r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, kick)
  if (r >= 0) r = yield* irqAttach(sys, kick, UvmmIrq.Kick, thread)
  if (r < 0) return `cannot create vCPU ${i}'s wake-up Irq (L4 error ${r})`
  vm.gic.mapHw(i, 27, 27)
  vm.gic.mapHw(i, 30, 30)
  return { index: i, thread, kick, state, regs, ext, power: 'off', start: null, maps: [], kickDue: false, sleeping: false }
}
