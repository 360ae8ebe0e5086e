/**
 * User-level protocols between the base µApps and their clients, after
 * L4Re's (l4re/protocols.h; values are ours where L4Re's are not ABI we
 * model). Opcodes are in MR0.
 */
export const enum UProto {
  /** sigma0: the root pager (kernel protocol id SIGMA0). */
  Sigma0 = -6,
  Dataspace = 0x4000,
  Namespace = 0x4001,
  MemAlloc = 0x4002,
  Parent = 0x4003,
}

export const enum Sigma0Op {
  /** MR1 = order: any free block of 2^order bytes, as a map item. */
  FreeBlock = 1,
  /** MR0 ← free frames, MR1 ← all frames. */
  Info = 2,
}

export const enum DsOp {
  /**
   * MR1 = offset, MR2 = rights wanted, MR3 = pages (1 if absent, at most
   * DS_MAP_MAX_PAGES): MR0 ← pages mapped, then a compound map item per page
   * into the receive window (moe.ts mapPages).
   */
  Map = 0,
  /** MR0 ← size in bytes, MR1 ← rights the capability allows. */
  Info = 1,
}

/** The most pages one dataspace map answers with: an item is two of the 63 message words. */
export const DS_MAP_MAX_PAGES = 16

export const enum MemAllocOp {
  /** MR1 = size: a new dataspace, as a capability item. */
  Alloc = 0,
  /** MR1 = limit in bytes: a child allocator with that quota, taken from ours. */
  Create = 1,
  /** MR0 ← quota in bytes, MR1 ← used bytes. */
  Info = 2,
}

export const enum NsOp {
  /** MR1 = name length, name from MR2: the named capability, as an item. */
  Query = 0,
}

/** cons's log factory speaks the factory protocol: create(LOG, tag, colour). */
export const enum ConsOp {
  /** A client asks for the number of input bytes waiting and the terminal size. */
  Info = 0x10,
}
