/**
 * The console's way out and in: lx's log capability, a Vcon (a cons
 * client, or a kernel Vcon of the board). What the console tty writes is
 * gathered and sent once per upcall, so that a burst of small writes is one
 * IPC; input arrives with the Vcon's IRQ and is read into the tty as far
 * as it has room (flow control), along with the terminal's size.
 */
import { BaseCap } from '../../../kernel/uapi'
import { vconGetAttr, vconRead, vconWrite } from '../../../l4/l4sys'
import type { Lx } from '../lx'

export class LogConsole {
  /** Output waiting to be written (flushed once per upcall). */
  private out: Uint8Array[] = []
  /** The Vcon's IRQ came: there is input to read. */
  inputPending = false
  /** The Irq the Vcon triggers on input. */
  irq = 0

  constructor(private readonly lx: Lx) {}

  get hasOutput(): boolean {
    return this.out.length > 0
  }

  write(data: Uint8Array): void {
    if (data.length > 0) this.out.push(data.slice())
  }

  /** Sends what was written since the last flush, in one write. */
  *flush(): Generator<unknown, void, number> {
    if (this.out.length === 0) return
    const parts = this.out
    this.out = []
    let n = 0
    for (const p of parts) n += p.length
    const all = new Uint8Array(n)
    let o = 0
    for (const p of parts) {
      all.set(p, o)
      o += p.length
    }
    yield* vconWrite(this.lx.sys, BaseCap.Log, all)
  }

  /**
   * Reads the console's input (after its IRQ) into the tty, as much as the
   * tty has room for; the rest stays in the terminal, and input stays
   * pending until a reader makes room (the run loop drains again).
   */
  *drain(): Generator<unknown, void, number> {
    if (!this.inputPending) return
    const sys = this.lx.sys
    const files = this.lx.files
    for (;;) {
      const room = files.consoleRoom()
      if (room === 0) return
      const got = yield* vconRead(sys, BaseCap.Log, Math.min(496, room))
      if (typeof got === 'number' || got.length === 0) break
      files.consoleInput(got)
    }
    this.inputPending = false
    // The IRQ also says the terminal may have a new size.
    const attr = yield* vconGetAttr(sys, BaseCap.Log)
    if (typeof attr !== 'number') files.consoleSize(attr.cols, attr.rows)
  }
}
