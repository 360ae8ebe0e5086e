/**
 * The device models a board can be built with, by compatible string. A new
 * model is one file in this folder and one entry here.
 */
import type { DeviceModel } from './device'
import { hostInputModel } from './host-input'
import { loopbackConsoleModel } from './loopback-console'
import { pl031Model } from './pl031'

export const DEVICE_MODELS: readonly DeviceModel[] = [hostInputModel, loopbackConsoleModel, pl031Model]

export function deviceModel(compatible: string): DeviceModel | null {
  return DEVICE_MODELS.find((m) => m.compatible === compatible) ?? null
}

export type { Device, DeviceContext, DeviceModel, Region } from './device'
export { HostInput } from './host-input'
export { LoopbackConsole, LOOPBACK_PROMPT } from './loopback-console'
export { Pl031, PL031 } from './pl031'
