/**
 * virtio (1.2) for the machines the engine models: the split virtqueue, the
 * virtio-mmio transport, and the console, block, entropy and input devices. See
 * docs/virtio.md.
 */
export type { DmaMemory } from './memory'
export type { VirtioDevice, VirtioCounters, TransportLink, ConfigAccessSize } from './device'
export { Virtqueue, DescriptorChain, type QueueEvents } from './virtqueue'
export { VirtioMmio, VIRTIO_MMIO_WINDOW, VIRTIO_MMIO_VENDOR, LOG_LIMIT } from './mmio'
export { VirtioConsole, INPUT_LIMIT, type VirtioConsoleOptions } from './console'
export { VirtioBlock, SECTOR_SIZE, type VirtioBlockOptions } from './block'
export { MemoryBackend, type BlockBackend } from './block-backend'
export { VirtioRng, REQUEST_MAX, type VirtioRngOptions } from './rng'
export { VirtioInput, EVENT_LIMIT, ABS_MAX, type InputKind, type VirtioInputOptions } from './input'
