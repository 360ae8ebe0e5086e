/**
 * A VM's console input queue: what a client typed or pasted that the VM's
 * terminal (its Vcon, 64 KiB) has no room for yet. The session hands it on
 * as the guest reads, so a paste larger than the terminal's buffer arrives
 * whole (back-pressure). The queue holds at most CONSOLE_INPUT_LIMIT bytes;
 * input that does not fit is refused whole, and the session reports it
 * (the lab shows "[l4lab: …]" on the terminal), never cut silently. The
 * engine host bounds what is on its way to a board by the same limit.
 */

/** Bytes of console input a VM may have waiting, at each hop (host → worker, session → terminal). */
export const CONSOLE_INPUT_LIMIT = 1024 * 1024

export class InputQueue {
  private chunks: Uint8Array[] = []
  /** Bytes of chunks[0] already handed on. */
  private offset = 0
  length = 0

  /** Queues all of `data`, or none of it when it does not fit (false). */
  push(data: Uint8Array): boolean {
    if (this.length + data.length > CONSOLE_INPUT_LIMIT) return false
    if (data.length === 0) return true
    this.chunks.push(data.slice())
    this.length += data.length
    return true
  }

  /** Hands queued bytes in order to `take`, which returns how many it took, until it takes less than offered. */
  drain(take: (data: Uint8Array) => number): void {
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0].subarray(this.offset)
      const n = take(chunk)
      this.length -= n
      if (n < chunk.length) {
        this.offset += n
        return
      }
      this.chunks.shift()
      this.offset = 0
    }
  }
}
