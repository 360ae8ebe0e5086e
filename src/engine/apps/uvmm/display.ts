/**
 * A VM's display as uvmm models it (`--display WxH`): a PL111 colour LCD
 * controller, whose frame the guest's amba-clcd driver puts in guest RAM,
 * and two virtio-input devices — a keyboard and a tablet (an absolute
 * pointer, so the guest's pointer is where the lab's is). The lab reads
 * the picture through the PL111's scanout and sends input through
 * `input`, in Linux input codes (devices/display.ts's DisplayInput).
 *
 * Input may come from outside uvmm's thread (the lab's session): it is
 * only posted to the devices here (no guest memory touched), then `kick`
 * wakes vCPU 0, whose loop calls `flush()` and so fills the driver's
 * buffers from uvmm's own context, as console input is drained.
 */
import type { DisplayInput } from '../../devices/display'
import { Pl111 } from '../../devices/pl111'
import { VirtioInput, ABS_MAX } from '../../virtio'
import { ABS_X, ABS_Y, EV_ABS, EV_KEY, EV_REL, EV_SYN, REL_WHEEL, SYN_REPORT } from '../../virtio/input'
import type { IrqLine } from '../../hw/irq-line'

/** Codes from here up are buttons (BTN_MISC): they belong to the pointer, the rest to the keyboard. */
const BTN_MISC = 0x100

export class VmDisplay {
  readonly clcd: Pl111
  readonly keyboard: VirtioInput
  readonly tablet: VirtioInput
  readonly input: DisplayInput
  /** Wakes the VMM's vCPU 0 so that it flushes posted input (set by whoever delivers input). */
  kick: () => void = () => {}
  /** Told when the controller's scanout may have changed (the lab rebuilds its view of it). */
  onChange: (() => void) | null = null
  /** The pointer, in panel pixels. */
  private x = 0
  private y = 0

  constructor(
    readonly width: number,
    readonly height: number,
    id: string,
    irq: IrqLine,
    clock: () => number,
  ) {
    this.clcd = new Pl111({ name: `${id}-clcd`, irq, clock, onChange: () => this.onChange?.() })
    this.keyboard = new VirtioInput('keyboard', { serial: `${id}-keyboard` })
    this.tablet = new VirtioInput('tablet', { serial: `${id}-tablet` })
    this.input = {
      key: (code, down) => {
        const dev = code >= BTN_MISC ? this.tablet : this.keyboard
        dev.post(EV_KEY, code, down ? 1 : 0)
        dev.post(EV_SYN, SYN_REPORT, 0)
        this.kick()
      },
      motion: (dx, dy) => this.pointTo(this.x + dx, this.y + dy),
      position: (x, y) => this.pointTo(x, y),
      wheel: (steps) => {
        this.tablet.post(EV_REL, REL_WHEEL, steps)
        this.tablet.post(EV_SYN, SYN_REPORT, 0)
        this.kick()
      },
    }
  }

  /** The tablet is absolute: relative motion moves our own pointer, and both report where it is. */
  private pointTo(x: number, y: number): void {
    this.x = Math.min(this.width - 1, Math.max(0, Math.round(x)))
    this.y = Math.min(this.height - 1, Math.max(0, Math.round(y)))
    this.tablet.post(EV_ABS, ABS_X, scale(this.x, this.width))
    this.tablet.post(EV_ABS, ABS_Y, scale(this.y, this.height))
    this.tablet.post(EV_SYN, SYN_REPORT, 0)
    this.kick()
  }

  /** Moves posted input into the drivers' buffers (uvmm's vCPU 0 loop). */
  flush(): void {
    if (this.keyboard.pending > 0) this.keyboard.flush()
    if (this.tablet.pending > 0) this.tablet.flush()
  }
}

/** A pixel position → the tablet's 0..ABS_MAX axis, the last pixel at ABS_MAX. */
function scale(pos: number, size: number): number {
  return size > 1 ? Math.round((pos * ABS_MAX) / (size - 1)) : 0
}
