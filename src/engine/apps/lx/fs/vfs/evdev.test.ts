import { describe, expect, it } from 'vitest'
import { Errno } from './errno'
import {
  ABS_X, ABS_Y, BTN_LEFT, BUS_VIRTUAL, EVIOCGABS, EVIOCGBIT, EVIOCGID, EVIOCGKEY, EVIOCGNAME, EVIOCGRAB, EVIOCGREP, EVIOCGVERSION,
  EVIOCSCLOCKID, EVIOCSREP, Ev, EvdevDevice, INPUT_EVENT_BYTES, REL_X, SYN_DROPPED, SYN_REPORT,
} from './evdev'
import { type Inode, type UserMemory, O_NONBLOCK, O_RDONLY, POLLIN } from './types'

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

const KEY_A = 30
const now = 1_700_000_000_123_456_789

function mouse(): EvdevDevice {
  return new EvdevDevice(
    { name: 'test mouse', id: { bustype: BUS_VIRTUAL, vendor: 1, product: 2, version: 3 }, codes: { [Ev.Key]: [BTN_LEFT], [Ev.Rel]: [REL_X] } },
    { realtimeNs: () => now, monotonicNs: () => 5_000_000_000 },
  )
}

/** Decodes struct input_event records: [sec, usec, type, code, value]. */
function events(buf: Uint8Array, n: number): number[][] {
  const v = new DataView(buf.buffer)
  const out: number[][] = []
  for (let o = 0; o < n; o += INPUT_EVENT_BYTES)
    out.push([Number(v.getBigInt64(o, true)), Number(v.getBigInt64(o + 8, true)), v.getUint16(o + 16, true), v.getUint16(o + 18, true), v.getInt32(o + 20, true)])
  return out
}

describe('/dev/input/event*', () => {
  it('delivers whole packets as 24-byte input_events, after SYN_REPORT only', () => {
    const d = mouse()
    const f = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    const buf = new Uint8Array(10 * INPUT_EVENT_BYTES)
    expect(f.read(buf)).toBe(-Errno.EAGAIN)
    d.emit(Ev.Rel, REL_X, -5)
    expect(f.poll() & POLLIN).toBe(0)
    expect(f.read(buf)).toBe(-Errno.EAGAIN)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    expect(f.poll() & POLLIN).toBe(POLLIN)
    expect(f.read(buf.subarray(0, 23))).toBe(-Errno.EINVAL)
    const n = f.read(buf) as number
    expect(events(buf, n)).toEqual([[1_700_000_000, 123_456, Ev.Rel, REL_X, -5], [1_700_000_000, 123_456, Ev.Syn, SYN_REPORT, 0]])
    expect(f.poll() & POLLIN).toBe(0)
  })

  it('blocks a reader without O_NONBLOCK and wakes it at the end of a packet', () => {
    const d = mouse()
    const f = d.open({} as Inode, O_RDONLY)
    const r = f.read(new Uint8Array(48))
    expect(typeof r).toBe('object')
    let woken = 0
    if (typeof r === 'object') r.block.add(() => woken++)
    d.emit(Ev.Key, BTN_LEFT, 1)
    expect(woken).toBe(0)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    expect(woken).toBe(1)
    expect(f.read(new Uint8Array(48))).toBe(48)
  })

  it('gives every client every event, a grabbing client all of them', () => {
    const d = mouse()
    const a = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    const b = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    const mem = memory()
    d.emit(Ev.Syn, SYN_REPORT, 0)
    expect(a.read(new Uint8Array(24))).toBe(24)
    expect(b.read(new Uint8Array(24))).toBe(24)
    expect(a.ioctl(EVIOCGRAB, 1, mem)).toBe(0)
    expect(b.ioctl(EVIOCGRAB, 1, mem)).toBe(-Errno.EBUSY)
    expect(b.ioctl(EVIOCGRAB, 0, mem)).toBe(-Errno.EINVAL)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    expect(a.read(new Uint8Array(24))).toBe(24)
    expect(b.read(new Uint8Array(24))).toBe(-Errno.EAGAIN)
    a.close()
    d.emit(Ev.Syn, SYN_REPORT, 0)
    expect(b.read(new Uint8Array(24))).toBe(24)
  })

  it('tells a client that fell behind with SYN_DROPPED', () => {
    const d = mouse()
    const f = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    for (let i = 0; i < 200; i++) {
      d.emit(Ev.Rel, REL_X, i)
      d.emit(Ev.Syn, SYN_REPORT, 0)
    }
    const buf = new Uint8Array(512 * INPUT_EVENT_BYTES)
    const got = events(buf, f.read(buf) as number)
    expect(got[0].slice(2)).toEqual([Ev.Syn, SYN_DROPPED, 0])
    expect(got[got.length - 2].slice(2)).toEqual([Ev.Rel, REL_X, 199])
    expect(got.length).toBeLessThan(256)
  })

  it('answers EVIOCGNAME, EVIOCGID, EVIOCGVERSION, EVIOCGBIT and EVIOCGKEY', () => {
    const d = mouse()
    const f = d.open({} as Inode, O_RDONLY)
    const mem = memory()
    expect(f.ioctl(EVIOCGNAME(256), 0, mem)).toBe(11)
    expect(new TextDecoder().decode(mem.bytes.subarray(0, 11))).toBe('test mouse\0')
    expect(f.ioctl(EVIOCGNAME(4), 100, mem)).toBe(4)
    expect(f.ioctl(EVIOCGID, 0, mem)).toBe(0)
    expect([...new Uint16Array(mem.bytes.buffer, 0, 4)]).toEqual([BUS_VIRTUAL, 1, 2, 3])
    expect(f.ioctl(EVIOCGVERSION, 0, mem)).toBe(0)
    expect(new DataView(mem.bytes.buffer).getInt32(0, true)).toBe(0x010001)
    // EV bits: SYN, KEY, REL.
    expect(f.ioctl(EVIOCGBIT(0, 32), 0, mem)).toBe(8)
    expect(mem.bytes[0]).toBe(0b111)
    // KEY bits: 96 bytes (KEY_MAX 0x2ff); BTN_LEFT is bit 0x110.
    mem.bytes.fill(0)
    expect(f.ioctl(EVIOCGBIT(Ev.Key, 200), 0, mem)).toBe(96)
    expect(mem.bytes[0x110 >> 3]).toBe(1)
    expect(f.ioctl(EVIOCGBIT(Ev.Rel, 8), 0, mem)).toBe(8)
    expect(mem.bytes[0]).toBe(1)
    d.emit(Ev.Key, BTN_LEFT, 1)
    mem.bytes.fill(0)
    expect(f.ioctl(EVIOCGKEY(96), 0, mem)).toBe(96)
    expect(mem.bytes[0x110 >> 3]).toBe(1)
    expect(f.ioctl(EVIOCGBIT(0x1e, 8), 0, mem)).toBe(-Errno.EINVAL)
    expect(f.ioctl(EVIOCGNAME(16), 5000, mem)).toBe(-Errno.EFAULT)
  })

  it('stamps events with CLOCK_MONOTONIC after EVIOCSCLOCKID', () => {
    const d = new EvdevDevice({ name: 'k', id: { bustype: BUS_VIRTUAL, vendor: 0, product: 0, version: 0 }, codes: { [Ev.Key]: [KEY_A] } }, { realtimeNs: () => now, monotonicNs: () => 5_250_000_000 })
    const f = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    const mem = memory()
    new DataView(mem.bytes.buffer).setInt32(0, 1, true)
    expect(f.ioctl(EVIOCSCLOCKID, 0, mem)).toBe(0)
    new DataView(mem.bytes.buffer).setInt32(0, 99, true)
    expect(f.ioctl(EVIOCSCLOCKID, 0, mem)).toBe(-Errno.EINVAL)
    d.emit(Ev.Key, KEY_A, 1)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    const buf = new Uint8Array(48)
    expect(events(buf, f.read(buf) as number)[0]).toEqual([5, 250_000, Ev.Key, KEY_A, 1])
  })

  it('repeats the last key pressed after REP_DELAY, every REP_PERIOD, until a key is released (EV_REP)', () => {
    // A clock and timers the test moves by hand (lx's are virtual nanoseconds too).
    let t = 1_000_000_000
    const timers: { at: number; fire: () => void; dead: boolean }[] = []
    const advance = (ms: number) => {
      const end = t + ms * 1e6
      for (;;) {
        const next = timers.filter((x) => !x.dead && x.at <= end).sort((a, b) => a.at - b.at)[0]
        if (!next) break
        t = next.at
        next.dead = true
        next.fire()
      }
      t = end
    }
    const KEY_B = 48
    const d = new EvdevDevice(
      { name: 'kbd', id: { bustype: BUS_VIRTUAL, vendor: 0, product: 0, version: 0 }, codes: { [Ev.Key]: [KEY_A, KEY_B] }, repeat: true },
      { realtimeNs: () => t, monotonicNs: () => t },
      { add: (at, fire) => { const x = { at, fire, dead: false }; timers.push(x); return x } },
    )
    const f = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    const mem = memory()
    const buf = new Uint8Array(INPUT_EVENT_BYTES * 64)
    const keys = () => { const n = f.read(buf) as number; return n > 0 ? events(buf, n).filter((e) => e[2] === Ev.Key).map((e) => [e[3], e[4]]) : [] }
    // EV_REP is among the event types; the defaults are input_register_device's 250 / 33 ms.
    expect(f.ioctl(EVIOCGBIT(0, 8), 0, mem)).toBe(8)
    expect(mem.bytes[Ev.Rep >> 3] & (1 << (Ev.Rep & 7))).not.toBe(0)
    expect(f.ioctl(EVIOCGREP, 0, mem)).toBe(0)
    expect([...new Uint32Array(mem.bytes.buffer, 0, 2)]).toEqual([250, 33])
    d.emit(Ev.Key, KEY_A, 1)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    advance(249)
    expect(keys()).toEqual([[KEY_A, 1]])
    advance(1 + 33 * 2)
    expect(keys()).toEqual([[KEY_A, 2], [KEY_A, 2], [KEY_A, 2]])
    // Another key pressed takes over the repeat; releasing any key ends it.
    d.emit(Ev.Key, KEY_B, 1)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    advance(250)
    expect(keys()).toEqual([[KEY_B, 1], [KEY_B, 2]])
    d.emit(Ev.Key, KEY_A, 0)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    advance(1000)
    expect(keys()).toEqual([[KEY_A, 0]])
    // EVIOCSREP: 100 ms, then every 50.
    new DataView(mem.bytes.buffer).setUint32(0, 100, true)
    new DataView(mem.bytes.buffer).setUint32(4, 50, true)
    expect(f.ioctl(EVIOCSREP, 0, mem)).toBe(0)
    d.emit(Ev.Key, KEY_A, 1)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    advance(150)
    expect(keys()).toEqual([[KEY_A, 1], [KEY_A, 2], [KEY_A, 2]])
    // A device without EV_REP has no repeat settings.
    expect(mouse().open({} as Inode, O_RDONLY).ioctl(EVIOCGREP, 0, mem)).toBe(-Errno.ENOSYS)
  })

  it('reports absolute axes: ABS bits, EVIOCGABS, and no event for a value that did not change', () => {
    const d = new EvdevDevice(
      { name: 'tablet', id: { bustype: BUS_VIRTUAL, vendor: 0, product: 0, version: 0 }, codes: { [Ev.Abs]: [ABS_X, ABS_Y] }, abs: { [ABS_X]: { minimum: 0, maximum: 1023 }, [ABS_Y]: { minimum: 0, maximum: 767 } } },
      { realtimeNs: () => now, monotonicNs: () => 0 },
    )
    const f = d.open({} as Inode, O_RDONLY | O_NONBLOCK)
    const mem = memory()
    expect(f.ioctl(EVIOCGBIT(Ev.Abs, 8), 0, mem)).toBe(8)
    expect(mem.bytes[0]).toBe(0b11)
    d.emit(Ev.Abs, ABS_X, 300)
    d.emit(Ev.Abs, ABS_Y, 0) // unchanged from 0: dropped
    d.emit(Ev.Syn, SYN_REPORT, 0)
    d.emit(Ev.Abs, ABS_X, 300) // unchanged: dropped
    d.emit(Ev.Abs, ABS_Y, 200)
    d.emit(Ev.Syn, SYN_REPORT, 0)
    const buf = new Uint8Array(INPUT_EVENT_BYTES * 8)
    const n = f.read(buf) as number
    expect(events(buf, n).map((e) => e.slice(2))).toEqual([[Ev.Abs, ABS_X, 300], [Ev.Syn, SYN_REPORT, 0], [Ev.Abs, ABS_Y, 200], [Ev.Syn, SYN_REPORT, 0]])
    expect(f.ioctl(EVIOCGABS(ABS_Y), 0, mem)).toBe(0)
    expect([...new Int32Array(mem.bytes.buffer, 0, 6)]).toEqual([200, 0, 767, 0, 0, 0])
    expect(mouse().open({} as Inode, O_RDONLY).ioctl(EVIOCGABS(ABS_X), 0, mem)).toBe(-Errno.EINVAL)
  })
})
