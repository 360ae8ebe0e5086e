/**
 * Linux kernel image headers: what a loader must know before it copies a
 * kernel into a VM's memory. Pure parsers: a file that is not what it
 * should be gives `{ ok: false, reason }`, never an exception, and a
 * compressed file says which compression (`compression`) so that the caller
 * can decompress it first instead of failing on garbage.
 *
 * - arm64 `Image` (Documentation/arch/arm64/booting.rst, "Call the kernel
 *   image"): a 64-byte header, little-endian since v3.17.
 * - x86 `bzImage` (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel
 *   Header"): the setup header at 0x1f1; the protected-mode kernel follows
 *   the setup sectors.
 */

export type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'lz4' | 'lzma' | 'lzo'

/**
 * Magic numbers of the formats Linux can be compressed with (boot.rst,
 * payload_offset, lists the short forms; these are the full ones of each
 * format, so that random data is rarely taken for a compressed kernel).
 */
const MAGICS: ReadonlyArray<readonly [Compression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  // Linux uses LZ4's legacy frame (lib/decompress_unlz4.c).
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['lzo', [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]],
  // lzma "alone" files start with the properties byte 0x5d and a little-endian dictionary size.
  ['lzma', [0x5d, 0x00, 0x00]],
]

/** The compression whose magic number starts `b` at `at`, or null. */
export function detectCompression(b: Uint8Array, at = 0): Compression | null {
  for (const [name, magic] of MAGICS) {
    if (at >= 0 && at + magic.length <= b.length && magic.every((m, i) => b[at + i] === m)) return name
  }
  return null
}

export interface Failure {
  ok: false
  reason: string
  /** Set when the file is a compressed kernel: decompress it and parse again. */
  compression?: Compression
}

const le = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)
const ascii = (b: Uint8Array, at: number, s: string): boolean => at >= 0 && at + s.length <= b.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0))

// ---- arm64 Image --------------------------------------------------------------

/** Header layout (booting.rst): code0, code1, text_offset, image_size, flags, res2–4, magic, res5. */
export const enum Arm64Header {
  Code0 = 0,
  Code1 = 4,
  TextOffset = 8,
  ImageSize = 16,
  Flags = 24,
  Magic = 56,
  /** res5: the offset of the PE header of an EFI stub kernel. */
  PeOffset = 60,
  Size = 64,
}

/** "ARM\x64", little-endian. */
export const ARM64_IMAGE_MAGIC = 0x644d5241
/** booting.rst: where image_size is zero (kernels before v3.17), text_offset can be assumed to be 0x80000. */
export const ARM64_LEGACY_TEXT_OFFSET = 0x80000n

export interface Arm64Image {
  /** Place the Image this many bytes above a 2 MiB aligned base. */
  textOffset: bigint
  /** Bytes from the start of the Image the kernel uses, bss included; 0 for kernels before v3.17 (unknown). */
  imageSize: bigint
  /** image_size was 0: a kernel before v3.17, whose text_offset (of unspecified endianness) is taken as 0x80000. */
  legacy: boolean
  /** The raw flags word; bits 4–63 are reserved. */
  flags: bigint
  /** Bit 0: the kernel is big-endian. */
  bigEndian: boolean
  /** Bits 1–2: the kernel's page size, or 0 when unspecified. */
  pageSize: 0 | 4096 | 16384 | 65536
  /**
   * Bit 3, physical placement: true when the 2 MiB aligned base may be
   * anywhere in the 48-bit physical address space; false when it should be
   * as close as possible to the base of DRAM (memory below it is not in the
   * linear map).
   */
  anywhere: boolean
  /** An EFI stub kernel: "MZ" at 0 and a PE header where res5 points. */
  efi: boolean
  /** res5: the offset of the PE header, 0 without an EFI stub. */
  peOffset: number
}

export type Arm64ImageResult = { ok: true; image: Arm64Image } | Failure

export function parseArm64Image(b: Uint8Array): Arm64ImageResult {
  // An EFI zboot kernel (CONFIG_EFI_ZBOOT, drivers/firmware/efi/libstub/zboot-header.S):
  // "MZ", then "zimg", the payload's offset and size, and its compression type as a string at 24.
  if (ascii(b, 0, 'MZ') && ascii(b, 4, 'zimg') && b.length >= 56) {
    const nul = b.subarray(24, 56).indexOf(0)
    const type = new TextDecoder().decode(b.subarray(24, nul < 0 ? 56 : 24 + nul))
    const compression = zbootCompression(type)
    const where = `payload at offset ${le(b).getUint32(8, true)}, ${le(b).getUint32(12, true)} bytes`
    return { ok: false, reason: `EFI zboot image (${type || 'unknown'}-compressed ${where}): extract and decompress the Image first`, ...(compression && { compression }) }
  }
  const compression = detectCompression(b)
  if (compression !== null && !(b.length >= Arm64Header.Size && le(b).getUint32(Arm64Header.Magic, true) === ARM64_IMAGE_MAGIC)) {
    return { ok: false, reason: `${compression}-compressed Image: decompress first`, compression }
  }
  if (b.length < Arm64Header.Size) return { ok: false, reason: `${b.length} bytes: too short for an arm64 Image header (64 bytes)` }
  const dv = le(b)
  const magic = dv.getUint32(Arm64Header.Magic, true)
  if (magic !== ARM64_IMAGE_MAGIC) return { ok: false, reason: `not an arm64 Image: no "ARM\\x64" magic at offset 56 (found 0x${magic.toString(16)})` }
  const imageSize = dv.getBigUint64(Arm64Header.ImageSize, true)
  const flags = dv.getBigUint64(Arm64Header.Flags, true)
  const legacy = imageSize === 0n
  const peOffset = dv.getUint32(Arm64Header.PeOffset, true)
  const pageSizes = [0, 4096, 16384, 65536] as const
  return {
    ok: true,
    image: {
      textOffset: legacy ? ARM64_LEGACY_TEXT_OFFSET : dv.getBigUint64(Arm64Header.TextOffset, true),
      imageSize,
      legacy,
      flags,
      bigEndian: (flags & 1n) !== 0n,
      pageSize: pageSizes[Number((flags >> 1n) & 3n)],
      anywhere: (flags & 8n) !== 0n,
      efi: ascii(b, 0, 'MZ') && peOffset >= Arm64Header.Size && ascii(b, peOffset, 'PE\0\0'),
      peOffset,
    },
  }
}

/** Makefile.zboot's comp-type names: gzip, lz4, lzma, lzo, xzkern, zstd22. */
function zbootCompression(type: string): Compression | null {
  if (type.startsWith('xz')) return 'xz'
  if (type.startsWith('zstd')) return 'zstd'
  return (['gzip', 'lz4', 'lzma', 'lzo', 'bzip2'] as const).find((c) => c === type) ?? null
}

// ---- x86 bzImage ----------------------------------------------------------------

/** Setup header offsets in the file (boot.rst, "The Real-Mode Kernel Header"). */
export const enum SetupHeader {
  SetupSects = 0x1f1,
  RootFlags = 0x1f2,
  Syssize = 0x1f4,
  BootFlag = 0x1fe,
  Jump = 0x200,
  Header = 0x202,
  Version = 0x206,
  KernelVersion = 0x20e,
  TypeOfLoader = 0x210,
  Loadflags = 0x211,
  Code32Start = 0x214,
  InitrdAddrMax = 0x22c,
  KernelAlignment = 0x230,
  RelocatableKernel = 0x234,
  MinAlignment = 0x235,
  Xloadflags = 0x236,
  CmdlineSize = 0x238,
  PayloadOffset = 0x248,
  PayloadLength = 0x24c,
  PrefAddress = 0x258,
  InitSize = 0x260,
  HandoverOffset = 0x264,
  KernelInfoOffset = 0x268,
  /** The end of the 2.15 header. */
  End = 0x26c,
}

export const BOOT_FLAG = 0xaa55
/** "HdrS" */
export const HDRS_MAGIC = 0x53726448

/** loadflags bits (boot.rst, loadflags). */
export const enum LoadFlag {
  LoadedHigh = 1 << 0,
  KaslrFlag = 1 << 1,
  QuietFlag = 1 << 5,
  KeepSegments = 1 << 6,
  CanUseHeap = 1 << 7,
}

/** xloadflags bits (boot.rst, xloadflags; arch/x86/include/uapi/asm/bootparam.h). */
export const enum XLoadFlag {
  Kernel64 = 1 << 0,
  CanBeLoadedAbove4G = 1 << 1,
  EfiHandover32 = 1 << 2,
  EfiHandover64 = 1 << 3,
  EfiKexec = 1 << 4,
  FiveLevel = 1 << 5,
  FiveLevelEnabled = 1 << 6,
}

/**
 * The setup header. Fields a protocol version predates are null, except
 * where boot.rst gives the value older kernels imply (cmdlineSize 255
 * before 2.06, initrdAddrMax 0x37ffffff before 2.03).
 */
export interface BzImage {
  /** The boot protocol version, (major << 8) | minor: 0x020f is 2.15. */
  protocol: number
  /** setup_sects as it counts: 0 in the file means 4. */
  setupSects: number
  /** Where the protected-mode kernel starts in the file: (setup_sects + 1) * 512. */
  kernelOffset: number
  /** Bytes of the file from kernelOffset on. */
  kernelSize: number
  /** syssize (2.04+): the protected-mode code in 16-byte paragraphs. */
  syssize: number | null
  loadflags: number
  /** loadflags bit 0: the protected-mode code loads at 0x100000 (a bzImage), not 0x10000 (a zImage). */
  loadedHigh: boolean
  code32Start: number
  /** The human-readable version string kernel_version points to, or null. */
  kernelVersion: string | null
  initrdAddrMax: number
  kernelAlignment: number | null
  relocatable: boolean | null
  /** min_alignment (2.10+), as a power of two. */
  minAlignment: number | null
  xloadflags: number | null
  cmdlineSize: number
  /** payload_offset (2.08+): from the start of the protected-mode code. */
  payloadOffset: number | null
  payloadLength: number | null
  /** The format of the payload, from its magic number; null when none is recognised (an uncompressed ELF, or no payload). */
  payloadCompression: Compression | null
  prefAddress: bigint | null
  initSize: number | null
  handoverOffset: number | null
  kernelInfoOffset: number | null
}

export type BzImageResult = { ok: true; image: BzImage } | Failure

export function parseBzImage(b: Uint8Array): BzImageResult {
  const bad = (reason: string): BzImageResult => ({ ok: false, reason })
  if (b.length < SetupHeader.End) {
    const compression = detectCompression(b)
    if (compression !== null) return { ok: false, reason: `${compression}-compressed file: decompress first`, compression }
    return bad(`${b.length} bytes: too short for an x86 setup header (0x${SetupHeader.End.toString(16)} bytes)`)
  }
  const dv = le(b)
  const u8 = (o: number): number => b[o]
  const u16 = (o: number): number => dv.getUint16(o, true)
  const u32 = (o: number): number => dv.getUint32(o, true)
  if (u16(SetupHeader.BootFlag) !== BOOT_FLAG || u32(SetupHeader.Header) !== HDRS_MAGIC) {
    const compression = detectCompression(b)
    if (compression !== null) return { ok: false, reason: `${compression}-compressed file: decompress first`, compression }
    if (u16(SetupHeader.BootFlag) !== BOOT_FLAG) return bad(`not an x86 kernel: boot_flag at 0x1fe is 0x${u16(SetupHeader.BootFlag).toString(16)}, not 0xaa55`)
    return bad('no "HdrS" at 0x202: a kernel older than boot protocol 2.00 (zImage), which is not supported')
  }
  const protocol = u16(SetupHeader.Version)
  const since = <T>(version: number, value: T): T | null => (protocol >= version ? value : null)
  const setupSects = u8(SetupHeader.SetupSects) || 4
  const kernelOffset = (setupSects + 1) * 512
  if (kernelOffset >= b.length) return bad(`the protected-mode kernel would start at ${kernelOffset} (setup_sects ${setupSects}), past the end of the ${b.length}-byte file`)
  const kernelSize = b.length - kernelOffset
  const syssize = since(0x0204, u32(SetupHeader.Syssize))
  if (syssize !== null && syssize * 16 > kernelSize) return bad(`syssize says ${syssize * 16} bytes of protected-mode code but the file holds ${kernelSize} after the setup`)
  const payloadOffset = since(0x0208, u32(SetupHeader.PayloadOffset))
  const payloadLength = since(0x0208, u32(SetupHeader.PayloadLength))
  if (payloadOffset !== null && payloadLength !== null && payloadOffset !== 0 && payloadOffset + payloadLength > kernelSize) {
    return bad(`payload [${payloadOffset}, +${payloadLength}) lies outside the ${kernelSize}-byte protected-mode kernel`)
  }
  const loadflags = u8(SetupHeader.Loadflags)
  return {
    ok: true,
    image: {
      protocol,
      setupSects,
      kernelOffset,
      kernelSize,
      syssize,
      loadflags,
      loadedHigh: (loadflags & LoadFlag.LoadedHigh) !== 0,
      code32Start: u32(SetupHeader.Code32Start),
      kernelVersion: versionString(b, u16(SetupHeader.KernelVersion), kernelOffset),
      initrdAddrMax: since(0x0203, u32(SetupHeader.InitrdAddrMax)) ?? 0x37ffffff,
      kernelAlignment: since(0x0205, u32(SetupHeader.KernelAlignment)),
      relocatable: since(0x0205, u8(SetupHeader.RelocatableKernel) !== 0),
      minAlignment: since(0x020a, u8(SetupHeader.MinAlignment)),
      xloadflags: since(0x020c, u16(SetupHeader.Xloadflags)),
      cmdlineSize: since(0x0206, u32(SetupHeader.CmdlineSize)) ?? 255,
      payloadOffset,
      payloadLength,
      payloadCompression: payloadOffset ? detectCompression(b, kernelOffset + payloadOffset) : null,
      prefAddress: since(0x020a, dv.getBigUint64(SetupHeader.PrefAddress, true)),
      initSize: since(0x020a, u32(SetupHeader.InitSize)),
      handoverOffset: since(0x020b, u32(SetupHeader.HandoverOffset)),
      kernelInfoOffset: since(0x020f, u32(SetupHeader.KernelInfoOffset)),
    },
  }
}

/**
 * boot.rst, kernel_version: a pointer, less 0x200, to a NUL-terminated
 * string inside the setup code. Null when unset or pointing elsewhere.
 */
function versionString(b: Uint8Array, pointer: number, setupEnd: number): string | null {
  if (pointer === 0) return null
  const at = pointer + 0x200
  const nul = b.subarray(at, Math.min(setupEnd, at + 256)).indexOf(0)
  if (at >= setupEnd || nul < 0) return null
  return new TextDecoder().decode(b.subarray(at, at + nul))
}
