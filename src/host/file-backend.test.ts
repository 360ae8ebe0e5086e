import { afterEach, describe, expect, it } from 'vitest'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { FileBackend } from './file-backend'

const dirs: string[] = []
function tempFile(bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'l4lab-disk-'))
  dirs.push(dir)
  const file = path.join(dir, 'disk.img')
  fs.writeFileSync(file, bytes)
  return file
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('FileBackend', () => {
  it('reads and writes a file at offsets and flushes', () => {
    const file = tempFile(Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff))
    const opened = FileBackend.open(file)
    if (!opened.ok) throw new Error(opened.reason)
    const disk = opened.disk
    expect(disk.size).toBe(4096)
    const got = new Uint8Array(4)
    expect(disk.read(510, got)).toBe(true)
    expect([...got]).toEqual([254, 255, 0, 1])
    expect(disk.write(1024, Uint8Array.of(9, 8, 7))).toBe(true)
    expect(disk.flush()).toBe(true)
    disk.close()
    expect([...fs.readFileSync(file).subarray(1024, 1027)]).toEqual([9, 8, 7])
  })

  it('answers out-of-range I/O, I/O on a closed disk and writes to a read-only one with false', () => {
    const file = tempFile(new Uint8Array(1024))
    const opened = FileBackend.open(file, { readOnly: true })
    if (!opened.ok) throw new Error(opened.reason)
    const disk = opened.disk
    expect(disk.read(1020, new Uint8Array(8))).toBe(false)
    expect(disk.read(-1, new Uint8Array(1))).toBe(false)
    expect(disk.write(0, Uint8Array.of(1))).toBe(false) // EBADF: opened read-only
    disk.close()
    expect(disk.read(0, new Uint8Array(1))).toBe(false)
    expect(fs.readFileSync(file)[0]).toBe(0)
  })

  it('a file that shrank reads as an error, not as zeroes', () => {
    const file = tempFile(new Uint8Array(4096))
    const opened = FileBackend.open(file)
    if (!opened.ok) throw new Error(opened.reason)
    fs.truncateSync(file, 1000)
    expect(opened.disk.read(512, new Uint8Array(512))).toBe(false)
    opened.disk.close()
  })

  it('says why it cannot open a disk, in one line', () => {
    expect(FileBackend.open('/nonexistent/disk.img')).toEqual({ ok: false, reason: '/nonexistent/disk.img: ENOENT' })
    const dir = path.dirname(tempFile(new Uint8Array(0)))
    expect(FileBackend.open(dir, { readOnly: true })).toEqual({ ok: false, reason: `${dir}: not a regular file` })
  })
})
