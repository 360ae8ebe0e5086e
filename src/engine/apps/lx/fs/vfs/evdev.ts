/**
 * /dev/input/eventN: Linux's evdev interface (drivers/input/evdev.c) for an
 * input device of lx's. Each open file is an evdev client with its own
 * buffer of struct input_event; a reader sees events only up to the last
 * SYN_REPORT (a whole packet), blocks or gets EAGAIN (O_NONBLOCK) when
 * there is none, and poll says POLLIN when one is there. A client that
 * falls a buffer behind loses what it had and reads SYN_DROPPED first, as
 * evdev's clients do. EVIOCGRAB gives one client all events.
 *
 * Two parts of Linux's input core (drivers/input/input.c) live here too, as
 * they act before evdev's clients see anything: autorepeat — a device with
 * EV_REP repeats the last key pressed (value 2) after rep[REP_DELAY] ms and
 * then every rep[REP_PERIOD] ms (250 and 33 by default) until any key is
 * released (input_start/stop_autorepeat, input_repeat_key); EVIOCGREP and
 * EVIOCSREP read and set the two — and absolute axes: an EV_ABS event whose
 * value did not change is dropped (input_handle_abs_event), EVIOCGABS
 * answers struct input_absinfo.
 *
 * struct input_event on aarch64 (64-bit time_t): struct timeval (s64 sec,
 * s64 usec), u16 type, u16 code, s32 value — 24 bytes. Numbers are the
 * uapi's (linux/input.h, input-event-codes.h).
 *
 * Device numbers as Linux: input is major 13, eventN minor 64 + N.
 */
import { Errno } from './errno'
import { FileBase } from './file'
import { type Inode, type IoResult, type UserMemory, O_NONBLOCK, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, WaitQueue, canRead, enc, makedev } from './types'

export const evdevDev = (n: number): number => makedev(13, 64 + n)

export const enum Ev {
  Syn = 0x00,
  Key = 0x01,
  Rel = 0x02,
  Abs = 0x03,
  Msc = 0x04,
  Sw = 0x05,
  Led = 0x11,
  Snd = 0x12,
  Rep = 0x14,
  Ff = 0x15,
  Max = 0x1f,
}
import { ABS_X, ABS_Y, BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, REL_WHEEL, REL_X, REL_Y, SYN_DROPPED, SYN_REPORT } from '../../../../util/input-codes'
export { ABS_X, ABS_Y, BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, REL_WHEEL, REL_X, REL_Y, SYN_DROPPED, SYN_REPORT }
export const REP_DELAY = 0x00
export const REP_PERIOD = 0x01
export const KEY_MAX = 0x2ff
export const BUS_VIRTUAL = 0x06

/** The highest code of each event type (input-event-codes.h *_MAX), which sizes EVIOCGBIT's answer. */
const TYPE_MAX: Partial<Record<number, number>> = {
  [Ev.Syn]: Ev.Max, // EVIOCGBIT(0) reports the event types
  [Ev.Key]: KEY_MAX,
  [Ev.Rel]: 0x0f,
  [Ev.Abs]: 0x3f,
  [Ev.Msc]: 0x07,
  [Ev.Sw]: 0x10,
  [Ev.Led]: 0x0f,
  [Ev.Snd]: 0x07,
  [Ev.Ff]: 0x7f,
}

export const INPUT_EVENT_BYTES = 24
const EVDEV_VERSION = 0x010001
/** Events a client's buffer holds (evdev sizes it by the device; this is ample for a keyboard or mouse). */
const CLIENT_EVENTS = 256

/** _IOC encoding: dir << 30 | size << 16 | 'E' << 8 | nr. */
const IOC_READ = 2
const IOC_WRITE = 1
const ioc = (dir: number, nr: number, size: number): number => ((dir << 30) | (size << 16) | (0x45 << 8) | nr) >>> 0
export const EVIOCGVERSION = ioc(IOC_READ, 0x01, 4)
export const EVIOCGID = ioc(IOC_READ, 0x02, 8)
export const EVIOCGRAB = ioc(IOC_WRITE, 0x90, 4)
export const EVIOCSCLOCKID = ioc(IOC_WRITE, 0xa0, 4)
export const EVIOCGNAME = (len: number): number => ioc(IOC_READ, 0x06, len)
export const EVIOCGBIT = (ev: number, len: number): number => ioc(IOC_READ, 0x20 + ev, len)
export const EVIOCGKEY = (len: number): number => ioc(IOC_READ, 0x18, len)
/** unsigned int[2]: delay and period of autorepeat in ms. */
export const EVIOCGREP = ioc(IOC_READ, 0x03, 8)
export const EVIOCSREP = ioc(IOC_WRITE, 0x03, 8)
/** struct input_absinfo (s32 value, minimum, maximum, fuzz, flat, resolution) of axis `abs`. */
export const EVIOCGABS = (abs: number): number => ioc(IOC_READ, 0x40 + abs, ABSINFO_BYTES)
const ABSINFO_BYTES = 24
/** input_register_device's defaults for a device with EV_REP. */
const REP_DEFAULT_DELAY_MS = 250
const REP_DEFAULT_PERIOD_MS = 33

export interface EvdevSpec {
  name: string
  id: { bustype: number; vendor: number; product: number; version: number }
  /** Codes the device reports, by event type (EV_SYN is implied). */
  codes: Partial<Record<number, readonly number[]>>
  /** Ranges of its absolute axes (EV_ABS codes), by axis. */
  abs?: Partial<Record<number, { minimum: number; maximum: number }>>
  /** Keys repeat while held (EV_REP); needs `timers`. */
  repeat?: boolean
}

/** Timers in the clocks' monotonic nanoseconds (lx's timers); autorepeat runs on them. */
export interface EvdevTimers {
  add(atNs: number, fire: () => void): { dead: boolean }
}

/** Clocks a client may ask for (EVIOCSCLOCKID): CLOCK_REALTIME 0, CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7. */
export interface EvdevClocks {
  realtimeNs(): number
  monotonicNs(): number
}

/** One input device: its capabilities, key state, clients and grab. */
export class EvdevDevice {
  readonly clients = new Set<EvdevFile>()
  grab: EvdevFile | null = null
  private readonly bits = new Map<number, Uint8Array>()
  private readonly keys = new Uint8Array((KEY_MAX + 8) >> 3)
  /** Current value of each absolute axis (input_absinfo.value). */
  private readonly absValues = new Int32Array(0x40)
  /** Autorepeat: [REP_DELAY, REP_PERIOD] in ms, the key that repeats and its pending timer. */
  readonly rep = new Uint32Array([REP_DEFAULT_DELAY_MS, REP_DEFAULT_PERIOD_MS])
  private repeatKey = -1
  private repeatTimer: { dead: boolean } | null = null

  constructor(readonly spec: EvdevSpec, readonly clocks: EvdevClocks, private readonly timers?: EvdevTimers) {
    if (spec.repeat && !timers) throw new Error(`evdev ${spec.name}: autorepeat needs timers`)
    const types = bitmap(Ev.Max)
    setBit(types, Ev.Syn)
    if (spec.repeat) setBit(types, Ev.Rep)
    for (const [t, codes] of Object.entries(spec.codes)) {
      const type = Number(t)
      setBit(types, type)
      const b = bitmap(TYPE_MAX[type] ?? 0)
      for (const c of codes ?? []) setBit(b, c)
      this.bits.set(type, b)
    }
    this.bits.set(Ev.Syn, types)
  }

  /** The device reports an event; a SYN_REPORT ends a packet and makes it readable. */
  emit(type: number, code: number, value: number): void {
    if (type === Ev.Abs && code < this.absValues.length) {
      if (this.absValues[code] === value) return
      this.absValues[code] = value
    }
    if (type === Ev.Key && code <= KEY_MAX) {
      if (value) this.keys[code >> 3] |= 1 << (code & 7)
      else this.keys[code >> 3] &= ~(1 << (code & 7))
      // A press (not a repeat) repeats from now on; any release ends repeating.
      if (this.spec.repeat && value !== 2) {
        if (value) this.startRepeat(code)
        else this.stopRepeat()
      }
    }
    if (this.grab) this.grab.push(type, code, value)
    else for (const c of this.clients) c.push(type, code, value)
  }

  /** The value of absolute axis `abs` now. */
  absValue(abs: number): number {
    return this.absValues[abs] ?? 0
  }

  private startRepeat(code: number): void {
    this.stopRepeat()
    if (this.rep[REP_DELAY] === 0 || this.rep[REP_PERIOD] === 0) return
    this.repeatKey = code
    this.armRepeat(this.rep[REP_DELAY])
  }

  private stopRepeat(): void {
    if (this.repeatTimer) this.repeatTimer.dead = true
    this.repeatTimer = null
    this.repeatKey = -1
  }

  private armRepeat(ms: number): void {
    this.repeatTimer = this.timers!.add(this.clocks.monotonicNs() + ms * 1e6, () => this.repeat())
  }

  /** input_repeat_key: the key still down repeats as value 2, in a packet of its own. */
  private repeat(): void {
    this.repeatTimer = null
    const code = this.repeatKey
    if (code < 0 || !(this.keys[code >> 3] & (1 << (code & 7)))) return
    this.emit(Ev.Key, code, 2)
    this.emit(Ev.Syn, SYN_REPORT, 0)
    if (this.rep[REP_PERIOD] !== 0) this.armRepeat(this.rep[REP_PERIOD])
  }

  /** Bits of EVIOCGBIT(type) (type 0: the event types), or null for a type without codes here. */
  bitsOf(type: number): Uint8Array | null {
    if (TYPE_MAX[type] === undefined) return null
    return this.bits.get(type) ?? bitmap(TYPE_MAX[type]!)
  }

  keyState(): Uint8Array {
    return this.keys
  }

  open(inode: Inode, flags: number): EvdevFile {
    const f = new EvdevFile(inode, flags, this)
    this.clients.add(f)
    return f
  }
}

/** A bitmap of codes 0..max in whole longs, as the kernel copies it (BITS_TO_LONGS × 8 bytes). */
function bitmap(max: number): Uint8Array {
  return new Uint8Array(Math.ceil((max + 1) / 64) * 8)
}
function setBit(b: Uint8Array, n: number): void {
  b[n >> 3] |= 1 << (n & 7)
}

/** An open event device: an evdev client with its ring of events. */
export class EvdevFile extends FileBase {
  override readonly waitq = new WaitQueue()
  private readonly ring = new Uint8Array(CLIENT_EVENTS * INPUT_EVENT_BYTES)
  private readonly view = new DataView(this.ring.buffer)
  /** Ring positions (event indices, growing): oldest unread, end of the last whole packet, next free. */
  private tail = 0
  private packetHead = 0
  private head = 0
  private monotonic = false

  constructor(inode: Inode, flags: number, readonly dev: EvdevDevice) {
    super(inode, flags)
  }

  push(type: number, code: number, value: number): void {
    if (this.head - this.tail >= CLIENT_EVENTS) {
      // Full: evdev drops what the client has not read and tells it so.
      this.tail = this.packetHead = this.head
      this.put(Ev.Syn, SYN_DROPPED, 0)
      this.packetHead = this.head
    }
    this.put(type, code, value)
    if (type === Ev.Syn && code === SYN_REPORT) {
      this.packetHead = this.head
      this.waitq.wakeAll()
    }
  }

  private put(type: number, code: number, value: number): void {
    const ns = this.monotonic ? this.dev.clocks.monotonicNs() : this.dev.clocks.realtimeNs()
    const at = (this.head % CLIENT_EVENTS) * INPUT_EVENT_BYTES
    const v = this.view
    const sec = Math.floor(ns / 1e9)
    // tv_sec and tv_usec as s64 halves (no BigInt: this runs per event).
    v.setUint32(at, sec >>> 0, true)
    v.setUint32(at + 4, Math.floor(sec / 2 ** 32), true)
    v.setUint32(at + 8, Math.floor((ns - sec * 1e9) / 1000), true)
    v.setUint32(at + 12, 0, true)
    v.setUint16(at + 16, type, true)
    v.setUint16(at + 18, code, true)
    v.setInt32(at + 20, value, true)
    this.head++
  }

  /** Whole events up to the last complete packet; at least one must fit (EINVAL otherwise, as evdev_read). */
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    if (buf.length < INPUT_EVENT_BYTES) return -Errno.EINVAL
    if (this.tail === this.packetHead) return this.flags & O_NONBLOCK ? -Errno.EAGAIN : { block: this.waitq }
    let n = 0
    while (this.tail < this.packetHead && n + INPUT_EVENT_BYTES <= buf.length) {
      const at = (this.tail % CLIENT_EVENTS) * INPUT_EVENT_BYTES
      buf.set(this.ring.subarray(at, at + INPUT_EVENT_BYTES), n)
      n += INPUT_EVENT_BYTES
      this.tail++
    }
    return n
  }

  override poll(): number {
    return (this.tail !== this.packetHead ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM
  }

  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    const dev = this.dev
    switch (cmd) {
      case EVIOCGVERSION:
        return putInt(mem, arg, EVDEV_VERSION)
      case EVIOCGID: {
        const b = new Uint8Array(8)
        const v = new DataView(b.buffer)
        const id = dev.spec.id
        v.setUint16(0, id.bustype, true)
        v.setUint16(2, id.vendor, true)
        v.setUint16(4, id.product, true)
        v.setUint16(6, id.version, true)
        return mem.write(arg, b) ? 0 : -Errno.EFAULT
      }
      case EVIOCGRAB:
        // The argument is the value itself: non-zero grabs, zero releases.
        if (arg) {
          if (dev.grab) return -Errno.EBUSY
          dev.grab = this
          return 0
        }
        if (dev.grab !== this) return -Errno.EINVAL
        dev.grab = null
        return 0
      case EVIOCGREP:
        if (!dev.spec.repeat) return -Errno.ENOSYS
        return mem.write(arg, new Uint8Array(dev.rep.buffer.slice(0))) ? 0 : -Errno.EFAULT
      case EVIOCSREP: {
        if (!dev.spec.repeat) return -Errno.ENOSYS
        const b = mem.read(arg, 8)
        if (!b) return -Errno.EFAULT
        const v = new DataView(b.buffer, b.byteOffset)
        dev.rep[REP_DELAY] = v.getUint32(0, true)
        dev.rep[REP_PERIOD] = v.getUint32(4, true)
        return 0
      }
      case EVIOCSCLOCKID: {
        const b = mem.read(arg, 4)
        if (!b) return -Errno.EFAULT
        const id = new DataView(b.buffer, b.byteOffset).getInt32(0, true)
        if (id !== 0 && id !== 1 && id !== 7) return -Errno.EINVAL
        this.monotonic = id !== 0
        return 0
      }
    }
    // The variable-length reads: _IOC_READ, 'E', size in bits 16..29.
    if (cmd >>> 30 !== IOC_READ || ((cmd >>> 8) & 0xff) !== 0x45) return -Errno.EINVAL
    const size = (cmd >>> 16) & 0x3fff
    const nr = cmd & 0xff
    if (nr === 0x06) return putPrefix(mem, arg, size, enc.encode(dev.spec.name + '\0'))
    if (nr === 0x07 || nr === 0x08) return -Errno.ENOENT // no phys, no uniq
    if (nr === 0x09) return putPrefix(mem, arg, size, new Uint8Array(8)) // no properties
    if (nr === 0x18) return putPrefix(mem, arg, size, dev.keyState())
    if (nr === 0x19 || nr === 0x1a || nr === 0x1b) return putPrefix(mem, arg, size, new Uint8Array(8)) // LEDs, sounds, switches: none on
    if (nr >= 0x40 && nr < 0x80) {
      // EVIOCGABS: a device without absolute axes has no absinfo (EINVAL); an axis it lacks reads as zeros.
      if (!dev.spec.abs) return -Errno.EINVAL
      const axis = dev.spec.abs[nr - 0x40]
      const info = new Uint8Array(ABSINFO_BYTES)
      const v = new DataView(info.buffer)
      if (axis) {
        v.setInt32(0, dev.absValue(nr - 0x40), true)
        v.setInt32(4, axis.minimum, true)
        v.setInt32(8, axis.maximum, true)
      }
      return putPrefix(mem, arg, size, info) >= 0 ? 0 : -Errno.EFAULT
    }
    if (nr >= 0x20 && nr < 0x40) {
      const bits = dev.bitsOf(nr - 0x20)
      return bits ? putPrefix(mem, arg, size, bits) : -Errno.EINVAL
    }
    return -Errno.EINVAL
  }

  override close(): void {
    if (this.dev.grab === this) this.dev.grab = null
    this.dev.clients.delete(this)
  }
}

function putInt(mem: UserMemory, addr: number, v: number): number {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setInt32(0, v, true)
  return mem.write(addr, b) ? 0 : -Errno.EFAULT
}

/** Copies at most `size` bytes of `data` out and returns how many (str_to_user / bits_to_user). */
function putPrefix(mem: UserMemory, addr: number, size: number, data: Uint8Array): number {
  const n = Math.min(size, data.length)
  return mem.write(addr, data.subarray(0, n)) ? n : -Errno.EFAULT
}
