/**
 * A virtio block device's disk in a host file: synchronous node:fs calls on
 * one descriptor (the engine runs in a worker thread, so blocking there
 * blocks only that board). It lives on the host side because the engine
 * imports no Node modules; the engine sees only the BlockBackend interface.
 *
 * The size is fixed when the file is opened (the device tells the guest its
 * capacity once). An I/O error, or a file that shrank under us, makes the
 * call answer false, which the guest sees as VIRTIO_BLK_S_IOERR; nothing
 * here throws. flush() is fdatasync: VIRTIO_BLK_T_FLUSH promises completed
 * writes are on stable storage.
 */
import * as fs from 'node:fs'
import type { BlockBackend } from '../engine'

export type OpenDisk = { ok: true; disk: FileBackend } | { ok: false; reason: string }

export class FileBackend implements BlockBackend {
  private fd: number | null

  private constructor(
    fd: number,
    readonly size: number,
    readonly path: string,
  ) {
    this.fd = fd
  }

  /** Opens a regular file as a disk; read-write unless `readOnly`. */
  static open(path: string, opts: { readOnly?: boolean } = {}): OpenDisk {
    let fd: number
    try {
      fd = fs.openSync(path, opts.readOnly ? 'r' : 'r+')
    } catch (e) {
      return { ok: false, reason: `${path}: ${describe(e)}` }
    }
    try {
      const st = fs.fstatSync(fd)
      if (!st.isFile()) {
        fs.closeSync(fd)
        return { ok: false, reason: `${path}: not a regular file` }
      }
      return { ok: true, disk: new FileBackend(fd, st.size, path) }
    } catch (e) {
      fs.closeSync(fd)
      return { ok: false, reason: `${path}: ${describe(e)}` }
    }
  }

  read(offset: number, into: Uint8Array): boolean {
    return this.io((fd) => {
      for (let done = 0; done < into.length; ) {
        const n = fs.readSync(fd, into, done, into.length - done, offset + done)
        if (n === 0) return false // The file shrank.
        done += n
      }
      return true
    }, offset, into.length)
  }

  write(offset: number, data: Uint8Array): boolean {
    return this.io((fd) => {
      for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, offset + done)
      return true
    }, offset, data.length)
  }

  flush(): boolean {
    return this.io((fd) => {
      fs.fdatasyncSync(fd)
      return true
    }, 0, 0)
  }

  close(): void {
    if (this.fd === null) return
    fs.closeSync(this.fd)
    this.fd = null
  }

  private io(op: (fd: number) => boolean, offset: number, length: number): boolean {
    if (this.fd === null || !Number.isSafeInteger(offset) || offset < 0 || offset + length > this.size) return false
    try {
      return op(this.fd)
    } catch {
      return false
    }
  }
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  return typeof code === 'string' ? code : String(e)
}
