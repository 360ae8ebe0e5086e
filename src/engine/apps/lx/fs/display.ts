/**
 * lx's display: a framebuffer of lx frames behind /dev/fb0, a keyboard
 * behind /dev/input/event0 (autorepeat, EV_REP), a mouse behind
 * /dev/input/event1 and a tablet behind /dev/input/event2. The mouse and
 * the tablet are two views of one pointer, as a Linux desktop has both a
 * relative and an absolute device: the mouse reports how it moved (REL_X/Y),
 * the tablet where it is (ABS_X/Y in display pixels, so a guest's cursor
 * cannot drift from the viewer's); both report its buttons and wheel. The lab
 * reads the framebuffer's frames directly (lab/displays.ts) and delivers
 * input through `input`; delivering raises lx's input Irq, whose upcall
 * wakes lx when it is idle, as a device's interrupt would (the readers the
 * event woke run then).
 *
 *   rom/lx … --fb 1024x768
 */
import type { DisplayInput } from '../../../devices/display'
import type { Lx } from '../lx'
import { DevFs } from './vfs/devfs'
import { FbDevice } from './vfs/fbdev'
import { ABS_X, ABS_Y, BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, BUS_VIRTUAL, Ev, EvdevDevice, REL_WHEEL, REL_X, REL_Y, SYN_REPORT, evdevDev } from './vfs/evdev'
import { DEV_FB0 } from './vfs/fbdev'

/** Key codes a PC keyboard reports (KEY_ESC … KEY_MICMUTE minus the gaps matter little to readers of EVIOCGBIT). */
const KEYBOARD_KEYS = Array.from({ length: 248 }, (_, i) => i + 1)
const MOUSE_BUTTONS = [BTN_LEFT, BTN_RIGHT, BTN_MIDDLE]
/** BTN_MISC (0x100) up to BTN_TASK (0x117): the mouse's, not the keyboard's. */
const isButton = (code: number): boolean => code >= 0x100 && code <= 0x117

export class LxDisplay {
  readonly fb: FbDevice
  readonly keyboard: EvdevDevice
  readonly mouse: EvdevDevice
  readonly tablet: EvdevDevice
  /** Where the pointer is, in display pixels (both pointing devices report it). */
  private pointerX = 0
  private pointerY = 0
  /** Told after input was queued: raises lx's input Irq (the lab sets it; null: nobody to wake, as in tests). */
  kick: (() => void) | null = null

  constructor(lx: Lx, width: number, height: number, frames: Int32Array) {
    const m = lx.memory
    this.fb = new FbDevice({ width, height }, {
      frames,
      read: (f, off, dst) => dst.set(m.read(f, off, dst.length)),
      write: (f, off, src) => m.write(f, off, src),
    }, m.addr(frames[0]))
    const clocks = { realtimeNs: () => lx.realtimeBaseNs + lx.now(), monotonicNs: () => lx.now() }
    this.keyboard = new EvdevDevice(
      { name: 'l4lab keyboard', id: { bustype: BUS_VIRTUAL, vendor: 0x4c34, product: 1, version: 1 }, codes: { [Ev.Key]: KEYBOARD_KEYS }, repeat: true },
      clocks,
      { add: (at, fire) => lx.timers.add(at, fire) },
    )
    this.mouse = new EvdevDevice({
      name: 'l4lab mouse',
      id: { bustype: BUS_VIRTUAL, vendor: 0x4c34, product: 2, version: 1 },
      codes: { [Ev.Key]: MOUSE_BUTTONS, [Ev.Rel]: [REL_X, REL_Y, REL_WHEEL] },
    }, clocks)
    this.tablet = new EvdevDevice({
      name: 'l4lab tablet',
      id: { bustype: BUS_VIRTUAL, vendor: 0x4c34, product: 3, version: 1 },
      codes: { [Ev.Key]: MOUSE_BUTTONS, [Ev.Rel]: [REL_WHEEL], [Ev.Abs]: [ABS_X, ABS_Y] },
      abs: { [ABS_X]: { minimum: 0, maximum: width - 1 }, [ABS_Y]: { minimum: 0, maximum: height - 1 } },
    }, clocks)
  }

  /** /dev/fb0, /dev/input/event0 (keyboard), /dev/input/event1 (mouse), /dev/input/event2 (tablet). */
  register(dev: DevFs): void {
    dev.register(DEV_FB0, (i, f) => this.fb.open(i, f), 'fb0', 0o660)
    dev.register(evdevDev(0), (i, f) => this.keyboard.open(i, f), 'input/event0', 0o660)
    dev.register(evdevDev(1), (i, f) => this.mouse.open(i, f), 'input/event1', 0o660)
    dev.register(evdevDev(2), (i, f) => this.tablet.open(i, f), 'input/event2', 0o660)
  }

  /**
   * The pointer moved by (dx, dy): the mouse reports that motion as it is (a
   * relative device knows no edge), the tablet where the pointer is now,
   * clamped to the display.
   */
  private move(dx: number, dy: number): void {
    dx |= 0
    dy |= 0
    if (dx === 0 && dy === 0) return
    const { width, height } = this.fb.mode
    this.pointerX = Math.min(width - 1, Math.max(0, this.pointerX + dx))
    this.pointerY = Math.min(height - 1, Math.max(0, this.pointerY + dy))
    if (dx) this.mouse.emit(Ev.Rel, REL_X, dx)
    if (dy) this.mouse.emit(Ev.Rel, REL_Y, dy)
    this.mouse.emit(Ev.Syn, SYN_REPORT, 0)
    this.tablet.emit(Ev.Abs, ABS_X, this.pointerX)
    this.tablet.emit(Ev.Abs, ABS_Y, this.pointerY)
    this.tablet.emit(Ev.Syn, SYN_REPORT, 0)
    this.kick?.()
  }

  readonly input: DisplayInput = {
    key: (code, down) => {
      for (const d of isButton(code) ? [this.mouse, this.tablet] : [this.keyboard]) {
        d.emit(Ev.Key, code, down ? 1 : 0)
        d.emit(Ev.Syn, SYN_REPORT, 0)
      }
      this.kick?.()
    },
    motion: (dx, dy) => this.move(dx, dy),
    // To (x, y) clamped: the mouse sees the motion from where the pointer was.
    position: (x, y) => {
      const { width, height } = this.fb.mode
      this.move(Math.min(width - 1, Math.max(0, x | 0)) - this.pointerX, Math.min(height - 1, Math.max(0, y | 0)) - this.pointerY)
    },
    wheel: (steps) => {
      for (const d of [this.mouse, this.tablet]) {
        d.emit(Ev.Rel, REL_WHEEL, steps | 0)
        d.emit(Ev.Syn, SYN_REPORT, 0)
      }
      this.kick?.()
    },
  }
}

/** Parses --fb WIDTHxHEIGHT: sizes a canvas and fbdev take (multiples of 8 keep rows whole words, ≤ 4096). */
export function parseFbSize(s: string): { width: number; height: number } | string {
  const m = /^(\d+)x(\d+)$/.exec(s)
  if (!m) return `--fb: a size such as 1024x768, not '${s}'`
  const width = Number(m[1])
  const height = Number(m[2])
  if (width < 16 || height < 16 || width > 4096 || height > 4096 || width % 8 !== 0) return `--fb ${s}: width and height from 16 to 4096, the width a multiple of 8`
  return { width, height }
}
