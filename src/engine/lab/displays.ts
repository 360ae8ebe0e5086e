/**
 * The lab's side of a VM's display: finds where its pixels are in board RAM
 * and how its input reaches the guest, for a display owner inside the
 * board. Today that is lx (--fb): its framebuffer is frames of lx's memory,
 * which lx's task maps from moe's dataspace, so each frame's RAM page is
 * what lx's memory space maps at the frame's lx address; its input Irq is
 * an Irq object in lx's capability space that the lab raises like a
 * device's line. Frames lx keeps for the framebuffer stay mapped for the
 * VM's life (lx trims only free frames), so the pages are resolved once.
 */
import { DisplayScanner, type Display, type PageWrites, type PixelPages } from '../devices/display'
import type { Kernel } from '../kernel/kernel'
import type { Task } from '../kernel/objects/task'
import { triggerIrq } from '../kernel/objects/irq'
import type { Lx } from '../apps/lx/lx'
import type { UvmmVm } from '../apps/uvmm/vm'
import { GUEST_RAM_VA } from '../apps/uvmm/guest-ram'

/** The display of an lx VM, or a reason it has none (yet). */
export function lxDisplay(kernel: Kernel, task: Task, lx: Lx): Display | string {
  const d = lx.display
  if (!d) return 'the VM has no display (lx --fb)'
  const frames = d.fb.memory.frames
  const offsets = new Int32Array(frames.length)
  for (let i = 0; i < frames.length; i++) {
    const m = task.space.lookup(lx.memory.addr(frames[i]) / 4096)
    if (!m) return `framebuffer page ${i} is not mapped in lx's task`
    offsets[i] = m.frame * 4096
  }
  const irq = task.caps.get(lx.inputIrq)?.object
  d.kick = () => {
    if (irq?.kind === 'irq' && !irq.dead) triggerIrq(kernel, irq)
  }
  // Where the core tracks writes, the scanner compares only the pages stores touched (RAM page = offset / 4096).
  const core = kernel.core
  let writes: PageWrites | undefined
  if (core?.trackWrites && core.takeWrites) {
    const ramPages = offsets.map((o) => o / 4096)
    writes = {
      track: (on) => {
        for (const p of ramPages) core.trackWrites!(p, on)
      },
      collect: (written) => core.takeWrites!(ramPages, written),
    }
  }
  const pixels: PixelPages = { ram: () => kernel.ram.bytes, offsets, ...(writes && { writes }) }
  // Only lx's threads write the framebuffer: its processes run on lx's vCPU thread, fb0's
  // write() in lx. Time they did not run, nothing changed — a display whose VM waits, or is
  // kept from the CPU by busier VMs, costs no comparisons.
  const activity = (): number => {
    let ns = 0
    for (const th of task.threads) ns += th.stats.consumedNs
    return ns
  }
  return { mode: { width: d.fb.mode.width, height: d.fb.mode.height, stride: d.fb.stride }, pixels: () => pixels, input: d.input, activity }
}

/**
 * The display of a Linux VM (uvmm --display) in the mode its PL111 shows
 * now, or why there is none to show. Its pixels are guest RAM from the
 * controller's UPBASE: uvmm maps all of the guest's RAM into its task at
 * GUEST_RAM_VA when it starts and keeps it, so each page's board frame is
 * what uvmm's space maps there; the pages are resolved again only when the
 * guest moves the frame base. While the controller is off, or shows another
 * mode than this display's (the lab then makes a new one), there are no
 * pixels. Input is posted to the VM's virtio keyboard and tablet, and
 * vCPU 0's wake-up Irq tells uvmm to hand it to the guest.
 */
export function uvmmDisplay(kernel: Kernel, task: Task, vm: UvmmVm): Display | string {
  const d = vm.display
  if (!d) return 'the VM has no display (start_vm display = "WxH")'
  const first = d.clcd.scanout()
  if (typeof first === 'string') return first
  const mode = { width: first.width, height: first.height, stride: first.stride }
  const pages = Math.ceil((mode.stride * mode.height) / 4096)
  const offsets = new Int32Array(pages)
  let resolvedBase = -1
  const resolve = (base: number): boolean => {
    if (base % 4096 !== 0 || !vm.ram.contains(base, pages * 4096)) return false
    for (let i = 0; i < pages; i++) {
      const m = task.space.lookup((GUEST_RAM_VA + base - vm.ram.base) / 4096 + i)
      if (!m) return false
      offsets[i] = m.frame * 4096
    }
    resolvedBase = base
    return true
  }
  const pixelPages: PixelPages = { ram: () => kernel.ram.bytes, offsets }
  const pixels = (): PixelPages | null => {
    const s = d.clcd.scanout()
    if (typeof s === 'string' || s.width !== mode.width || s.height !== mode.height) return null
    if (s.base !== resolvedBase && !resolve(s.base)) return null
    return pixelPages
  }
  const kick = vm.vcpuList[0] && task.caps.get(vm.vcpuList[0].kick)?.object
  d.kick = () => {
    if (kick?.kind === 'irq' && !kick.dead) triggerIrq(kernel, kick)
  }
  // Only the guest writes its framebuffer, on uvmm's vCPU threads: no CPU time, no change.
  const activity = (): number => {
    let ns = 0
    for (const th of task.threads) ns += th.stats.consumedNs
    return ns
  }
  return { mode, pixels, input: d.input, activity }
}

/** The task a uvmm runs in: the one whose thread is its first vCPU. */
export function uvmmTask(kernel: Kernel, vm: UvmmVm): Task | null {
  const state = vm.vcpuList[0]?.state
  if (!state) return null
  for (const o of kernel.objects) {
    if (o.kind !== 'task' || o.dead) continue
    for (const th of o.threads) if (th.vcpu === state) return o
  }
  return null
}

/** How long a display is sampled after a viewer last said it watches (viewers renew well before). */
export const WATCH_LEASE_MS = 5000

/**
 * A display as the lab samples it: a scanner made for its mode, and until
 * when someone views it — viewers renew a lease rather than count
 * themselves, so a viewer that vanished (a closed tab) costs nothing after
 * the lease, and nobody viewing means no scans at all.
 */
export class WatchedDisplay {
  readonly scanner: DisplayScanner
  watchedUntil = -Infinity
  private seq = 0
  /** The display's activity at the last scan (NaN: scan next time). */
  private lastActivity = NaN
  /** The pages whose writes are tracked for this viewing, if any: tracking runs only while watched. */
  private tracked: PixelPages | null = null

  constructor(readonly display: Display) {
    this.scanner = new DisplayScanner(display.mode)
  }

  /** Someone views it (at wall time `now`); `full`: they need the whole picture next. */
  watch(now: number, full: boolean): void {
    this.watchedUntil = now + WATCH_LEASE_MS
    if (full) {
      this.scanner.invalidate()
      this.lastActivity = NaN
    }
  }

  /** Nobody views it any more (the lease ran out): the guest's stores are no longer noted. */
  unwatched(): void {
    this.tracked?.writes?.track(false)
    this.tracked = null
  }

  /** What changed since the last frame (the whole display after a full watch), numbered; null when nothing did. */
  frame(): Uint8Array | null {
    const p = this.display.pixels()
    if (!p) return null
    if (p.writes && this.tracked !== p) {
      this.unwatched()
      p.writes.track(true)
      this.tracked = p
    }
    const a = this.display.activity?.()
    if (a !== undefined) {
      if (a === this.lastActivity) return null
      this.lastActivity = a
    }
    const f = this.scanner.scan(p, this.seq + 1)
    if (f) this.seq++
    return f
  }
}

/** The task an lx runs in: the one whose thread is lx's vCPU. */
export function lxTask(kernel: Kernel, lx: Lx): Task | null {
  for (const o of kernel.objects) {
    if (o.kind !== 'task' || o.dead) continue
    for (const th of o.threads) if (th.vcpu === lx.vcpu) return o
  }
  return null
}
