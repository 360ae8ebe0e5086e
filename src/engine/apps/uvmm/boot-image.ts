/**
 * Where the arm64 boot protocol (Linux's Documentation/arch/arm64/booting.rst)
 * puts things in the guest's RAM, as QEMU's -kernel does: the Image at a
 * 2 MiB aligned base plus its text_offset, the initrd above the kernel (at
 * least half of RAM or 128 MiB up, whichever is lower, so the kernel's
 * early allocations stay clear of it), the device tree 2 MiB aligned after
 * the initrd (8-byte aligned, at most 2 MiB, in a 2 MiB region of its own).
 * Pure: a plan, or the reason the files do not fit.
 */
import { parseArm64Image } from '../../formats/linux-image'
import { gunzipMember, isGzip } from '../../formats/gzip'

const MIB2 = 2 << 20
const up = (n: number, a: number): number => Math.ceil(n / a) * a

export interface BootPlan {
  /** The Image's bytes (decompressed when it came gzip'd) and where they go. */
  kernel: Uint8Array
  kernelAt: number
  /** Where the initrd goes (its bytes as given), or null. */
  initrdAt: number | null
  dtbAt: number
  entry: number
}

export type PlanResult = { ok: true; plan: BootPlan } | { ok: false; reason: string }

/** Decompresses a gzip'd Image (Debian's are plain; some distributions gzip them). */
export function kernelImage(bytes: Uint8Array): { ok: true; image: Uint8Array } | { ok: false; reason: string } {
  if (!isGzip(bytes)) return { ok: true, image: bytes }
  const r = gunzipMember(bytes, 0, 256 << 20)
  return r.ok ? { ok: true, image: r.data } : { ok: false, reason: `gzip'd kernel: ${r.error}` }
}

export function planBoot(ramBase: number, ramSize: number, kernelBytes: Uint8Array, initrdSize: number | null, dtbMaxSize: number): PlanResult {
  const k = kernelImage(kernelBytes)
  if (!k.ok) return k
  const parsed = parseArm64Image(k.image)
  if (!parsed.ok) return { ok: false, reason: `kernel: ${parsed.reason}` }
  const img = parsed.image
  if (img.bigEndian) return { ok: false, reason: 'kernel: a big-endian Image (the VM is little-endian)' }
  if (img.pageSize !== 0 && img.pageSize !== 4096) return { ok: false, reason: `kernel: built for ${img.pageSize / 1024} KiB pages; the CPU has 4 KiB pages only` }
  const kernelAt = ramBase + Number(img.textOffset)
  const kernelEnd = kernelAt + Math.max(Number(img.imageSize), k.image.length)
  if (kernelEnd > ramBase + ramSize) return { ok: false, reason: `kernel: ${(kernelEnd - ramBase) >> 20} MiB do not fit in ${ramSize >> 20} MiB of RAM` }
  let next = up(kernelEnd, MIB2)
  let initrdAt: number | null = null
  if (initrdSize !== null) {
    initrdAt = Math.max(next, ramBase + Math.min(Math.floor(ramSize / 2), 128 << 20))
    if (initrdAt + initrdSize > ramBase + ramSize) initrdAt = next
    if (initrdAt + initrdSize > ramBase + ramSize) return { ok: false, reason: `initrd: ${initrdSize} bytes do not fit in RAM beside the kernel` }
    next = up(initrdAt + initrdSize, MIB2)
  }
  if (dtbMaxSize > MIB2) return { ok: false, reason: 'device tree: larger than 2 MiB' }
  const dtbAt = next
  if (dtbAt + dtbMaxSize > ramBase + ramSize) return { ok: false, reason: 'device tree: no room left in RAM' }
  return { ok: true, plan: { kernel: k.image, kernelAt, initrdAt, dtbAt, entry: kernelAt } }
}
