/**
 * Read-ahead for an open host file read sequentially in small pieces (as
 * Linux's mm/readahead.c does for the page cache): busybox and libc read
 * 4 KiB at a time, and each host read is a system call of the host and a
 * trip through the port — a 16 MiB file would take 4,096 of them. When a
 * read() continues exactly where the previous one ended, the next
 * READ_AHEAD bytes are read at once into a buffer kept with the open file,
 * and the reads after it are copied from there.
 *
 * Only files of a read-only mount read ahead: then nothing lx does can
 * change a file behind the buffer. A host process that rewrites bytes
 * already read ahead is seen at the next refill, within READ_AHEAD bytes,
 * like a reader on Linux racing a writer without locks; appends are seen at
 * once (a read past the buffered bytes goes to the host).
 */
/** Bytes read from the host in one go; large enough that a 4 KiB reader costs 1/32 of the host reads. */
export const READ_AHEAD = 128 * 1024

/** Reads `buf.length` bytes at file offset `off` from the host: the count, 0 at the end, or -errno. */
export type HostRead = (off: number, buf: Uint8Array) => number

export class ReadAhead {
  private buf: Uint8Array | null = null
  /** File offset of buf[0] and the valid bytes from there. */
  private start = 0
  private len = 0
  /** Where the last read() ended: a read starting there is sequential. */
  private end = -1

  /** read() at file offset `pos` into `dst`: the count (fewer only at the end of the file), or -errno. */
  read(pos: number, dst: Uint8Array, host: HostRead): number {
    const sequential = pos === this.end
    let got = 0
    while (got < dst.length) {
      const at = pos + got
      const off = at - this.start
      if (off >= 0 && off < this.len) {
        // INVARIANT: buf is non-null whenever len > 0.
        const n = Math.min(dst.length - got, this.len - off)
        dst.set(this.buf!.subarray(off, off + n), got)
        got += n
        continue
      }
      const rest = dst.length - got
      if (!sequential || rest >= READ_AHEAD) {
        // A read of its own (the first, after a seek, or a large one): straight into dst.
        const n = host(at, got === 0 ? dst : dst.subarray(got))
        if (n < 0) return got > 0 ? got : n
        got += n
        break
      }
      this.buf ??= new Uint8Array(READ_AHEAD)
      const n = host(at, this.buf)
      // A failed refill keeps nothing: the buffer may hold part of what the host wrote.
      this.start = at
      this.len = Math.max(n, 0)
      if (n < 0) return got > 0 ? got : n
      if (n === 0) break
    }
    this.end = pos + got
    return got
  }

  /** The open file is closed: its buffer goes with it. */
  release(): void {
    this.buf = null
    this.len = 0
    this.end = -1
  }
}
