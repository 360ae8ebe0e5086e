/**
 * How far a scenario board's boot has got, phase by phase: the kernel, each
 * program of the base system (sigma0, moe, cons) and ned, then each VM ned
 * starts. The lab shows it as progress while the board boots.
 *
 * A base program is *active* once its thread has made a system call and
 * *done* once it first waits for requests (an open wait: it serves). ned
 * is done when the script has run to its end (failed when it stopped with
 * an error). A VM is active when ned has started it (its console appeared)
 * and done when its guest first writes to that console: it is alive.
 *
 * The base programs are looked at only until the script has run; VMs it
 * started are followed until each is done (a Linux VM boots long after
 * ned's script ended). VMs started later (restarts) are not a boot.
 */
import { TState, type Thread } from '../kernel/objects/thread'
import type { BootPhase } from './session'

export class BootProgress {
  private readonly phases: BootPhase[] = [{ name: 'kernel', kind: 'kernel', state: 'done', atMs: 0 }]
  private readonly programs: { phase: BootPhase; thread: Thread; serves: boolean }[] = []
  private changed = true
  private settled = false
  /** VM phases still active: vmOutput looks only while there are some. */
  private booting = 0

  /** `programs`: the base system in the order it starts; `serves` false for one that is done when the script is (ned). */
  constructor(programs: readonly { name: string; thread: Thread; serves: boolean }[]) {
    for (const p of programs) {
      const phase: BootPhase = { name: p.name, kind: 'program', state: 'pending', atMs: 0 }
      this.phases.push(phase)
      this.programs.push({ phase, thread: p.thread, serves: p.serves })
    }
  }

  /** Looks at the base programs' threads (after the kernel ran; cheap: a few fields of a few threads). */
  look(nowNs: number): void {
    if (this.settled) return
    for (const p of this.programs) {
      const { phase, thread } = p
      if (phase.state === 'pending' && (thread.stats.syscalls > 0 || thread.state === TState.Dead)) this.set(phase, 'active', nowNs)
      if (phase.state === 'active' && p.serves && thread.state === TState.RecvWait && thread.partner === null) this.set(phase, 'done', nowNs)
    }
  }

  /** ned started a VM (its console appeared). */
  vmStarted(name: string, nowNs: number): void {
    if (this.settled || this.phases.some((p) => p.kind === 'vm' && p.name === name)) return
    this.phases.push({ name, kind: 'vm', state: 'active', atMs: nowNs / 1e6 })
    this.booting++
    this.changed = true
  }

  /** A VM's guest wrote to its console (VMs the script started may come up after it ended: they are still looked for). */
  vmOutput(name: string, nowNs: number): void {
    if (this.booting === 0) return
    // On the console-output path while a VM boots (one that never writes keeps it here): a loop, no closure.
    for (const phase of this.phases) {
      if (phase.kind !== 'vm' || phase.name !== name || phase.state !== 'active') continue
      this.set(phase, 'done', nowNs)
      this.booting--
    }
  }

  /** The script ran to its end (ok) or stopped with an error: ned's phase says so, and the boot is over. */
  settle(ok: boolean, nowNs: number): void {
    if (this.settled) return
    this.look(nowNs)
    for (const p of this.programs) if (!p.serves) this.set(p.phase, ok ? 'done' : 'failed', nowNs)
    this.settled = true
  }

  /** The phases, when they changed since the last call (a copy the caller may keep); null otherwise. */
  takeChanges(): BootPhase[] | null {
    if (!this.changed) return null
    this.changed = false
    return this.phases.map((p) => ({ ...p }))
  }

  private set(phase: BootPhase, state: BootPhase['state'], nowNs: number): void {
    if (phase.state === state) return
    phase.state = state
    phase.atMs = nowNs / 1e6
    this.changed = true
  }
}
