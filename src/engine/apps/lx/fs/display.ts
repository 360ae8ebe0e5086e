/**
 * lx's display: a framebuffer of lx frames behind /dev/fb0, a keyboard
 * behind /dev/input/event0 and a mouse behind /dev/input/event1. The lab
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
import { BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, BUS_VIRTUAL, Ev, EvdevDevice, REL_WHEEL, REL_X, REL_Y, SYN_REPORT, evdevDev } from './vfs/evdev'
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
    this.keyboard = new EvdevDevice({ name: 'l4lab keyboard', id: { bustype: BUS_VIRTUAL, vendor: 0x4c34, product: 1, version: 1 }, codes: { [Ev.Key]: KEYBOARD_KEYS } }, clocks)
    this.mouse = new EvdevDevice({
      name: 'l4lab mouse',
      id: { bustype: BUS_VIRTUAL, vendor: 0x4c34, product: 2, version: 1 },
      codes: { [Ev.Key]: MOUSE_BUTTONS, [Ev.Rel]: [REL_X, REL_Y, REL_WHEEL] },
    }, clocks)
  }

  /** /dev/fb0, /dev/input/event0 (keyboard), /dev/input/event1 (mouse). */
  register(dev: DevFs): void {
    dev.register(DEV_FB0, (i, f) => this.fb.open(i, f), 'fb0', 0o660)
    dev.register(evdevDev(0), (i, f) => this.keyboard.open(i, f), 'input/event0', 0o660)
    dev.register(evdevDev(1), (i, f) => this.mouse.open(i, f), 'input/event1', 0o660)
  }

  readonly input: DisplayInput = {
    key: (code, down) => {
      const d = isButton(code) ? this.mouse : this.keyboard
      d.emit(Ev.Key, code, down ? 1 : 0)
      d.emit(Ev.Syn, SYN_REPORT, 0)
      this.kick?.()
    },
    motion: (dx, dy) => {
      if (dx) this.mouse.emit(Ev.Rel, REL_X, dx | 0)
      if (dy) this.mouse.emit(Ev.Rel, REL_Y, dy | 0)
      this.mouse.emit(Ev.Syn, SYN_REPORT, 0)
      this.kick?.()
    },
    wheel: (steps) => {
      this.mouse.emit(Ev.Rel, REL_WHEEL, steps | 0)
      this.mouse.emit(Ev.Syn, SYN_REPORT, 0)
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
