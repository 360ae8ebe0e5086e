import { describe, expect, it } from 'vitest'
import { Errno } from './errno'
import { FbDevice, FbIoctl } from './fbdev'
import { type Inode, type UserMemory, O_RDONLY, O_RDWR, SEEK_END, SEEK_SET } from './types'

function memory(): UserMemory & { bytes: Uint8Array } {
  const bytes = new Uint8Array(4096)
  return {
    bytes,
    read: (a, n) => (a >= 0 && a + n <= bytes.length ? bytes.slice(a, a + n) : null),
    write: (a, d) => {
      if (a < 0 || a + d.length > bytes.length) return false
      bytes.set(d, a)
      return true
    },
  }
}

/** A 64×40 framebuffer (10 KiB: 3 frames) over frames 7, 3, 5 of a fake RAM. */
function device(): { fb: FbDevice; ram: Uint8Array } {
  const ram = new Uint8Array(8 * 4096)
  const fb = new FbDevice({ width: 64, height: 40 }, {
    frames: Int32Array.of(7, 3, 5),
    read: (f, off, dst) => dst.set(ram.subarray(f * 4096 + off, f * 4096 + off + dst.length)),
    write: (f, off, src) => ram.set(src, f * 4096 + off),
  }, 0x2_0000_0000)
  return { fb, ram }
}

const u32 = (b: Uint8Array, i: number): number => new DataView(b.buffer).getUint32(i * 4, true)

describe('/dev/fb0', () => {
  it('describes its mode with FBIOGET_VSCREENINFO and FBIOGET_FSCREENINFO', () => {
    const { fb } = device()
    const f = fb.open({} as Inode, O_RDWR)
    const mem = memory()
    expect(f.ioctl(FbIoctl.GetVScreenInfo, 0, mem)).toBe(0)
    const v = mem.bytes.slice(0, 160)
    // xres, yres, xres_virtual, yres_virtual, xoffset, yoffset, bits_per_pixel
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => u32(v, i))).toEqual([64, 40, 64, 40, 0, 0, 32])
    // red {16, 8}, green {8, 8}, blue {0, 8}, transp {0, 0}
    expect([8, 9, 11, 12, 14, 15, 17, 18].map((i) => u32(v, i))).toEqual([16, 8, 8, 8, 0, 8, 0, 0])
    expect(f.ioctl(FbIoctl.GetFScreenInfo, 512, mem)).toBe(0)
    const x = new DataView(mem.bytes.buffer, 512)
    expect(new TextDecoder().decode(mem.bytes.subarray(512, 520))).toBe('l4lab-fb')
    expect(x.getUint32(24, true)).toBe(3 * 4096) // smem_len
    expect(x.getUint32(36, true)).toBe(2) // FB_VISUAL_TRUECOLOR
    expect(x.getUint32(48, true)).toBe(256) // line_length
    expect(f.ioctl(FbIoctl.GetVScreenInfo, 4000, mem)).toBe(-Errno.EFAULT)
    expect(f.ioctl(0x4605, 0, mem)).toBe(-Errno.ENOTTY)
  })

  it('takes its own mode with FBIOPUT_VSCREENINFO and refuses any other', () => {
    const { fb } = device()
    const f = fb.open({} as Inode, O_RDWR)
    const mem = memory()
    f.ioctl(FbIoctl.GetVScreenInfo, 0, mem)
    expect(f.ioctl(FbIoctl.PutVScreenInfo, 0, mem)).toBe(0)
    const dv = new DataView(mem.bytes.buffer)
    dv.setUint32(6 * 4, 16, true) // 16 bits per pixel
    expect(f.ioctl(FbIoctl.PutVScreenInfo, 0, mem)).toBe(-Errno.EINVAL)
    f.ioctl(FbIoctl.GetVScreenInfo, 0, mem)
    dv.setUint32(3 * 4, 80, true) // yres_virtual 80: double buffering we do not have
    expect(f.ioctl(FbIoctl.PutVScreenInfo, 0, mem)).toBe(-Errno.EINVAL)
    // Zero bitfields at depth 32 ask for the default layout: ours.
    f.ioctl(FbIoctl.GetVScreenInfo, 0, mem)
    mem.bytes.fill(0, 8 * 4, 20 * 4)
    expect(f.ioctl(FbIoctl.PutVScreenInfo, 0, mem)).toBe(0)
  })

  it('pans only to the origin', () => {
    const { fb } = device()
    const f = fb.open({} as Inode, O_RDWR)
    const mem = memory()
    f.ioctl(FbIoctl.GetVScreenInfo, 0, mem)
    expect(f.ioctl(FbIoctl.PanDisplay, 0, mem)).toBe(0)
    new DataView(mem.bytes.buffer).setUint32(5 * 4, 8, true)
    expect(f.ioctl(FbIoctl.PanDisplay, 0, mem)).toBe(-Errno.EINVAL)
  })

  it('reads and writes its memory across frames as a file of smem_len bytes', () => {
    const { fb, ram } = device()
    const f = fb.open({} as Inode, O_RDWR)
    expect(f.lseek(4094, SEEK_SET)).toBe(4094)
    expect(f.write(Uint8Array.of(1, 2, 3, 4))).toBe(4)
    // Page 0 is frame 7, page 1 frame 3.
    expect([...ram.subarray(7 * 4096 + 4094, 7 * 4096 + 4096)]).toEqual([1, 2])
    expect([...ram.subarray(3 * 4096, 3 * 4096 + 2)]).toEqual([3, 4])
    const back = new Uint8Array(4)
    expect(f.pread(back, 4094)).toBe(4)
    expect([...back]).toEqual([1, 2, 3, 4])
    expect(f.lseek(-2, SEEK_END)).toBe(3 * 4096 - 2)
    expect(f.write(Uint8Array.of(9, 9, 9))).toBe(2)
    expect(f.write(Uint8Array.of(9))).toBe(-Errno.ENOSPC)
    expect(f.read(back)).toBe(0)
    expect(f.pwrite(Uint8Array.of(1), 3 * 4096 + 1)).toBe(-Errno.EFBIG)
    expect(fb.open({} as Inode, O_RDONLY).write(Uint8Array.of(1))).toBe(-Errno.EBADF)
  })

  it('gives its own frames to a shared mapping', () => {
    const { fb } = device()
    const f = fb.open({} as Inode, O_RDWR)
    expect([0, 4096, 8191, 8192].map((o) => f.mmapFrame(o))).toEqual([7, 3, 3, 5])
    expect(f.mmapFrame(3 * 4096)).toBe(-Errno.EINVAL)
  })
})
