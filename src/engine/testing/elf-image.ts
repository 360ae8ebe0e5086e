/**
 * Test double: small ELF64 files built byte by byte, well-formed or with
 * one field changed, for the parser's and the loader's error paths.
 */
import { EM_AARCH64 } from '../formats/elf'

const PT_LOAD = 1
const PT_INTERP = 3

export interface Header {
  cls?: number
  data?: number
  type?: number
  machine?: number
  interp?: string
  /** The PT_LOAD segment's p_memsz (a writable segment with bss past its 8 file bytes). */
  memsz?: number
}

/** A minimal ELF64 executable: the header, its program headers, then one page-aligned PT_LOAD of 8 bytes. */
export function elf(h: Header = {}): Uint8Array {
  const phnum = h.interp ? 2 : 1
  const interpAt = 64 + phnum * 56
  const b = new Uint8Array(0x1008)
  const dv = new DataView(b.buffer)
  b.set([0x7f, 0x45, 0x4c, 0x46, h.cls ?? 2, h.data ?? 1, 1])
  dv.setUint16(16, h.type ?? 2, true)
  dv.setUint16(18, h.machine ?? EM_AARCH64, true)
  dv.setUint32(24, 0x401000, true) // e_entry
  dv.setUint32(32, 64, true) // e_phoff
  dv.setUint16(52, 64, true)
  dv.setUint16(54, 56, true)
  dv.setUint16(56, phnum, true)
  const ph = (i: number, type: number, offset: number, vaddr: number, size: number, memsz = size) => {
    const o = 64 + i * 56
    dv.setUint32(o, type, true)
    dv.setUint32(o + 4, memsz > size ? 6 : 5, true) // RW with bss, else RX
    dv.setUint32(o + 8, offset, true)
    dv.setUint32(o + 16, vaddr, true)
    dv.setUint32(o + 32, size, true)
    dv.setBigUint64(o + 40, BigInt(memsz), true)
  }
  // PT_INTERP comes before any PT_LOAD (gABI).
  ph(phnum - 1, PT_LOAD, 0x1000, 0x401000, 8, h.memsz)
  if (h.interp) {
    ph(0, PT_INTERP, interpAt, 0, h.interp.length + 1)
    b.set(new TextEncoder().encode(h.interp), interpAt)
  }
  return b
}
