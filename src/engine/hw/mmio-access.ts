/**
 * A guest's load or store to a device, as a data abort's syndrome
 * describes it (Arm ARM D17.2.40, ESR_ELx ISS for EC 0x24: ISV, SAS, SSE,
 * SRT, SF, WnR), carried out on a bus: what a board does with a device
 * access of its cores and a VMM with a stage-2 fault of its guest. The
 * caller moves the PC on.
 */
import { MmioStatus, type AccessSize, type MmioBus } from './mmio-bus'

/** The registers an emulated access reads and writes. */
export interface AbortRegs {
  x(n: number): bigint
  setX(n: number, v: bigint): void
}

export const enum MmioAccessResult {
  Done = 0,
  /** A device answered nothing there: a read gave zero, a write went nowhere. */
  Unmapped = 1,
  /** The syndrome does not describe the instruction (ISV clear): it cannot be emulated. */
  NoSyndrome = 2,
}

/** Whether an abort's ISS describes its instruction (ISV). */
export const syndromeValid = (syndrome: number): boolean => ((syndrome >>> 24) & 1) === 1

export function emulateMmio(regs: AbortRegs, bus: MmioBus, pa: number, write: boolean, syndrome: number): MmioAccessResult {
  if (!syndromeValid(syndrome)) return MmioAccessResult.NoSyndrome
  const size = (1 << ((syndrome >>> 22) & 3)) as AccessSize
  const rt = (syndrome >>> 16) & 31
  if (write) {
    const v = rt === 31 ? 0n : BigInt.asUintN(size * 8, regs.x(rt))
    return bus.write(pa, size, v) === MmioStatus.Ok ? MmioAccessResult.Done : MmioAccessResult.Unmapped
  }
  let v = bus.read(pa, size)
  const status = bus.status
  if ((syndrome >>> 21) & 1) v = BigInt.asUintN(64, BigInt.asIntN(size * 8, v)) // SSE
  if (((syndrome >>> 15) & 1) === 0) v &= 0xffff_ffffn // a W register
  if (rt !== 31) regs.setX(rt, v)
  return status === MmioStatus.Ok ? MmioAccessResult.Done : MmioAccessResult.Unmapped
}
