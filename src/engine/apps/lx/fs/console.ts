/**
 * The console's way out and in: lx's log capability, a Vcon (a cons
 * client, or a kernel Vcon of the board). What the console tty writes is
 * gathered and sent once per upcall, so that a burst of small writes is one
 * IPC; input arrives with the Vcon's IRQ and is read into the tty, along
 * with the terminal's size.
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

  /** Reads the console's input (after its IRQ) into the tty. */
  *drain(): Generator<unknown, void, number> {
    if (!this.inputPending) return
    this.inputPending = false
    const sys = this.lx.sys
    const files = this.lx.files
    for (;;) {
      const got = yield* vconRead(sys, BaseCap.Log, 496)
      if (typeof got === 'number' || got.length === 0) break
      files.consoleInput(got)
    }
    // The IRQ also says the terminal may have a new size.
    const attr = yield* vconGetAttr(sys, BaseCap.Log)
    if (typeof attr !== 'number') files.consoleSize(attr.cols, attr.rows)
  }
}
