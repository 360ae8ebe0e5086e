/**
 * The VM's console: our log capability (a cons client, the VM's terminal in
 * the lab). What the guest writes to its serial port or hvc0 is gathered
 * and sent in batches (one IPC per batch, not per character: Linux writes
 * its console a character per MMIO store); input arrives with the log's
 * IRQ and is read into whichever device the guest's console is.
 */
import { BaseCap, type Sys } from '../../kernel/uapi'
import { vconRead, vconWrite } from '../../l4/l4sys'

/** Output is sent once this much is waiting, or when the VM waits or exits. */
const FLUSH_AT = 4096
/** Output held back at most this long (virtual ns) while the guest runs without waiting. */
const FLUSH_NS = 2_000_000

/** Input read from the terminal and not yet taken by the guest's device (its FIFO is small). */
const HOLD_MAX = 4096

export class UvmmConsole {
  private readonly out: Uint8Array[] = []
  private outBytes = 0
  private oldestNs = 0
  private readonly held: Uint8Array[] = []
  private heldBytes = 0
  /** The log's IRQ came: there is input to read. */
  inputPending = false
  /** Bytes written by the guest, and read from the terminal. */
  bytesOut = 0
  bytesIn = 0

  constructor(
    private readonly now: () => number,
    /** Offers input to the guest's console device; returns how many bytes it took. */
    private readonly deliver: (bytes: Uint8Array) => number,
  ) {}

  write(bytes: Uint8Array): void {
    if (this.outBytes === 0) this.oldestNs = this.now()
    this.out.push(bytes)
    this.outBytes += bytes.length
    this.bytesOut += bytes.length
  }

  writeByte(b: number): void {
    this.write(Uint8Array.of(b))
  }

  /** Whether a flush is due (much waiting, or waiting long). */
  get flushDue(): boolean {
    return this.outBytes >= FLUSH_AT || (this.outBytes > 0 && this.now() - this.oldestNs >= FLUSH_NS)
  }

  get hasOutput(): boolean {
    return this.outBytes > 0
  }

  *flush(sys: Sys): Generator<unknown, void, number> {
    if (this.outBytes === 0) return
    const all = new Uint8Array(this.outBytes)
    let at = 0
    for (const b of this.out) {
      all.set(b, at)
      at += b.length
    }
    this.out.length = 0
    this.outBytes = 0
    for (let i = 0; i < all.length; i += 4000) yield* vconWrite(sys, BaseCap.Log, all.subarray(i, i + 4000))
  }

  /** Offers held input to the device again (after the guest read some, its FIFO has room). */
  pump(): void {
    while (this.held.length > 0) {
      const b = this.held[0]
      const n = this.deliver(b)
      this.heldBytes -= n
      if (n < b.length) {
        this.held[0] = b.subarray(n)
        return
      }
      this.held.shift()
    }
  }

  /** Reads input the terminal holds, as far as we have room; the rest stays in the terminal. */
  *drain(sys: Sys): Generator<unknown, void, number> {
    this.inputPending = false
    for (;;) {
      const room = HOLD_MAX - this.heldBytes
      if (room <= 0) {
        this.inputPending = true
        return
      }
      const got = yield* vconRead(sys, BaseCap.Log, Math.min(496, room))
      if (typeof got === 'number' || got.length === 0) return
      this.bytesIn += got.length
      this.held.push(got)
      this.heldBytes += got.length
      this.pump()
    }
  }
}
