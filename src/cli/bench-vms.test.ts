import { describe, expect, it } from 'vitest'
import { vmsScenario, wasmResidentBytes } from './bench-vms'

const vma = (range: string, perms: string, rssKb: number) => `${range} ${perms} 00000000 00:00 0 \nSize:  1 kB\nRss:  ${rssKb} kB\nPss:  ${rssKb} kB\n`

describe('wasmResidentBytes', () => {
  it('counts the read-write part of a wasm reservation (guards on both sides, 8 GiB or more), nothing else', () => {
    const smaps = [
      vma('00400000-00b6f000', 'r--p', 5948), // the node binary
      vma('3f45b000-3f71e000', 'rw-p', 2712), // a heap without guards
      vma('7fbf51ff0000-7fbfd1ff0000', '---p', 0),
      vma('7fbfd1ff0000-7fc004ff0000', 'rw-p', 1024), // the wasm memory in use
      vma('7fc004ff0000-7fc1d1ff0000', '---p', 0),
      vma('7fc1d403f000-7fc1f3e40000', '---p', 0),
      vma('7fc1f3e40000-7fc1f3f00000', 'rw-p', 300), // guarded, but 0.5 GiB in all: not wasm
      vma('7fc1f3f00000-7fc1f3fd2000', '---p', 0),
    ].join('')
    expect(wasmResidentBytes(smaps)).toBe(1024 * 1024)
    expect(wasmResidentBytes(null)).toBeNull()
  })
})

describe('vmsScenario', () => {
  it('starts N lx VMs named vm1..vmN on the chosen root, busybox as an interactive shell', () => {
    expect(vmsScenario(8, false)).toMatch(/for i = 1, 8 do[\s\S]*"rom\/lx --initrd rom\/rootfs\.cpio --init \/bin\/sh --mem 64M --hostname vm" \.\. i\)/)
    expect(vmsScenario(2, true)).toMatch(/rom\/busybox-rootfs\.cpio[^\n]*" -- -i"\)/)
  })
})
