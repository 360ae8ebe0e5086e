/**
 * The host-input device of the board behind `l4lab exec`: the host's standard
 * input reaches the guest as data in a port lx was lent, and this device's
 * interrupt tells lx there is some (where a serial port's receive interrupt
 * would on real hardware). One pulse per delivery; lx reads until the port
 * is empty, so pulses that coalesce lose nothing.
 *
 * Device tree: `host-input { compatible = "l4lab,host-input"; interrupts = <…>; }`
 */
import type { IrqLine } from '../hw/irq-line'
import type { Device, DeviceContext, DeviceModel } from './device'

export class HostInput implements Device {
  readonly compatible = HOST_INPUT
  /** Interrupts raised (for the board's figures). */
  raised = 0

  constructor(
    readonly name: string,
    private readonly irq: IrqLine,
  ) {}

  /** The host has delivered input. */
  raise(): void {
    this.raised++
    this.irq.pulse()
  }
}

const HOST_INPUT = 'l4lab,host-input'

export const hostInputModel: DeviceModel<HostInput> = {
  compatible: HOST_INPUT,
  summary: "the host's input channel (l4lab exec's stdin), an interrupt per delivery",
  needs: { irq: true, region: false },
  create: (ctx: DeviceContext) => new HostInput(ctx.name, ctx.irq!),
}
