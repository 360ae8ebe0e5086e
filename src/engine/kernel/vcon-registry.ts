/**
 * The kernel's terminals: every Vcon that exists (created by a factory for
 * a µApp, or by the board for its own logs), and the observers a board
 * attaches to show them (each is a console of the lab). A Vcon is a kernel
 * object; this registry is how the host side finds and hears them without
 * walking all objects.
 */
import type { Vcon } from './objects/vcon'

export interface VconObserver {
  /** A terminal wrote bytes. */
  output?(vcon: Vcon, bytes: Uint8Array): void
  /** A terminal appeared or went away. */
  changed?(): void
}

export class VconRegistry {
  private readonly all = new Set<Vcon>()
  observer: VconObserver = {}

  values(): IterableIterator<Vcon> {
    return this.all.values()
  }

  get size(): number {
    return this.all.size
  }

  created(v: Vcon): void {
    this.all.add(v)
    this.observer.changed?.()
  }

  destroyed(v: Vcon): void {
    this.all.delete(v)
    this.observer.changed?.()
  }

  output(v: Vcon, bytes: Uint8Array): void {
    this.observer.output?.(v, bytes)
  }
}
