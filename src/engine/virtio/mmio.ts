/**
 * The virtio-mmio transport, modern interface (Version 2), virtio 1.2
 * section 4.2: one register window per device, one level-triggered
 * interrupt line.
 *
 * Device tree (4.2.1): `virtio_mmio@a000000 { compatible = "virtio,mmio";
 * reg = <0x0 0xa000000 0x0 0x200>; interrupts = <…>; dma-coherent; }`.
 * The window is 0x100 bytes of control registers followed by the device's
 * configuration space; 0x200 covers every device here.
 *
 * The driver's side of the rules is enforced, never trusted:
 * - Control registers take 32-bit aligned accesses only (4.2.2.2); anything
 *   else, a write to a read-only register, a read of a write-only one and an
 *   unknown offset are logged and ignored (reads give 0).
 * - The status only gains bits, each after its prerequisite (3.1.1):
 *   ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK; FAILED at any time; 0 resets.
 *   DEVICE_NEEDS_RESET is the device's: what the driver writes there is
 *   ignored. FEATURES_OK stays clear when the driver accepted a feature
 *   not offered or left out VIRTIO_F_VERSION_1 (2.2.2, 6.1).
 * - Driver features are taken between DRIVER and FEATURES_OK; queues are set
 *   up between FEATURES_OK and DRIVER_OK and only while not ready
 *   (4.2.2.2); a queue's layout is checked when it is made ready, and a bad
 *   one, like any broken queue, sets DEVICE_NEEDS_RESET (2.1.2): every
 *   queue halts and, after DRIVER_OK, the driver gets a configuration change
 *   notification.
 * - The device uses no queue before DRIVER_OK (3.1.1). At DRIVER_OK it looks
 *   at every ready queue once, for buffers made available before.
 * Log lines are capped (LOG_LIMIT) so that a guest cannot flood the host.
 *
 * VendorID is 0x424c344c, "L4LB" in little-endian ASCII: our own, so that
 * no driver applies another vendor's quirks.
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'
import type { IrqLine } from '../hw/irq-line'
import type { DmaMemory } from './memory'
import type { ConfigAccessSize, VirtioCounters, VirtioDevice } from './device'
import { DeviceStatus, RING_FEATURES, VIRTIO_F_VERSION_1 } from './spec'
import { hex, Virtqueue, type QueueEvents } from './virtqueue'

/** Table 4.1, the control registers. */
const enum Reg {
  MagicValue = 0x000,
  Version = 0x004,
  DeviceID = 0x008,
  VendorID = 0x00c,
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  QueueReady = 0x044,
  QueueNotify = 0x050,
  InterruptStatus = 0x060,
  InterruptACK = 0x064,
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  SHMSel = 0x0ac,
  SHMLenLow = 0x0b0,
  SHMLenHigh = 0x0b4,
  SHMBaseLow = 0x0b8,
  SHMBaseHigh = 0x0bc,
  QueueReset = 0x0c0,
  ConfigGeneration = 0x0fc,
  Config = 0x100,
}

/** Names and directions, for log lines. QueueReset is absent: VIRTIO_F_RING_RESET is not offered, so it is not a register here. */
const REGISTERS: ReadonlyMap<number, readonly [name: string, direction: 'R' | 'W' | 'RW']> = new Map([
  [Reg.MagicValue, ['MagicValue', 'R']], [Reg.Version, ['Version', 'R']], [Reg.DeviceID, ['DeviceID', 'R']],
  [Reg.VendorID, ['VendorID', 'R']], [Reg.DeviceFeatures, ['DeviceFeatures', 'R']], [Reg.DeviceFeaturesSel, ['DeviceFeaturesSel', 'W']],
  [Reg.DriverFeatures, ['DriverFeatures', 'W']], [Reg.DriverFeaturesSel, ['DriverFeaturesSel', 'W']], [Reg.QueueSel, ['QueueSel', 'W']],
  [Reg.QueueNumMax, ['QueueNumMax', 'R']], [Reg.QueueNum, ['QueueNum', 'W']], [Reg.QueueReady, ['QueueReady', 'RW']],
  [Reg.QueueNotify, ['QueueNotify', 'W']], [Reg.InterruptStatus, ['InterruptStatus', 'R']], [Reg.InterruptACK, ['InterruptACK', 'W']],
  [Reg.Status, ['Status', 'RW']], [Reg.QueueDescLow, ['QueueDescLow', 'W']], [Reg.QueueDescHigh, ['QueueDescHigh', 'W']],
  [Reg.QueueDriverLow, ['QueueDriverLow', 'W']], [Reg.QueueDriverHigh, ['QueueDriverHigh', 'W']], [Reg.QueueDeviceLow, ['QueueDeviceLow', 'W']],
  [Reg.QueueDeviceHigh, ['QueueDeviceHigh', 'W']], [Reg.SHMSel, ['SHMSel', 'W']], [Reg.SHMLenLow, ['SHMLenLow', 'R']],
  [Reg.SHMLenHigh, ['SHMLenHigh', 'R']], [Reg.SHMBaseLow, ['SHMBaseLow', 'R']], [Reg.SHMBaseHigh, ['SHMBaseHigh', 'R']],
  [Reg.ConfigGeneration, ['ConfigGeneration', 'R']],
])

export const VIRTIO_MMIO_MAGIC = 0x74726976
export const VIRTIO_MMIO_VERSION = 2
export const VIRTIO_MMIO_VENDOR = 0x424c344c
/** The register window QEMU and the device trees here give a transport. */
export const VIRTIO_MMIO_WINDOW = 0x200

/** InterruptStatus bits (4.2.2). */
export const enum Interrupt {
  USED_BUFFER = 1,
  CONFIG_CHANGE = 2,
}

/** Log lines per transport before it falls silent (a guest in a loop of mistakes must not flood the host). */
export const LOG_LIMIT = 64

const DEVICE_NAMES: ReadonlyMap<number, string> = new Map([[2, 'virtio-blk'], [3, 'virtio-console'], [4, 'virtio-rng']])
const SETUP_BITS = DeviceStatus.FEATURES_OK | DeviceStatus.DRIVER_OK | DeviceStatus.FAILED | DeviceStatus.DEVICE_NEEDS_RESET
const DRIVER_BITS = DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK | DeviceStatus.DRIVER_OK | DeviceStatus.FAILED

export class VirtioMmio implements MmioDevice {
  readonly name: string
  /** Feature bits offered: the device's own and the ring features. */
  readonly offered: bigint
  private status = 0
  private deviceFeaturesSel = 0
  private driverFeaturesSel = 0
  private readonly driverFeatures = new Uint32Array(2)
  /** The features the driver accepted, fixed when FEATURES_OK was taken. */
  private accepted = 0n
  private queueSel = 0
  private interruptStatus = 0
  private configGeneration = 0
  private readonly queues: Virtqueue[]
  /** Per queue: desc, driver, device area addresses as low and high words (a number cannot keep 64 bits exactly). */
  private readonly areaWords: Uint32Array
  private logged = 0

  constructor(
    private readonly device: VirtioDevice,
    mem: DmaMemory,
    private readonly irq: IrqLine,
    private readonly log: (msg: string) => void = () => {},
  ) {
    this.name = DEVICE_NAMES.get(device.deviceId) ?? `virtio device ${device.deviceId}`
    this.offered = device.features | RING_FEATURES
    const events: QueueEvents = {
      usedBuffers: () => this.interrupt(Interrupt.USED_BUFFER),
      broken: (queue, reason) => this.needsReset(`queue ${queue}: ${reason}`),
    }
    this.queues = Array.from({ length: device.queueCount }, (_, i) => new Virtqueue(i, device.queueMax(i), mem, events))
    this.areaWords = new Uint32Array(6 * device.queueCount)
    device.bind({ configChanged: () => this.configChanged() })
  }

  get counters(): VirtioCounters {
    return this.device.counters
  }

  read(off: number, size: AccessSize): bigint {
    if (off >= Reg.Config) return this.readConfig(off - Reg.Config, size)
    if (size !== 4 || off % 4 !== 0) {
      this.warn(`${size}-byte read at ${hex(off)}: control registers take 32-bit aligned accesses (4.2.2.2)`)
      return 0n
    }
    return BigInt(this.readRegister(off))
  }

  write(off: number, size: AccessSize, v: bigint): void {
    if (off >= Reg.Config) return this.writeConfig(off - Reg.Config, size, v)
    if (size !== 4 || off % 4 !== 0) return this.warn(`${size}-byte write at ${hex(off)}: control registers take 32-bit aligned accesses (4.2.2.2)`)
    const value = Number(v & 0xffff_ffffn)
    switch (off) {
      case Reg.DeviceFeaturesSel:
        this.deviceFeaturesSel = value
        return
      case Reg.DriverFeatures:
        return this.writeDriverFeatures(value)
      case Reg.DriverFeaturesSel:
        this.driverFeaturesSel = value
        return
      case Reg.QueueSel:
        this.queueSel = value
        return
      case Reg.QueueNum: {
        const q = this.queueToConfigure('QueueNum')
        if (q !== null) q.size = value
        return
      }
      case Reg.QueueReady:
        return this.writeQueueReady(value)
      case Reg.QueueNotify:
        return this.writeQueueNotify(value)
      case Reg.InterruptACK:
        this.interruptStatus &= ~value
        if (this.interruptStatus === 0) this.irq.set(false)
        return
      case Reg.Status:
        return this.writeStatus(value)
      case Reg.QueueDescLow:
      case Reg.QueueDescHigh:
      case Reg.QueueDriverLow:
      case Reg.QueueDriverHigh:
      case Reg.QueueDeviceLow:
      case Reg.QueueDeviceHigh:
        return this.writeQueueArea(off, value)
      case Reg.SHMSel:
        return // No shared memory regions: whatever is selected reads as absent.
      default: {
        const reg = REGISTERS.get(off)
        return this.warn(reg === undefined ? `write of ${hex(value)} to unknown register ${hex(off)}` : `write to read-only register ${reg[0]} (${hex(off)})`)
      }
    }
  }

  private readRegister(off: number): number {
    switch (off) {
      case Reg.MagicValue:
        return VIRTIO_MMIO_MAGIC
      case Reg.Version:
        return VIRTIO_MMIO_VERSION
      case Reg.DeviceID:
        return this.device.deviceId
      case Reg.VendorID:
        return VIRTIO_MMIO_VENDOR
      case Reg.DeviceFeatures:
        return this.deviceFeaturesSel < 2 ? Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn) : 0
      case Reg.QueueNumMax:
        return this.queues[this.queueSel]?.maxSize ?? 0
      case Reg.QueueReady:
        return this.queues[this.queueSel]?.ready ? 1 : 0
      case Reg.InterruptStatus:
        return this.interruptStatus
      case Reg.Status:
        return this.status
      case Reg.SHMLenLow:
      case Reg.SHMLenHigh:
      case Reg.SHMBaseLow:
      case Reg.SHMBaseHigh:
        return 0xffff_ffff // A region that does not exist has length and base -1 (4.2.2).
      case Reg.ConfigGeneration:
        return this.configGeneration
      default: {
        const reg = REGISTERS.get(off)
        this.warn(reg === undefined ? `read of unknown register ${hex(off)}` : `read of write-only register ${reg[0]} (${hex(off)})`)
        return 0
      }
    }
  }

  private writeDriverFeatures(value: number): void {
    if ((this.status & (DeviceStatus.DRIVER | SETUP_BITS)) !== DeviceStatus.DRIVER) {
      return this.warn(`DriverFeatures ignored: features are accepted after DRIVER and before FEATURES_OK (3.1.1)`)
    }
    if (this.driverFeaturesSel < 2) this.driverFeatures[this.driverFeaturesSel] = value
    else if (value !== 0) this.warn(`DriverFeatures word ${this.driverFeaturesSel} = ${hex(value)}: no such features are offered`)
  }

  private writeStatus(value: number): void {
    if (value === 0) return this.reset()
    const old = this.status
    const next = (value & ~DeviceStatus.DEVICE_NEEDS_RESET) | (old & DeviceStatus.DEVICE_NEEDS_RESET)
    const added = next & ~old
    let why = ''
    if ((next & old) !== old) why = 'clears bits (only a write of 0 does, by resetting)'
    else if (next & ~(DRIVER_BITS | DeviceStatus.DEVICE_NEEDS_RESET)) why = 'sets undefined bits'
    else if (added & DeviceStatus.DRIVER && !(next & DeviceStatus.ACKNOWLEDGE)) why = 'sets DRIVER without ACKNOWLEDGE'
    else if (added & DeviceStatus.FEATURES_OK && !(next & DeviceStatus.DRIVER)) why = 'sets FEATURES_OK without DRIVER'
    else if (added & DeviceStatus.DRIVER_OK && !(next & DeviceStatus.FEATURES_OK)) why = 'sets DRIVER_OK without FEATURES_OK'
    if (why !== '') return this.warn(`Status ${hex(old)} -> ${hex(value)} ignored: it ${why} (3.1.1)`)
    let status = next
    if (added & DeviceStatus.FEATURES_OK) {
      const refusal = this.refuseFeatures()
      if (refusal !== null) {
        // 2.2.2: the device fails to set FEATURES_OK; DRIVER_OK cannot follow.
        this.warn(`FEATURES_OK refused: ${refusal}`)
        status &= ~(DeviceStatus.FEATURES_OK | DeviceStatus.DRIVER_OK)
      } else this.accepted = this.driverFeaturesValue()
    }
    this.status = status
    if (added & DeviceStatus.FAILED) {
      this.warn('the driver set FAILED: the device stops until reset')
      for (const q of this.queues) q.halt()
    }
    if (status & added & DeviceStatus.DRIVER_OK) this.activate()
  }

  private refuseFeatures(): string | null {
    const wanted = this.driverFeaturesValue()
    const extra = wanted & ~this.offered
    if (extra !== 0n) return `the driver accepted features 0x${extra.toString(16)} that are not offered`
    if ((wanted & VIRTIO_F_VERSION_1) === 0n) return 'the driver did not accept VIRTIO_F_VERSION_1 (legacy drivers are not served)'
    return null
  }

  private driverFeaturesValue(): bigint {
    return (BigInt(this.driverFeatures[1]) << 32n) | BigInt(this.driverFeatures[0])
  }

  private activate(): void {
    this.device.activate(this.accepted, this.queues)
    if (this.status & DeviceStatus.DEVICE_NEEDS_RESET) {
      // Broken before DRIVER_OK (a bad queue layout): tell the driver now that it listens (2.1.2).
      this.interrupt(Interrupt.CONFIG_CHANGE)
      return
    }
    for (const q of this.queues) if (q.usable) this.device.notify(q.index)
  }

  /** The selected queue, when its configuration may change now; otherwise logs why not and gives null. */
  private queueToConfigure(register: string): Virtqueue | null {
    const q = this.queues[this.queueSel]
    if (q === undefined) this.warn(`${register} for queue ${this.queueSel}, which does not exist`)
    else if ((this.status & SETUP_BITS) !== DeviceStatus.FEATURES_OK) this.warn(`${register} ignored: queues are set up after FEATURES_OK and before DRIVER_OK (3.1.1)`)
    else if (q.ready) this.warn(`${register} ignored: queue ${q.index} is ready (4.2.2.2)`)
    else return q
    return null
  }

  private writeQueueArea(off: number, value: number): void {
    const q = this.queueToConfigure(REGISTERS.get(off)![0])
    if (q === null) return
    // 0x80 desc, 0x90 driver, 0xa0 device; +4 the high word.
    const part = (off - Reg.QueueDescLow) >> 4
    const w = 6 * q.index + 2 * part
    this.areaWords[w + (off & 4 ? 1 : 0)] = value
    const pa = this.areaWords[w + 1] * 2 ** 32 + this.areaWords[w]
    if (part === 0) q.descTable = pa
    else if (part === 1) q.availRing = pa
    else q.usedRing = pa
  }

  private writeQueueReady(value: number): void {
    if (value === 0) {
      // 4.2.2.2: the driver stops using a queue by writing 0 (Linux does so after a reset, for every queue).
      const q = this.queues[this.queueSel]
      if (q === undefined) this.warn(`QueueReady for queue ${this.queueSel}, which does not exist`)
      else q.disable()
      return
    }
    if (value !== 1) return this.warn(`QueueReady = ${hex(value)} ignored: only 0 and 1 are defined`)
    const q = this.queueToConfigure('QueueReady')
    if (q === null) return
    const problem = q.problem()
    if (problem !== null) return this.needsReset(`queue ${q.index}: ${problem}`)
    q.enable(this.accepted)
  }

  private writeQueueNotify(value: number): void {
    if (!(this.status & DeviceStatus.DRIVER_OK)) return this.warn(`QueueNotify ${value} before DRIVER_OK ignored (3.1.1)`)
    // After DEVICE_NEEDS_RESET or FAILED the queues are halted; the driver may not have noticed yet.
    if (this.status & (DeviceStatus.DEVICE_NEEDS_RESET | DeviceStatus.FAILED)) return
    const q = this.queues[value]
    if (q === undefined || !q.ready) return this.warn(`QueueNotify for queue ${value}, which ${q === undefined ? 'does not exist' : 'is not ready'}`)
    this.device.notify(value)
  }

  private readConfig(off: number, size: AccessSize): bigint {
    if (size === 8) return (this.readConfig(off + 4, 4) << 32n) | this.readConfig(off, 4)
    if (!this.configAccessOk('read', off, size)) return 0n
    return BigInt(this.device.readConfig(off, size))
  }

  private writeConfig(off: number, size: AccessSize, v: bigint): void {
    if (size === 8) {
      this.writeConfig(off, 4, v & 0xffff_ffffn)
      return this.writeConfig(off + 4, 4, (v >> 32n) & 0xffff_ffffn)
    }
    if (!this.configAccessOk('write', off, size)) return
    const value = Number(v & ((1n << BigInt(8 * size)) - 1n))
    if (!this.device.writeConfig(off, size, value)) this.warn(`write of ${hex(value)} to read-only configuration offset ${hex(off)}`)
  }

  private configAccessOk(what: string, off: number, size: ConfigAccessSize): boolean {
    if (off % size !== 0) this.warn(`unaligned ${size}-byte ${what} at configuration offset ${hex(off)} (4.2.2.2)`)
    else if (off + size > this.device.configSize) this.warn(`${size}-byte ${what} at configuration offset ${hex(off)}, past its ${this.device.configSize} bytes`)
    else return true
    return false
  }

  private interrupt(bit: Interrupt): void {
    this.interruptStatus |= bit
    this.device.counters.interrupts++
    this.irq.set(true)
  }

  private configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0
    if (this.status & DeviceStatus.DRIVER_OK) this.interrupt(Interrupt.CONFIG_CHANGE)
  }

  /** 2.1.2: the device cannot go on; it stops using guest memory and tells the driver, once, until reset. */
  private needsReset(reason: string): void {
    if (this.status & DeviceStatus.DEVICE_NEEDS_RESET) return
    this.status |= DeviceStatus.DEVICE_NEEDS_RESET
    this.device.counters.errors++
    for (const q of this.queues) q.halt()
    this.warn(`${reason}; the device needs a reset`)
    if (this.status & DeviceStatus.DRIVER_OK) this.interrupt(Interrupt.CONFIG_CHANGE)
  }

  /** Status 0 (2.4): everything the driver set up is forgotten; the interrupt drops. */
  private reset(): void {
    this.status = this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0
    this.driverFeatures.fill(0)
    this.accepted = 0n
    for (const q of this.queues) q.reset()
    this.areaWords.fill(0)
    this.interruptStatus = 0
    this.irq.set(false)
    this.device.reset()
  }

  private warn(msg: string): void {
    if (this.logged > LOG_LIMIT) return
    this.log(this.logged++ < LOG_LIMIT ? `${this.name}: ${msg}` : `${this.name}: further messages suppressed`)
  }
}
