/**
 * Loading static ELF executables (ET_EXEC and static-PIE ET_DYN) into a
 * process: what lx accepts (formats/elf.ts parses; the machine is the
 * architecture's), PT_LOAD segments as VMAs, and the initial stack Linux
 * builds for a new program (argc, argv, envp, auxv, AT_RANDOM bytes, the
 * strings). Files lx cannot run are ENOEXEC with a reason, never an
 * exception.
 */
import { PAGE_SIZE } from '../../../kernel/uapi'
import { machineName, parseElf, type ElfImage } from '../../../formats/elf'
import type { FileBacking, Mm } from '../mm/mm'
import type { AddressLayout, LxArch } from '../arch/arch'
import { AuxT, Errno, MapF, Prot } from '../uapi'

/**
 * The image an lx process may run, or why not (ENOEXEC with the reason lx
 * logs): a static executable of the architecture, ET_EXEC or static-PIE.
 */
export function acceptElf(bytes: Uint8Array, arch: LxArch): { ok: true; image: ElfImage } | { ok: false; errno: number; reason: string } {
  const parsed = parseElf(bytes, PAGE_SIZE)
  if (!parsed.ok) return { ok: false, errno: -Errno.ENOEXEC, reason: parsed.reason }
  const img = parsed.image
  if (img.machine !== arch.elfMachine) return { ok: false, errno: -Errno.ENOEXEC, reason: `not an ${arch.name} program (${machineName(img.machine)})` }
  if (img.interp !== null) return { ok: false, errno: -Errno.ENOEXEC, reason: 'dynamically linked programs are not supported (static executables only)' }
  return parsed
}

/** The load bias of an image: 0 for ET_EXEC, the architecture's ELF_ET_DYN_BASE for static-PIE. */
export function loadBias(img: ElfImage, layout: AddressLayout): number {
  return img.type === 'dyn' ? layout.etDynBase : 0
}

/** Creates the VMAs of an image in `mm`; returns the end of the highest segment (the start of brk). */
export function mapImage(mm: Mm, img: ElfImage, file: Uint8Array, name: string, layout: AddressLayout): number {
  const bias = loadBias(img, layout)
  let top = 0
  for (const s of img.segments) {
    const prot = (s.flags & 4 ? Prot.Read : 0) | (s.flags & 2 ? Prot.Write : 0) | (s.flags & 1 ? Prot.Exec : 0)
    const vaddr = s.vaddr + bias
    const start = Math.floor(vaddr / PAGE_SIZE) * PAGE_SIZE
    const fileEnd = vaddr + s.filesz
    const memEnd = vaddr + s.memsz
    const fileStart = s.offset - (vaddr - start)
    // File bytes of this segment only: what lies past p_filesz in the last page is zero (bss).
    const segFileEnd = s.offset + s.filesz
    const backing: FileBacking = {
      name,
      writable: false,
      pread(dst: Uint8Array, off: number): number {
        if (off >= segFileEnd) return 0
        const n = Math.min(dst.length, segFileEnd - off)
        dst.set(file.subarray(off, off + n))
        return n
      },
    }
    const fileVmaEnd = Math.ceil(fileEnd / PAGE_SIZE) * PAGE_SIZE
    if (s.filesz > 0) mm.insert({ start, end: fileVmaEnd, prot, flags: MapF.Private, file: backing, offset: fileStart, name })
    const anonStart = s.filesz > 0 ? fileVmaEnd : start
    const anonEnd = Math.ceil(memEnd / PAGE_SIZE) * PAGE_SIZE
    if (anonEnd > anonStart) mm.insert({ start: anonStart, end: anonEnd, prot, flags: MapF.Private | MapF.Anonymous, file: null, offset: 0, name: '' })
    top = Math.max(top, anonEnd, fileVmaEnd)
  }
  return top
}

/** What the stack VMA has beyond exec's strings and vectors at the start (setup_arg_pages' stack_expand). */
const STACK_EXPAND = 128 * 1024

export interface StackSpec {
  argv: string[]
  envp: string[]
  execfn: string
  random: Uint8Array
  uid: number
  gid: number
}

/**
 * Builds the initial stack below the architecture's STACK_TOP and returns
 * the stack pointer: from the top, the execfn, environment and argument
 * strings, the 16 AT_RANDOM bytes and the platform ("aarch64"), then
 * (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv pairs ending
 * with AT_NULL.
 */
export function buildStack(mm: Mm, img: ElfImage, s: StackSpec, arch: LxArch): number | null {
  const enc = new TextEncoder()
  const cstr = (str: string) => {
    const b = enc.encode(str)
    const z = new Uint8Array(b.length + 1)
    z.set(b)
    return z
  }
  const bias = loadBias(img, arch.layout)
  const top = arch.layout.stackTop
  const auxv = (random: number, platform: number, execfn: number): [number, number][] => [
    [AuxT.Phdr, img.phdrVaddr + bias],
    [AuxT.Phent, 56],
    [AuxT.Phnum, img.phnum],
    [AuxT.Pagesz, PAGE_SIZE],
    [AuxT.Base, 0],
    [AuxT.Flags, 0],
    [AuxT.Entry, img.entry + bias],
    [AuxT.Uid, s.uid],
    [AuxT.Euid, s.uid],
    [AuxT.Gid, s.gid],
    [AuxT.Egid, s.gid],
    [AuxT.Hwcap, arch.hwcap],
    [AuxT.Hwcap2, 0],
    [AuxT.Clktck, 100],
    [AuxT.Secure, 0],
    [AuxT.Random, random],
    [AuxT.Platform, platform],
    [AuxT.Execfn, execfn],
    [AuxT.Null, 0],
  ]
  const execfnBytes = cstr(s.execfn)
  const envBytes = s.envp.map(cstr)
  const argBytes = s.argv.map(cstr)
  const platformBytes = cstr(arch.name)
  // As setup_arg_pages: the VMA holds what exec puts there and STACK_EXPAND more; it grows on from there.
  // The gap below the top, AT_RANDOM's bytes and two 16-byte alignments, besides the strings and the vectors.
  let need = 16 + 16 + 2 * 16 + execfnBytes.length + platformBytes.length
  for (const b of [...envBytes, ...argBytes]) need += b.length
  need += (3 + s.argv.length + s.envp.length + 2 * auxv(0, 0, 0).length) * 8
  const size = Math.ceil(need / PAGE_SIZE) * PAGE_SIZE + STACK_EXPAND
  mm.insert({ start: top - size, end: top, prot: Prot.Read | Prot.Write, flags: MapF.Private | MapF.Anonymous | MapF.GrowsDown, file: null, offset: 0, name: '[stack]' })
  let sp = top - 16
  const put = (bytes: Uint8Array): number | null => {
    sp -= bytes.length
    return mm.write(sp, bytes) ? sp : null
  }
  const execfn = put(execfnBytes)
  // As Linux copies them: the last string first, so that argv[0] ends up lowest.
  const envAddrs = [...envBytes].reverse().map(put).reverse()
  const argAddrs = [...argBytes].reverse().map(put).reverse()
  const platform = put(platformBytes)
  sp = Math.floor(sp / 16) * 16
  const random = put(s.random.subarray(0, 16))
  if (execfn === null || platform === null || random === null || envAddrs.includes(null) || argAddrs.includes(null)) return null
  const words = [s.argv.length, ...(argAddrs as number[]), 0, ...(envAddrs as number[]), 0, ...auxv(random, platform, execfn).flat()]
  sp -= words.length * 8
  sp = Math.floor(sp / 16) * 16
  const buf = new Uint8Array(words.length * 8)
  const dv = new DataView(buf.buffer)
  words.forEach((w, i) => {
    dv.setUint32(i * 8, w % 4294967296, true)
    dv.setUint32(i * 8 + 4, Math.floor(w / 4294967296), true)
  })
  return mm.write(sp, buf) ? sp : null
}
