import { describe, expect, it } from 'vitest'
import { EM_AARCH64, EM_X86_64, parseElf } from './elf'
import { elf } from '../testing/elf-image'

const reason = (b: Uint8Array): string => {
  const r = parseElf(b)
  return r.ok ? 'ok' : r.reason
}

describe('ELF sizes (issue 11, item 14)', () => {
  it('reads p_memsz past 4 GiB exactly (whether it fits is the loader’s question)', () => {
    for (const memsz of [4 * 2 ** 30 + 100 * 2 ** 20, 8 * 2 ** 30]) {
      const r = parseElf(elf({ memsz }))
      expect(r.ok && r.image.segments[0].memsz).toBe(memsz)
    }
  })
})

describe('ELF parser reasons (issue 11, item 11)', () => {
  it('parses a well-formed static executable and a dynamic one (PT_INTERP)', () => {
    const r = parseElf(elf())
    expect(r.ok && r.image).toMatchObject({ type: 'exec', machine: EM_AARCH64, entry: 0x401000, interp: null, segments: [{ vaddr: 0x401000, filesz: 8 }] })
    const d = parseElf(elf({ interp: '/lib/ld-linux-aarch64.so.1', machine: EM_X86_64 }))
    expect(d.ok && d.image).toMatchObject({ machine: EM_X86_64, interp: '/lib/ld-linux-aarch64.so.1' })
  })

  it('says what is wrong with a file that is no 64-bit little-endian executable', () => {
    expect(reason(new TextEncoder().encode('echo hi\n'))).toBe('not an ELF file')
    expect(reason(new Uint8Array(0))).toBe('not an ELF file')
    expect(reason(elf({ cls: 1 }))).toBe('a 32-bit ELF file (64-bit programs only)')
    expect(reason(elf({ cls: 7 }))).toBe('not a 64-bit ELF file (class 7)')
    expect(reason(elf({ data: 2 }))).toBe('a big-endian ELF file (little-endian programs only)')
    expect(reason(elf({ type: 1 }))).toBe('not an executable (ELF type ET_REL, an object file)')
    expect(reason(elf({ type: 4 }))).toBe('not an executable (ELF type ET_CORE, a core dump)')
  })

  it('says a file is truncated, and where it should have gone on', () => {
    const whole = elf({ interp: '/lib/ld.so' })
    expect(reason(whole.subarray(0, 40))).toBe('truncated ELF file (40 bytes, shorter than the 64-byte ELF header)')
    expect(reason(whole.subarray(0, 100))).toBe('truncated ELF file (100 bytes; its program headers end at byte 176)')
    expect(reason(whole.subarray(0, 180))).toBe('truncated ELF file (180 bytes; its PT_INTERP ends at byte 187)')
    expect(reason(elf().subarray(0, 0x1004))).toBe('truncated ELF file (4100 bytes; a PT_LOAD segment ends at byte 4104)')
  })
})
