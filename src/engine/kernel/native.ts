/**
 * The native µApp ABI: what a native thread sees of the kernel. A thread's
 * body is a generator; it fills its system-call registers and UTCB through a
 * `Sys` and yields; the kernel performs the call and resumes the generator
 * with the result tag. `Sys` holds no kernel object — only the registers and
 * the UTCB words, which in L4Re are user memory too.
 *
 *   const tag = yield sys.call(gate, msgtag(0, 2, 0, 0))
 *
 * An entry point (what ex_regs sets for a native thread, in place of an
 * instruction pointer) is a function that makes the body from a Sys.
 */
import { IPC_NEVER, Sysf, Utcb } from './abi'
import type { CoreArch } from '../cpu/core'

/** The registers a native thread fills in before it yields a system call. */
export interface SyscallRegs {
  /** Syscall flags (Sysf). */
  flags: number
  /** Capability index invoked (the destination of the send phase). */
  cap: number
  tag: number
  /** Timeout pair: send << 16 | receive. */
  timeout: number
  /** Out: the label the last received message carried (gate label, Irq label, or 0). */
  label: number
  /**
   * A host reference a native invocation passes where L4Re passes a user
   * address: a vCPU state area (vcpu_control), a generator body (ex_regs).
   */
  payload?: unknown
}

/** A native thread's body: yields system calls, resumed with their result tags. */
export type ThreadBody = Generator<unknown, void, number>

/** The value a native thread yields: the kernel reads the call from the registers, not from it. */
export const SYSCALL: unique symbol = Symbol('l4 syscall')
export type SyscallToken = typeof SYSCALL

export type NativeEntry = (sys: Sys) => ThreadBody

/**
 * A native task's loads and stores: reads and writes of its own virtual
 * memory, through its memory space and with its rights — what instructions
 * do for emulated code. An access to an unmapped page (or without the right)
 * fails; a native µApp maps memory first (from a dataspace), as L4Re
 * programs have their region mapper do on a fault.
 */
export interface NativeMemory {
  /** Copies `length` bytes at `va` out; null when any page is not readable. */
  read(va: number, length: number): Uint8Array | null
  /** Copies bytes in at `va`; false when any page is not writable (nothing is written then). */
  write(va: number, data: Uint8Array): boolean
  /** Whether [va, va + length) is mapped with the rights (4 read, 2 write). */
  mapped(va: number, length: number, rights: number): boolean
}

export class Sys {
  constructor(
    readonly regs: SyscallRegs,
    /** Message registers, buffer registers and TCRs as words. */
    readonly utcb: Float64Array,
    /** The same UTCB as bytes (payloads such as console text, 8 bytes per word). */
    readonly bytes: Uint8Array,
    /** The task's own memory. */
    readonly mem: NativeMemory,
    /** Virtual time in nanoseconds: what L4Re programs read from the kernel info page's clock. */
    readonly clock: () => number = () => 0,
    /** The board's CPU architecture, as the kernel info page's platform information tells it. */
    readonly cpuArch: CoreArch = 'aarch64',
  ) {}

  /** The label of the last message received (the gate's or Irq's label). */
  get label(): number {
    return this.regs.label
  }

  /** The IPC error code of the last failed call (the error TCR). */
  get error(): number {
    return this.utcb[Utcb.TcrError]
  }

  private prepare(flags: number, cap: number, tag: number, timeout: number, payload?: unknown): SyscallToken {
    const r = this.regs
    r.flags = flags
    r.cap = cap
    r.tag = tag
    r.timeout = timeout
    r.payload = payload
    return SYSCALL
  }

  /** Send to `cap` and wait for its reply (an invocation of a kernel object is a call too). */
  call(cap: number, tag: number, timeout = IPC_NEVER, payload?: unknown): SyscallToken {
    return this.prepare(Sysf.Call, cap, tag, timeout, payload)
  }

  send(cap: number, tag: number, timeout = IPC_NEVER): SyscallToken {
    return this.prepare(Sysf.Send, cap, tag, timeout)
  }

  /** Open wait: receive from any sender. */
  wait(timeout = IPC_NEVER): SyscallToken {
    return this.prepare(Sysf.Wait, 0, 0, timeout)
  }

  /** Closed wait: receive from the thread `cap` names. */
  receive(cap: number, timeout = IPC_NEVER): SyscallToken {
    return this.prepare(Sysf.Recv, cap, 0, timeout)
  }

  /** Reply to the last caller and wait for the next message. */
  replyAndWait(tag: number, timeout = IPC_NEVER): SyscallToken {
    return this.prepare(Sysf.ReplyAndWait, 0, tag, timeout)
  }

  /** Reply to the last caller without waiting. */
  reply(tag: number): SyscallToken {
    return this.prepare(Sysf.Send | Sysf.Reply, 0, tag, 0)
  }

  /** Send and then wait for anyone (L4's send_and_wait). */
  sendAndWait(cap: number, tag: number, timeout = IPC_NEVER): SyscallToken {
    return this.prepare(Sysf.SendAndWait, cap, tag, timeout)
  }
}
