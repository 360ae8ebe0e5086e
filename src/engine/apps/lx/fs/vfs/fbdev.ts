/**
 * /dev/fb0: a Linux framebuffer device (fbdev, linux/fb.h) over frames of
 * lx's memory. One fixed mode — XRGB8888, no virtual resolution beyond the
 * visible one — as simple-framebuffer drivers give it: FBIOPUT_VSCREENINFO
 * accepts the current mode and nothing else (EINVAL), FBIOPAN_DISPLAY only
 * the origin. A shared mmap maps the framebuffer's own frames into the
 * process (the display reads the same memory); read, write and lseek work
 * on it as on a file of smem_len bytes (fb_read / fb_write).
 *
 * Device numbers as Linux: fb is major 29, /dev/fb0 minor 0.
 */
import { Errno } from './errno'
import { FileBase } from './file'
import {
  type Inode, type IoResult, type UserMemory, SEEK_CUR, SEEK_END, SEEK_SET, canRead, canWrite, enc, makedev,
} from './types'

export const DEV_FB0 = makedev(29, 0)

/** ioctl numbers (linux/fb.h: plain numbers, not _IOR encodings). */
export const enum FbIoctl {
  GetVScreenInfo = 0x4600,
  PutVScreenInfo = 0x4601,
  GetFScreenInfo = 0x4602,
  PanDisplay = 0x4606,
}

/** struct fb_var_screeninfo: 40 __u32 fields; field indices of the ones we fill. */
const VAR_BYTES = 160
const enum Var {
  Xres = 0, Yres, XresVirtual, YresVirtual, Xoffset, Yoffset, BitsPerPixel, Grayscale,
  /** red, green, blue, transp: each { offset, length, msb_right }. */
  Red = 8, Green = 11, Blue = 14, Transp = 17,
  Nonstd = 20, Activate, Height, Width, AccelFlags, Pixclock,
  Vmode = 33,
}
/** FB_VMODE_NONINTERLACED */
const FB_VMODE_NONINTERLACED = 0

/** struct fb_fix_screeninfo on a 64-bit kernel (unsigned long smem_start, mmio_start): byte offsets. */
const FIX_BYTES = 80
const enum Fix {
  Id = 0, SmemStart = 16, SmemLen = 24, Type = 28, TypeAux = 32, Visual = 36,
  XPanStep = 40, YPanStep = 42, YWrapStep = 44, LineLength = 48, MmioStart = 56, MmioLen = 64, Accel = 68, Capabilities = 72,
}
const FB_TYPE_PACKED_PIXELS = 0
const FB_VISUAL_TRUECOLOR = 2
const FB_ACCEL_NONE = 0

/** What a framebuffer's memory is to the device: lx frames and their bytes. */
export interface FbMemory {
  /** The lx frame holding framebuffer page `i`. */
  readonly frames: Int32Array
  read(frame: number, off: number, dst: Uint8Array): void
  write(frame: number, off: number, src: Uint8Array): void
}

export interface FbMode {
  width: number
  height: number
}

export class FbDevice {
  readonly stride: number
  readonly smemLen: number
  constructor(
    readonly mode: FbMode,
    readonly memory: FbMemory,
    /** What the guest may read as smem_start: where the framebuffer is, as an identifier (lx has no physical addresses to give). */
    readonly smemStart: number,
  ) {
    this.stride = mode.width * 4
    this.smemLen = memory.frames.length * 4096
  }

  /** fb_var_screeninfo of the one mode. */
  varInfo(): Uint8Array {
    const b = new Uint8Array(VAR_BYTES)
    const v = new DataView(b.buffer)
    const set = (i: number, x: number): void => v.setUint32(i * 4, x, true)
    const { width, height } = this.mode
    set(Var.Xres, width)
    set(Var.Yres, height)
    set(Var.XresVirtual, width)
    set(Var.YresVirtual, height)
    set(Var.BitsPerPixel, 32)
    // XRGB8888: blue in the low byte (little endian), no alpha.
    set(Var.Red, 16)
    set(Var.Red + 1, 8)
    set(Var.Green, 8)
    set(Var.Green + 1, 8)
    set(Var.Blue, 0)
    set(Var.Blue + 1, 8)
    // Physical size unknown: -1 as the kernel's drivers say it.
    set(Var.Height, 0xffffffff)
    set(Var.Width, 0xffffffff)
    set(Var.Vmode, FB_VMODE_NONINTERLACED)
    return b
  }

  fixInfo(): Uint8Array {
    const b = new Uint8Array(FIX_BYTES)
    const v = new DataView(b.buffer)
    b.set(enc.encode('l4lab-fb'), Fix.Id)
    v.setBigUint64(Fix.SmemStart, BigInt(this.smemStart), true)
    v.setUint32(Fix.SmemLen, this.smemLen, true)
    v.setUint32(Fix.Type, FB_TYPE_PACKED_PIXELS, true)
    v.setUint32(Fix.TypeAux, 0, true)
    v.setUint32(Fix.Visual, FB_VISUAL_TRUECOLOR, true)
    v.setUint16(Fix.XPanStep, 0, true)
    v.setUint16(Fix.YPanStep, 0, true)
    v.setUint16(Fix.YWrapStep, 0, true)
    v.setUint32(Fix.LineLength, this.stride, true)
    v.setBigUint64(Fix.MmioStart, 0n, true)
    v.setUint32(Fix.MmioLen, 0, true)
    v.setUint32(Fix.Accel, FB_ACCEL_NONE, true)
    v.setUint16(Fix.Capabilities, 0, true)
    return b
  }

  /**
   * Whether a requested fb_var_screeninfo is our mode: resolution, virtual
   * resolution, depth and the colour layout must be ours; the rest (timings,
   * activate, accel flags) are a driver's to ignore, as simplefb does.
   */
  isCurrentMode(req: Uint8Array): boolean {
    const v = new DataView(req.buffer, req.byteOffset, req.byteLength)
    const get = (i: number): number => v.getUint32(i * 4, true)
    const cur = new DataView(this.varInfo().buffer)
    for (const i of [Var.Xres, Var.Yres, Var.XresVirtual, Var.YresVirtual, Var.Xoffset, Var.Yoffset, Var.BitsPerPixel, Var.Grayscale, Var.Nonstd]) {
      if (get(i) !== cur.getUint32(i * 4, true)) return false
    }
    // A depth of 32 with all-zero bitfields means "the default layout for this depth".
    let zero = true
    for (let i = Var.Red; i < Var.Nonstd; i++) if (get(i) !== 0) zero = false
    if (zero) return true
    for (let i = Var.Red; i < Var.Transp; i++) if (get(i) !== cur.getUint32(i * 4, true)) return false
    return true
  }

  /** Copies framebuffer bytes [off, off + dst.length) out (the caller clipped to smem_len). */
  readAt(dst: Uint8Array, off: number): void {
    forEachPage(off, dst.length, (page, inPage, done, n) => this.memory.read(this.memory.frames[page], inPage, dst.subarray(done, done + n)))
  }

  writeAt(src: Uint8Array, off: number): void {
    forEachPage(off, src.length, (page, inPage, done, n) => this.memory.write(this.memory.frames[page], inPage, src.subarray(done, done + n)))
  }

  /** The lx frame of framebuffer byte `off` for a shared mapping, or -EINVAL past its end. */
  frameAt(off: number): number {
    if (off < 0 || off >= this.smemLen) return -Errno.EINVAL
    return this.memory.frames[Math.floor(off / 4096)]
  }

  open(inode: Inode, flags: number): FbFile {
    return new FbFile(inode, flags, this)
  }
}

function forEachPage(off: number, len: number, f: (page: number, inPage: number, done: number, n: number) => void): void {
  for (let done = 0; done < len; ) {
    const at = off + done
    const inPage = at % 4096
    const n = Math.min(len - done, 4096 - inPage)
    f(Math.floor(at / 4096), inPage, done, n)
    done += n
  }
}

/** An open /dev/fb0. */
export class FbFile extends FileBase {
  constructor(inode: Inode, flags: number, readonly fb: FbDevice) {
    super(inode, flags)
  }

  override read(buf: Uint8Array): IoResult {
    const n = this.pread(buf, this.pos)
    if (typeof n === 'number' && n > 0) this.pos += n
    return n
  }

  override pread(buf: Uint8Array, off: number): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    if (off < 0) return -Errno.EINVAL
    if (off >= this.fb.smemLen) return 0
    const n = Math.min(buf.length, this.fb.smemLen - off)
    this.fb.readAt(buf.subarray(0, n), off)
    return n
  }

  override write(data: Uint8Array): IoResult {
    const n = this.pwrite(data, this.pos)
    if (typeof n === 'number' && n > 0) this.pos += n
    return n
  }

  /** fb_write: past the end is ENOSPC (EFBIG when starting beyond it), a write reaching it is short. */
  override pwrite(data: Uint8Array, off: number): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    if (off < 0) return -Errno.EINVAL
    if (off > this.fb.smemLen) return -Errno.EFBIG
    if (data.length > 0 && off === this.fb.smemLen) return -Errno.ENOSPC
    const n = Math.min(data.length, this.fb.smemLen - off)
    this.fb.writeAt(data.subarray(0, n), off)
    return n
  }

  /** As a file of smem_len bytes (fb_lseek is default_llseek on a sized file). */
  override lseek(off: number, whence: number): number {
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.pos : whence === SEEK_END ? this.fb.smemLen : NaN
    if (Number.isNaN(base)) return -Errno.EINVAL
    const p = base + off
    if (p < 0) return -Errno.EINVAL
    this.pos = p
    return p
  }

  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    switch (cmd) {
      case FbIoctl.GetVScreenInfo:
        return mem.write(arg, this.fb.varInfo()) ? 0 : -Errno.EFAULT
      case FbIoctl.GetFScreenInfo:
        return mem.write(arg, this.fb.fixInfo()) ? 0 : -Errno.EFAULT
      case FbIoctl.PutVScreenInfo: {
        const req = mem.read(arg, VAR_BYTES)
        if (!req) return -Errno.EFAULT
        if (!this.fb.isCurrentMode(req)) return -Errno.EINVAL
        // The kernel writes the mode it set back (ours, unchanged), with `activate` as asked (FB_ACTIVATE_TEST included).
        const back = this.fb.varInfo()
        new DataView(back.buffer).setUint32(Var.Activate * 4, new DataView(req.buffer, req.byteOffset).getUint32(Var.Activate * 4, true), true)
        return mem.write(arg, back) ? 0 : -Errno.EFAULT
      }
      case FbIoctl.PanDisplay: {
        const req = mem.read(arg, VAR_BYTES)
        if (!req) return -Errno.EFAULT
        const v = new DataView(req.buffer, req.byteOffset)
        // The virtual resolution is the visible one: the origin is the only place to pan to.
        return v.getUint32(Var.Xoffset * 4, true) === 0 && v.getUint32(Var.Yoffset * 4, true) === 0 ? 0 : -Errno.EINVAL
      }
      default:
        return -Errno.ENOTTY
    }
  }

  /** A shared mapping of the framebuffer maps its frames, not copies (mm/mm.ts asks). */
  mmapFrame(off: number): number {
    return this.fb.frameAt(off)
  }
}
