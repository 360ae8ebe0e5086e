/**
 * The kernel's binary interface, as L4Re (Fiasco) defines it: protocol ids,
 * opcodes, message tags, IPC error codes, flexpages, rights, timeouts, UTCB
 * layout and base capability slots. Values follow l4sys (types.h, __l4_fpage.h,
 * ipc.h, utcb.h); see ../shared/L4RE-FACTS.md.
 *
 * Words: a native µApp's machine word is a JavaScript number holding an
 * integer of at most 53 bits. Every value the kernel interface carries fits
 * (addresses are 48-bit, protocol ids are small negatives), so the native
 * runtime avoids BigInt on its hot paths.
 */

import { PAGE_SIZE } from '../util/page'

/** Protocol ids (l4sys/include/types.h, enum L4_msg_tag_protocol). */
export const enum Proto {
  None = 0,
  Irq = -1,
  PageFault = -2,
  Preemption = -3,
  SysException = -4,
  Exception = -5,
  Sigma0 = -6,
  IoPageFault = -8,
  Kobject = -10,
  Task = -11,
  Thread = -12,
  Log = -13,
  Scheduler = -14,
  Factory = -15,
  Vm = -16,
  DmaSpace = -17,
  IrqSender = -18,
  IrqMux = -19,
  Semaphore = -20,
  Meta = -21,
  Iommu = -22,
  Debugger = -23,
  Smccc = -24,
  VcpuContext = -25,
  /** Icu has no protocol id of its own in Fiasco (it uses L4_PROTO_IRQ's neighbour); we keep it apart for decoding. */
  Icu = -1001,
  /** Platform_control is invoked with label 0 in Fiasco; a distinct id keeps our decoding explicit. */
  PlatformControl = -1002,
}

export const enum TaskOp { Map = 0, Unmap = 1, CapInfo = 2, AddKuMem = 3, ReleaseCap = 4 }
export const enum ThreadOp { Control = 0, ExRegs = 1, Switch = 2, Stats = 3, VcpuResume = 4, RegisterDeleteIrq = 5, ModifySender = 6, VcpuControl = 7 }
export const enum GateOp { Bind = 0x10, GetInfo = 0x11 }
/** Protocol IRQ: trigger, and EOI (which unmasks). */
export const enum IrqOp { Trigger = 2, Eoi = 4 }
export const enum IrqSenderOp { Attach = 0, Detach = 1 }
export const enum IcuOp { Bind = 0, Unbind = 1, Info = 2, MsiInfo = 3, Unmask = 4, Mask = 5, SetMode = 6 }
export const enum VconOp { Write = 0, Read = 1, SetAttr = 2, GetAttr = 3 }
export const enum SchedulerOp { Info = 0, RunThread = 1, IdleTime = 2 }
export const enum PfcOp { SysSuspend = 0, SysShutdown = 1, CpuAllowShutdown = 2, CpuEnable = 3, CpuDisable = 4 }
export const enum FactoryOp { Create = 0 }
export const enum DebuggerOp { SetName = 0, GetName = 1, ObjectInfo = 2, Tasks = 0x10, Threads = 0x11, Caps = 0x12, Mappings = 0x13 }
export const enum KobjectOp { DecRefcnt = 0 }

/** Base capability slots (l4sys/include/consts.h, L4_BASE_*_CAP >> L4_CAP_SHIFT). */
export const enum BaseCap {
  Invalid = 0,
  Task = 1,
  Factory = 2,
  Thread = 3,
  Pager = 4,
  Log = 5,
  Icu = 6,
  Scheduler = 7,
  Iommu = 8,
  Debugger = 10,
  /** The first slot the L4Re environment hands out (L4Re's first_free_cap is larger; we start here). */
  FirstFree = 0x20,
}

export const CAP_SHIFT = 12
/** The "no capability" selector (L4_INVALID_CAP). */
export const INVALID_CAP = 0

/** Syscall flags (l4sys ipc.h, L4_syscall_flags_t). */
export const enum Sysf {
  None = 0,
  Send = 1,
  Recv = 2,
  OpenWait = 4,
  Reply = 8,
  Call = Send | Recv,
  Wait = OpenWait | Recv,
  SendAndWait = OpenWait | Recv | Send,
  ReplyAndWait = OpenWait | Recv | Send | Reply,
}

/** Message tag flags (bits 12..15). */
export const enum TagFlag {
  TransferFpu = 0x1000,
  Schedule = 0x2000,
  Propagate = 0x4000,
  Error = 0x8000,
}

/**
 * Message tag: label << 16 | flags (12..15) | items << 6 | words.
 * Labels are signed (protocol ids are negative); arithmetic instead of
 * shifts keeps the full range of a 53-bit word.
 */
export function msgtag(label: number, words: number, items: number, flags: number): number {
  return label * 65536 + (flags & 0xf000) + ((items & 0x3f) << 6) + (words & 0x3f)
}
export function tagLabel(tag: number): number {
  return Math.floor(tag / 65536)
}
export function tagWords(tag: number): number {
  return tag & 0x3f
}
export function tagItems(tag: number): number {
  return (tag >>> 6) & 0x3f
}
export function tagFlags(tag: number): number {
  return tag & 0xf000
}
export function tagHasError(tag: number): boolean {
  return (tag & TagFlag.Error) !== 0
}

/**
 * IPC error codes, as found in the error TCR after a tag with the error flag
 * (l4sys ipc.h: L4_IPC_*). Odd codes are receive-phase errors.
 */
export const enum IpcErr {
  None = 0,
  SeTimeout = 2,
  ReTimeout = 3,
  ENotExistent = 4,
  SeCanceled = 6,
  ReCanceled = 7,
  SeMsgCut = 8,
  ReMsgCut = 9,
  SeAborted = 0xc,
  ReAborted = 0xd,
  SeMapFailed = 0x10,
  ReMapFailed = 0x11,
  NoReplyCap = 0x13,
}

/** Generic error numbers an object returns as a negative label (l4sys err.h). */
export const enum Err {
  Ok = 0,
  EPerm = 1,
  ENoEnt = 2,
  EIo = 5,
  ENoMem = 12,
  EAccess = 13,
  EBusy = 16,
  EExist = 17,
  EInval = 22,
  ERange = 34,
  ENoSys = 38,
  EBadProto = 39,
  EAddrNotAvail = 99,
}

/** Capability rights (L4_cap_fpage_rights). */
export const enum CapRight {
  W = 0x1,
  S = 0x2,
  R = 0x4,
  D = 0x8,
  /** Object-specific right 1 (n): for Ipc_gate, the server side (bind, get_info). */
  N = 0x10,
  /** Object-specific right 2 (c). */
  C = 0x20,
  RW = R | W,
  RWS = R | W | S,
  All = 0x3f,
}

/** Memory flexpage rights (L4_fpage_rights). */
export const enum MemRight {
  X = 0x1,
  W = 0x2,
  R = 0x4,
  RX = R | X,
  RW = R | W,
  RWX = R | W | X,
}

export const enum FpageType {
  Special = 0,
  Memory = 1,
  Io = 2,
  Obj = 3,
}

/** The page of the ABI (L4_PAGESIZE): util/page.ts, shared with the machine. */
export { PAGE_SHIFT, PAGE_SIZE } from '../util/page'
export const PAGE_MASK = PAGE_SIZE - 1

/**
 * Flexpage word: addr[63:12] | order[11:6] | type[5:4] | rights[3:0].
 * For object flexpages the address is the capability index.
 */
export function fpage(type: FpageType, addrOrIndex: number, order: number, rights: number): number {
  const base = type === FpageType.Obj ? addrOrIndex * PAGE_SIZE : Math.floor(addrOrIndex / PAGE_SIZE) * PAGE_SIZE
  return base + ((order & 0x3f) << 6) + ((type & 3) << 4) + (rights & 0xf)
}
export function memFpage(addr: number, order: number, rights: number): number {
  return fpage(FpageType.Memory, addr, order, rights)
}
export function objFpage(capIndex: number, order: number, rights: number): number {
  return fpage(FpageType.Obj, capIndex, order, rights)
}
/** The whole memory address space, as a receive window (L4_WHOLE_ADDRESS_SPACE = order 63). */
export const WHOLE_SPACE_ORDER = 63

export interface Fpage {
  type: FpageType
  /** Byte address for memory, capability index for objects. */
  base: number
  order: number
  rights: number
}

export function decodeFpage(word: number): Fpage {
  const low = word % PAGE_SIZE
  const high = Math.floor(word / PAGE_SIZE)
  const type = ((low >>> 4) & 3) as FpageType
  const order = (low >>> 6) & 0x3f
  return { type, base: type === FpageType.Obj ? high : high * PAGE_SIZE, order, rights: low & 0xf }
}

/** Object flexpages carry the full 6 rights bits in a separate field of the send item's control word. */
export const enum MapItem {
  /** Control word: snd_base (page aligned) | cache << 4 | MAP (8) | grant (2) | compound (1). */
  Map = 8,
  Grant = 2,
  Compound = 1,
}

/** Unmap flags (l4sys task.h, L4_MAP_MASK / L4_FP_*). */
export const enum UnmapFlag {
  /** Children only (the default). */
  OtherSpaces = 0,
  /** Also the caller's own mapping. */
  AllSpaces = 0x80000000,
  /** Delete the objects (for capabilities). */
  DeleteObj = 0xc0000000,
}

/**
 * Timeouts (l4sys __timeout.h): a 16-bit relative timeout m * 2^e µs with a
 * 10-bit mantissa and a 5-bit exponent; 0 means never, 0x400 (m = 0, e = 1)
 * means zero; bit 15 set means absolute (not supported here: EINVAL). The IPC
 * timeout word holds the send timeout in bits 16..31, the receive timeout in
 * bits 0..15.
 */
export const TIMEOUT_NEVER = 0
export const TIMEOUT_ZERO = 0x400

export function timeoutPair(send: number, recv: number): number {
  return ((send & 0xffff) << 16 | (recv & 0xffff)) >>> 0
}
export const IPC_NEVER = timeoutPair(TIMEOUT_NEVER, TIMEOUT_NEVER)
export const IPC_SEND_ZERO_RECV_NEVER = timeoutPair(TIMEOUT_ZERO, TIMEOUT_NEVER)
export const IPC_POLL = timeoutPair(TIMEOUT_ZERO, TIMEOUT_ZERO)

/** Encodes a relative timeout of `us` microseconds (rounded up to what the format can say). */
export function timeoutUs(us: number): number {
  if (us <= 0) return TIMEOUT_ZERO
  let e = 0
  let m = us
  while (m > 0x3ff) {
    m = Math.ceil(m / 2)
    e++
  }
  if (e > 31) throw new RangeError(`timeout of ${us} µs does not fit the L4 timeout format`)
  return (e << 10) | m
}

/** Decodes a 16-bit timeout: virtual nanoseconds, Infinity for never, -1 for the unsupported absolute form. */
export function timeoutNs(t: number): number {
  t &= 0xffff
  if (t === TIMEOUT_NEVER) return Infinity
  if (t & 0x8000) return -1
  const m = t & 0x3ff
  const e = (t >>> 10) & 0x1f
  return m * 2 ** e * 1000
}

/** UTCB layout (l4sys utcb.h for 64-bit): 63 MRs, BDR + 58 BRs from word 64, TCRs from word 123. */
export const enum Utcb {
  MrCount = 63,
  Bdr = 64,
  BrFirst = 65,
  BrCount = 58,
  TcrError = 123,
  TcrFreeMarker = 124,
  TcrUser0 = 125,
  Words = 128,
}

/** vCPU state flags (l4sys vcpu.h). */
export const enum VcpuF {
  Irq = 0x1,
  PageFaults = 0x2,
  Exceptions = 0x4,
  UserMode = 0x20,
  FpuEnabled = 0x80,
}
export const enum VcpuSticky {
  IrqPending = 0x1,
}
/** Thread::vcpu_control flag: extended vCPU state (virtualization: the user task is a Vm). */
export const VCPU_CONTROL_EXT = 0x1_0000

/** Thread::control flags (l4sys thread.h, L4_THREAD_CONTROL_*). */
export const enum ThreadCtl {
  SetPager = 0x10000,
  BindTask = 0x200000,
  AliensOrVcpu = 0x20000,
  SetExcHandler = 0x400000,
}

/** Thread::ex_regs flags (L4_THREAD_EX_REGS_*). */
export const enum ExRegs {
  Cancel = 0x10000,
  TriggerException = 0x20000,
}

/** Page-fault message, MR0 = address | flags (l4sys ipc.h: L4_PF_* / l4_ipc_pf_is_*). */
export const enum PfFlag {
  Write = 0x2,
  Exec = 0x4,
}

/** Kernel object types as the debugger and cap_info name them. */
export type ObjectKind =
  | 'task'
  | 'thread'
  | 'ipc_gate'
  | 'irq'
  | 'icu'
  | 'factory'
  | 'scheduler'
  | 'vcon'
  | 'platform_control'
  | 'debugger'
  | 'vm'
