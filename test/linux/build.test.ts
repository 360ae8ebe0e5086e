// The build of the Linux guest material (scripts/guests/build-linux-guest.mjs):
// the module load order, the initramfs's contents, and reproducibility.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { parseCpio } from '../../src/engine/formats/cpio'
import { DISK_FIRST_LINE, OUTPUT_FILES, loadOrder, missingCache, parseDepends } from '../../scripts/guests/build-linux-guest.mjs'
import { buildGuest, readManifest } from './guest'

// modules/depends as fetch-debian.sh writes it for Debian's 6.1 cloud kernel.
const DEBIAN_6_1 = `virtio_mmio: virtio virtio_ring
virtio_blk: virtio virtio_ring
virtio_console: virtio virtio_ring
virtio_rng: virtio virtio_ring
virtio: virtio_ring
virtio_ring: 
`

test('modules/depends parses into each module\'s direct dependencies', () => {
  const deps = parseDepends(DEBIAN_6_1)
  expect(deps.get('virtio_blk')).toEqual(['virtio', 'virtio_ring'])
  expect(deps.get('virtio_ring')).toEqual([])
  expect(deps.size).toBe(6)
})

test('every module loads after what it depends on, otherwise in the order asked for', () => {
  const deps = parseDepends(DEBIAN_6_1)
  expect(loadOrder(deps, ['virtio_mmio', 'virtio_blk', 'virtio_console', 'virtio_rng']))
    .toEqual(['virtio_ring', 'virtio', 'virtio_mmio', 'virtio_blk', 'virtio_console', 'virtio_rng'])
  expect(loadOrder(deps, ['virtio_rng', 'virtio_ring'])).toEqual(['virtio_ring', 'virtio', 'virtio_rng'])
})

test('a missing dependency and a cycle are reported by name', () => {
  expect(() => loadOrder(parseDepends('a: b\n'), ['a'])).toThrow('module b (needed by a) is not in modules/depends')
  expect(() => loadOrder(parseDepends('a: b\nb: c\nc: a\n'), ['a'])).toThrow('module dependency cycle through a')
})

const missing = missingCache()
describe.skipIf(missing !== undefined)(`the built material${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'l4lab-linux-a-')), mkdtempSync(join(tmpdir(), 'l4lab-linux-b-'))]
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  test('two builds are byte-identical', () => {
    for (const d of dirs) buildGuest(['--force', '--out', d])
    for (const f of OUTPUT_FILES) expect(readFileSync(join(dirs[1], f)).equals(readFileSync(join(dirs[0], f))), f).toBe(true)
    // Two builds in the same second would agree on a timestamp anyway: the
    // gzip header's MTIME (RFC 1952, 2.3) must be zero.
    expect([...readFileSync(join(dirs[0], 'initramfs.cpio.gz')).subarray(4, 8)]).toEqual([0, 0, 0, 0])
  })

  test('the initramfs holds busybox, /init, the console node and the modules in load order', () => {
    const m = readManifest(dirs[0])
    const parsed = parseCpio(gunzipSync(readFileSync(join(dirs[0], m.initramfs))))
    if (!parsed.ok) throw new Error(parsed.error)
    const byName = new Map(parsed.entries.map((e) => [e.name, e]))
    const text = (name: string) => Buffer.from(byName.get(name)!.data).toString()
    expect(byName.get('init')!.mode).toBe(0o100755)
    expect(text('init')).toBe(readFileSync(join(import.meta.dirname, '../../guests/linux-arm64/init'), 'utf8'))
    expect(byName.get('bin/busybox')!.mode).toBe(0o100755)
    expect([byName.get('bin/sh')!.mode, text('bin/sh')]).toEqual([0o120777, 'busybox'])
    const console = byName.get('dev/console')!
    expect([console.mode, console.rdevMajor, console.rdevMinor]).toEqual([0o020600, 5, 1])
    const modDir = `lib/modules/${m.release}`
    expect(text(`${modDir}/load-order`)).toBe(m.modules.join('\n') + '\n')
    for (const mod of m.modules) expect(byName.has(`${modDir}/${mod}.ko`), mod).toBe(true)
    expect(m.modules.slice(0, 2)).toEqual(['virtio_ring', 'virtio'])
    // Parents before children, so the kernel's unpacker never meets a file
    // whose directory does not exist yet.
    const names = parsed.entries.map((e) => e.name)
    for (const [i, name] of names.entries()) {
      const parent = name.slice(0, name.lastIndexOf('/'))
      if (parent) expect(names.indexOf(parent), name).toBeLessThan(i)
    }
    expect(parsed.entries.every((e) => e.mtime === 0 && e.uid === 0 && e.gid === 0)).toBe(true)
  })

  test('the disk is 1 MiB whose first line is the known text', () => {
    const m = readManifest(dirs[0])
    const disk = readFileSync(join(dirs[0], m.disk))
    expect(disk.length).toBe(m.diskSectors * 512)
    expect(m.diskSectors).toBe(2048)
    expect(disk.subarray(0, disk.indexOf(10)).toString()).toBe(DISK_FIRST_LINE)
    expect(m.diskFirstLine).toBe(DISK_FIRST_LINE)
  })
})
