/**
 * Console input on its way from the engine host to one VM of a board, with
 * back-pressure: at most CONSOLE_INPUT_LIMIT bytes are sent and not yet
 * taken by the board (its worker answers `inputTaken` for each delivery);
 * input past that waits, in order, up to the same limit again, and the call
 * that brought it is answered when it is sent (so the lab server reads no
 * more of that client meanwhile). Past both, or while the board does not
 * respond, input is refused with a message the terminal shows. A board
 * that answers takes its input at once (its session queues it or refuses
 * it), so only a busy or stuck worker makes input wait.
 */
import { CONSOLE_INPUT_LIMIT } from '../engine'

interface Waiting {
  bytes: Uint8Array
  resolve: () => void
  reject: (e: Error) => void
}

export class InputFlow {
  private inFlight = 0
  private waiting: Waiting[] = []
  private waitingBytes = 0

  constructor(
    private readonly vm: string,
    private readonly send: (bytes: Uint8Array) => void,
  ) {}

  /** Sends `bytes` now, or once the board has taken what went before; refuses when there is no room to wait either. */
  offer(bytes: Uint8Array, responding: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight + bytes.length <= CONSOLE_INPUT_LIMIT) {
      this.send(bytes)
      this.inFlight += bytes.length
      return Promise.resolve()
    }
    if (!responding || this.waitingBytes + bytes.length > CONSOLE_INPUT_LIMIT) {
      const held = Math.ceil((this.inFlight + this.waitingBytes) / 1024)
      return Promise.reject(new Error(`input not sent: ${this.vm} has ${held} KiB of input on its way that its board has not taken (it is busy or not responding)`))
    }
    this.waitingBytes += bytes.length
    return new Promise((resolve, reject) => this.waiting.push({ bytes, resolve, reject }))
  }

  /** The board took `n` bytes: what waits goes out, as far as there is room. */
  taken(n: number): void {
    this.inFlight = Math.max(0, this.inFlight - n)
    while (this.waiting.length > 0 && this.inFlight + this.waiting[0].bytes.length <= CONSOLE_INPUT_LIMIT) {
      const w = this.waiting.shift()!
      this.waitingBytes -= w.bytes.length
      try {
        this.send(w.bytes)
      } catch (e) {
        w.reject(e instanceof Error ? e : new Error(String(e)))
        continue
      }
      this.inFlight += w.bytes.length
      w.resolve()
    }
  }

  /** The board went away or stopped answering: what waits is refused with `why`. */
  fail(why: string): void {
    for (const w of this.waiting) w.reject(new Error(`input not sent: ${why}`))
    this.waiting = []
    this.waitingBytes = 0
  }
}
