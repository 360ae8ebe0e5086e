import { describe, expect, it } from 'vitest'
import { InterruptLines } from '../../hw/irq-line'
import { TestDriver, TestRam } from '../../testing/virtio-driver'
import { VirtioMmio, ABS_MAX, type VirtioInput } from '../../virtio'
import { ABS_X, ABS_Y, BTN_LEFT, EV_ABS, EV_KEY, EV_REL, EV_SYN, REL_WHEEL } from '../../virtio/input'
import { VmDisplay } from './display'

/** A display of 640×480 whose keyboard and tablet each have a driver with `n` event buffers lent. */
function setup(n = 32) {
  const lines = new InterruptLines(3)
  const d = new VmDisplay(640, 480, 'vm1', lines.line(0)!, () => 0)
  let kicks = 0
  d.kick = () => kicks++
  const ram = new TestRam(1 << 20)
  const driver = (dev: VirtioInput, line: number) => {
    const drv = new TestDriver(new VirtioMmio(dev, ram.mem, lines.line(line)!), ram)
    expect(drv.init()).toBe(true)
    const bufs = Array.from({ length: n }, () => {
      const b = { ...ram.buffer(8), write: true }
      drv.queues[0].add([b])
      return b
    })
    /** The events the device wrote, in order. */
    return () => drv.queues[0].takeUsed().map((u) => {
      const dv = new DataView(ram.bytes(bufs[u.id].addr, 8).slice().buffer)
      return [dv.getUint16(0, true), dv.getUint16(2, true), dv.getInt32(4, true)]
    })
  }
  return { d, keyboard: driver(d.keyboard, 1), tablet: driver(d.tablet, 2), kicks: () => kicks }
}

describe('a VM display\'s input', () => {
  it('sends keys to the keyboard and buttons to the tablet, each with a SYN_REPORT, only when flushed', () => {
    const { d, keyboard, tablet, kicks } = setup()
    d.input.key(30, true)
    d.input.key(BTN_LEFT, true)
    expect(kicks()).toBe(2)
    expect(keyboard()).toEqual([])
    d.flush()
    expect(keyboard()).toEqual([[EV_KEY, 30, 1], [EV_SYN, 0, 0]])
    expect(tablet()).toEqual([[EV_KEY, BTN_LEFT, 1], [EV_SYN, 0, 0]])
  })

  it('turns relative motion into absolute positions, clamped to the panel', () => {
    const { d, tablet } = setup()
    d.input.motion(639, 240)
    d.input.motion(500, -1000)
    d.input.wheel(-2)
    d.flush()
    expect(tablet()).toEqual([
      [EV_ABS, ABS_X, ABS_MAX], [EV_ABS, ABS_Y, Math.round((240 * ABS_MAX) / 479)], [EV_SYN, 0, 0],
      [EV_ABS, ABS_X, ABS_MAX], [EV_ABS, ABS_Y, 0], [EV_SYN, 0, 0],
      [EV_REL, REL_WHEEL, -2], [EV_SYN, 0, 0],
    ])
  })

  it("puts the pointer where the lab's view says, clamped, and relative motion goes on from there", () => {
    const { d, tablet } = setup()
    d.input.position(320, 479)
    d.input.position(-5, 9999)
    d.input.motion(10, -479)
    d.flush()
    expect(tablet()).toEqual([
      [EV_ABS, ABS_X, Math.round((320 * ABS_MAX) / 639)], [EV_ABS, ABS_Y, ABS_MAX], [EV_SYN, 0, 0],
      [EV_ABS, ABS_X, 0], [EV_ABS, ABS_Y, ABS_MAX], [EV_SYN, 0, 0],
      [EV_ABS, ABS_X, Math.round((10 * ABS_MAX) / 639)], [EV_ABS, ABS_Y, 0], [EV_SYN, 0, 0],
    ])
  })
})
