/**
 * virtio input device (virtio 1.2, 5.8): a keyboard or an absolute pointer
 * (a tablet) that speaks Linux's evdev event codes, which is what the lab's
 * displays hand over (devices/display.ts). Two queues: eventq (0), buffers
 * the driver lends for events (struct virtio_input_event: le16 type, le16
 * code, le32 value, 5.8.6), and statusq (1), where the driver reports LED
 * state; the device takes those and gives them back (5.8.6.2: "the device
 * MAY ignore them").
 *
 * Configuration space (5.8.5): the driver writes `select` (byte 0) and
 * `subsel` (byte 1) and reads `size` (byte 2) and the union at byte 8 —
 * ID_NAME, ID_SERIAL (strings), ID_DEVIDS (le16 bustype, vendor, product,
 * version), PROP_BITS, EV_BITS (subsel = event type: a bitmap of codes) and
 * ABS_INFO (subsel = axis: le32 min, max, fuzz, flat, res). An unknown
 * selection has size 0 (5.8.5.2).
 *
 * Events arrive from the host with `post()`, which touches no guest
 * memory: it may be called from outside the VMM's thread (the lab's
 * input). They wait in a bounded ring (EVENT_LIMIT) until `flush()` — which
 * the VMM calls from its own loop, and `notify()` on eventq calls — moves
 * them into the driver's buffers. A full ring drops what comes on and
 * counts it (`dropped`): a guest that reads no input cannot make the lab
 * hold memory for it. The ring is kept across a device reset, as the
 * console keeps its input.
 */
import { newCounters, readLe, type ConfigAccessSize, type VirtioCounters, type VirtioDevice } from './device'
import { DeviceId } from './spec'
import type { Virtqueue } from './virtqueue'

/** Config selectors, 5.8.5. */
export const enum InputCfg {
  UNSET = 0x00,
  ID_NAME = 0x01,
  ID_SERIAL = 0x02,
  ID_DEVIDS = 0x03,
  PROP_BITS = 0x10,
  EV_BITS = 0x11,
  ABS_INFO = 0x12,
}

// Event types and codes of Linux's input-event-codes.h that the two devices use (shared with lx's evdev).
import { ABS_X, ABS_Y, BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, EV_ABS, EV_KEY, EV_LED, EV_REL, EV_REP, EV_SYN, REL_WHEEL, SYN_REPORT } from '../util/input-codes'
export { ABS_X, ABS_Y, BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, EV_ABS, EV_KEY, EV_LED, EV_REL, EV_REP, EV_SYN, REL_WHEEL, SYN_REPORT }
const LED_NUML = 0
const LED_CAPSL = 1
const LED_SCROLLL = 2
/** INPUT_PROP_POINTER: the device moves a pointer on the screen (evdev's tablet heuristics). */
const INPUT_PROP_POINTER = 0
/** BUS_VIRTUAL, and the ids QEMU's virtio-input devices report (vendor 0x0627, products 1 keyboard, 3 tablet). */
const BUS_VIRTUAL = 0x06
const VENDOR = 0x0627

/** Largest keyboard key code offered (KEY_* below the button range). */
const KEY_MAX_KEYBOARD = 0xff
/** Absolute pointer range: a display position is scaled into it, as QEMU's tablet does. */
export const ABS_MAX = 0x7fff
/** Events that may wait for buffers. */
export const EVENT_LIMIT = 1024
const EVENTQ = 0
const STATUSQ = 1
const EVENT_BYTES = 8
const CONFIG_SIZE = 8 + 128
const UNION = 8

export type InputKind = 'keyboard' | 'tablet'

export interface VirtioInputOptions {
  /** ID_NAME (at most 128 bytes). */
  name?: string
  serial?: string
  /** QueueNumMax of both queues (default 64). */
  queueSize?: number
}

/** What each kind offers: its name, product id, properties, and codes per event type (absent types offer nothing). */
interface Profile {
  name: string
  product: number
  props: number[]
  codes: Map<number, number[]>
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

function profile(kind: InputKind): Profile {
  if (kind === 'keyboard') {
    return {
      name: 'l4lab virtio keyboard',
      product: 1,
      props: [],
      codes: new Map([[EV_KEY, range(1, KEY_MAX_KEYBOARD)], [EV_LED, [LED_NUML, LED_CAPSL, LED_SCROLLL]], [EV_REP, []]]),
    }
  }
  return {
    name: 'l4lab virtio tablet',
    product: 3,
    props: [INPUT_PROP_POINTER],
    codes: new Map([[EV_KEY, [BTN_LEFT, BTN_RIGHT, BTN_MIDDLE]], [EV_REL, [REL_WHEEL]], [EV_ABS, [ABS_X, ABS_Y]]]),
  }
}

export class VirtioInput implements VirtioDevice {
  readonly deviceId = DeviceId.INPUT
  readonly features = 0n
  readonly queueCount = 2
  readonly configSize = CONFIG_SIZE
  readonly counters: VirtioCounters = newCounters()
  /** Events the ring had no room for. */
  dropped = 0
  private readonly queueSize: number
  private readonly profile: Profile
  private readonly serial: string
  private readonly config = new Uint8Array(CONFIG_SIZE)
  private readonly configView = new DataView(this.config.buffer)
  private queues: readonly Virtqueue[] | null = null
  /** Pending events: `count` of them from `head`, each type, code, value. */
  private readonly ring = new Int32Array(EVENT_LIMIT * 3)
  private head = 0
  private count = 0
  private readonly event = new Uint8Array(EVENT_BYTES)
  private readonly eventView = new DataView(this.event.buffer)

  constructor(
    readonly kind: InputKind,
    opts: VirtioInputOptions = {},
  ) {
    this.queueSize = opts.queueSize ?? 64
    this.profile = profile(kind)
    if (opts.name) this.profile.name = opts.name
    this.serial = opts.serial ?? ''
  }

  /** Events waiting for the driver's buffers. */
  get pending(): number {
    return this.count
  }

  /** Queues one event (no guest memory is touched); false when the ring is full and it was dropped. */
  post(type: number, code: number, value: number): boolean {
    if (this.count === EVENT_LIMIT) {
      this.dropped++
      return false
    }
    const at = ((this.head + this.count) % EVENT_LIMIT) * 3
    this.ring[at] = type
    this.ring[at + 1] = code
    this.ring[at + 2] = value
    this.count++
    return true
  }

  /** Moves pending events into eventq's buffers while there are both; notifies the driver once. */
  flush(): void {
    const q = this.queues?.[EVENTQ]
    if (q === undefined || !q.usable || this.count === 0) return
    let moved = false
    while (this.count > 0) {
      const chain = q.pop()
      if (chain === null) break
      const at = this.head * 3
      const ev = this.eventView
      ev.setUint16(0, this.ring[at], true)
      ev.setUint16(2, this.ring[at + 1], true)
      ev.setInt32(4, this.ring[at + 2], true)
      // A buffer too small for an event breaks 5.8.6.1; it goes back unused and the event waits.
      const fits = chain.writableBytes >= EVENT_BYTES
      if (fits && !chain.write(0, this.event)) return
      if (fits) {
        this.head = (this.head + 1) % EVENT_LIMIT
        this.count--
        this.counters.requests++
        this.counters.bytesIn += EVENT_BYTES
      } else this.counters.errors++
      q.push(chain.head, fits ? EVENT_BYTES : 0)
      moved = true
    }
    if (moved) q.notifyDriver()
  }

  queueMax(_n: number): number {
    return this.queueSize
  }

  readConfig(offset: number, size: ConfigAccessSize): number {
    return readLe(this.config, offset, size)
  }

  /** Only select and subsel are writable (5.8.5): each write fills in size and the union for the new selection. */
  writeConfig(offset: number, size: ConfigAccessSize, value: number): boolean {
    if (offset > 1) return false
    for (let i = 0; i < size && offset + i <= 1; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff
    this.select(this.config[0], this.config[1])
    return true
  }

  bind(): void {}

  activate(_features: bigint, queues: readonly Virtqueue[]): void {
    this.queues = queues
    this.flush()
  }

  notify(queue: number): void {
    if (queue === EVENTQ) this.flush()
    else if (queue === STATUSQ) this.status()
  }

  reset(): void {
    this.queues = null
    this.config.fill(0)
  }

  /** LED and other status reports: read and returned (the lab has no LEDs to light). */
  private status(): void {
    const q = this.queues?.[STATUSQ]
    if (q === undefined) return
    for (let chain = q.pop(); chain !== null; chain = q.pop()) {
      this.counters.requests++
      this.counters.bytesOut += chain.readableBytes
      q.push(chain.head, 0)
    }
    q.notifyDriver()
  }

  /** The configuration for (select, subsel), 5.8.5.1. */
  private select(select: number, subsel: number): void {
    const cfg = this.config
    cfg.fill(0, 2)
    let size = 0
    const p = this.profile
    switch (select) {
      case InputCfg.ID_NAME: size = this.putString(p.name); break
      case InputCfg.ID_SERIAL: size = this.putString(this.serial); break
      case InputCfg.ID_DEVIDS:
        if (subsel !== 0) break
        this.configView.setUint16(UNION, BUS_VIRTUAL, true)
        this.configView.setUint16(UNION + 2, VENDOR, true)
        this.configView.setUint16(UNION + 4, p.product, true)
        this.configView.setUint16(UNION + 6, 1, true)
        size = 8
        break
      case InputCfg.PROP_BITS: if (subsel === 0) size = this.putBits(p.props); break
      case InputCfg.EV_BITS: {
        const codes = p.codes.get(subsel)
        // EV_REP has no codes but must show as present: one byte, all clear (QEMU does the same).
        if (codes) size = codes.length > 0 ? this.putBits(codes) : 1
        break
      }
      case InputCfg.ABS_INFO:
        if (!p.codes.get(EV_ABS)?.includes(subsel)) break
        this.configView.setUint32(UNION, 0, true)
        this.configView.setUint32(UNION + 4, ABS_MAX, true)
        size = 20
        break
    }
    cfg[2] = size
  }

  private putString(s: string): number {
    const bytes = new TextEncoder().encode(s).subarray(0, 128)
    this.config.set(bytes, UNION)
    return bytes.length
  }

  /** A bitmap of `codes` at the union; its size is up to the highest byte with a bit set. */
  private putBits(codes: readonly number[]): number {
    let size = 0
    for (const c of codes) {
      this.config[UNION + (c >>> 3)] |= 1 << (c & 7)
      size = Math.max(size, (c >>> 3) + 1)
    }
    return size
  }
}
