/**
 * Copies between a flat buffer and memory that is mapped page by page (a
 * task's address space, a process's page table): the range is cut at page
 * boundaries and each piece handed to the caller, who finds that page.
 */

/**
 * Calls `piece(address, done, n)` for each run of [addr, addr + length) that
 * lies within one page of `pageSize` bytes, in order: `address` is where the
 * piece starts, `done` how many bytes came before it, `n` its length. Stops
 * at the first piece for which `piece` returns false; returns whether every
 * piece was visited.
 */
export function forEachPiece(addr: number, length: number, pageSize: number, piece: (address: number, done: number, n: number) => boolean): boolean {
  let done = 0
  while (done < length) {
    const a = addr + done
    const n = Math.min(pageSize - (a % pageSize), length - done)
    if (!piece(a, done, n)) return false
    done += n
  }
  return true
}
