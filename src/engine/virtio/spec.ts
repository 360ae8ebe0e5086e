/**
 * Numbers from "Virtual I/O Device (VIRTIO) Version 1.2" that more than one
 * file here needs: device status bits (2.1), reserved feature bits (6),
 * split-virtqueue layout and flags (2.7), device IDs (5). Each device's own
 * numbers live in its file.
 */

/** Device status field, 2.1. The driver sets all of them but DEVICE_NEEDS_RESET, which is the device's. */
export const enum DeviceStatus {
  ACKNOWLEDGE = 1,
  DRIVER = 2,
  DRIVER_OK = 4,
  FEATURES_OK = 8,
  DEVICE_NEEDS_RESET = 64,
  FAILED = 128,
}

/** Device types, 5 (the ones modelled here). */
export const enum DeviceId {
  BLOCK = 2,
  CONSOLE = 3,
  ENTROPY = 4,
  INPUT = 18,
}

/** Reserved feature bits, 6: the ones this implementation offers or refuses by name. */
export const VIRTIO_F_INDIRECT_DESC = 1n << 28n
export const VIRTIO_F_EVENT_IDX = 1n << 29n
export const VIRTIO_F_VERSION_1 = 1n << 32n
/** Offered by every device here: the transport adds them to the device's own bits. */
export const RING_FEATURES = VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX | VIRTIO_F_VERSION_1

/** Descriptor flags, 2.7.5. */
export const VIRTQ_DESC_F_NEXT = 1
export const VIRTQ_DESC_F_WRITE = 2
export const VIRTQ_DESC_F_INDIRECT = 4
/** virtq_avail.flags, 2.7.6: the driver needs no used buffer notification. */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1

/** Sizes of the split-ring parts, 2.7: a descriptor, a used element, the two rings' headers (flags, idx). */
export const DESC_SIZE = 16
export const USED_ELEM_SIZE = 8
export const RING_HEADER = 4
/** "The maximum Queue Size value is 32768" (2.7). */
export const QUEUE_SIZE_LIMIT = 32768
/** Drivers must not add a chain over 2^32 bytes long (2.7.5.1); len in the used ring is a le32. */
export const CHAIN_BYTES_LIMIT = 2 ** 32
