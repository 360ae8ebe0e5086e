/**
 * Interrupt lines: the wires between devices and an interrupt controller.
 *
 * A device holds an `IrqLine` and drives it; whoever receives interrupts
 * (a GIC model, or the kernel's ICU for a board without one) attaches one
 * sink to the bank and hears `(line, level)` for every change of level.
 *
 * - Level-sensitive sources (PL011, virtio-mmio's InterruptStatus, a timer
 *   whose condition holds) call `set(true)` while the condition holds and
 *   `set(false)` when it clears. Setting the level a line already has is no
 *   change, so the sink hears of it once: a device may re-assert on every
 *   register write without flooding the controller.
 * - Edge sources call `pulse()`: the line rises and falls, and the sink hears
 *   both, as QEMU's qemu_irq_pulse raises and lowers. An edge-triggered
 *   controller input latches the rising edge (GICv2 architecture
 *   specification, GICD_ICFGRn: an edge-triggered interrupt is asserted on
 *   the rising edge of its signal). A line held
 *   high cannot rise again, so `pulse()` on it is only the fall: a device
 *   drives a line one way or the other, not both.
 *
 * The bank keeps each line's level and a count of rising edges (for the
 * inspector's interrupt graphs). Nothing here allocates after construction.
 */

export interface IrqLine {
  set(level: boolean): void
  pulse(): void
}

/** Told of every change of level; `line` is the index in the bank. */
export type IrqSink = (line: number, level: boolean) => void

class Line implements IrqLine {
  constructor(
    private readonly bank: InterruptLines,
    readonly index: number,
  ) {}
  set(level: boolean): void {
    this.bank.set(this.index, level)
  }
  pulse(): void {
    this.bank.pulse(this.index)
  }
}

export class InterruptLines {
  private readonly levels: Uint8Array
  private readonly rises: Float64Array
  private readonly lines: Line[]
  private sink: IrqSink | null = null

  constructor(readonly count: number) {
    this.levels = new Uint8Array(count)
    this.rises = new Float64Array(count)
    this.lines = Array.from({ length: count }, (_, i) => new Line(this, i))
  }

  /** The line a device drives, or null when `n` is not in the bank (a board table naming a line that does not exist). */
  line(n: number): IrqLine | null {
    return Number.isInteger(n) && n >= 0 && n < this.count ? this.lines[n] : null
  }

  /**
   * Attaches the receiver (null detaches). A receiver attached late hears at
   * once of every line already high, as a controller wired to an asserted
   * line sees it asserted.
   */
  attach(sink: IrqSink | null): void {
    this.sink = sink
    if (sink === null) return
    for (let i = 0; i < this.count; i++) if (this.levels[i]) sink(i, true)
  }

  set(n: number, level: boolean): void {
    const v = level ? 1 : 0
    // `n >>> 0 !== n` turns away fractions, negatives and NaN in one comparison.
    if (n >>> 0 !== n || n >= this.count || this.levels[n] === v) return
    this.levels[n] = v
    if (level) this.rises[n]++
    if (this.sink !== null) this.sink(n, level)
  }

  pulse(n: number): void {
    this.set(n, true)
    this.set(n, false)
  }

  level(n: number): boolean {
    return this.levels[n] === 1
  }

  /** How many times line `n` has risen. */
  risings(n: number): number {
    return this.rises[n] ?? 0
  }
}
