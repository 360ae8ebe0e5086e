/**
 * Kernel-memory quota (Fiasco's Ram_quota): every object a factory creates
 * is charged to the factory's quota; a child factory's limit is charged to
 * its parent when it is created and refunded when it dies. An allocation
 * fails when current + bytes > max, and never takes from anyone else.
 */
export class Quota {
  current = 0

  constructor(
    readonly max: number,
    readonly parent: Quota | null = null,
  ) {}

  alloc(bytes: number): boolean {
    if (this.current + bytes > this.max) return false
    this.current += bytes
    return true
  }

  free(bytes: number): void {
    this.current = Math.max(0, this.current - bytes)
  }

  get available(): number {
    return this.max - this.current
  }
}

/**
 * What each object type costs in kernel memory, in bytes. The figures follow
 * the sizes of Fiasco's objects on a 64-bit build, rounded: a thread carries
 * its TCB and kernel stack (and its UTCB page), a task its page-table root and
 * capability-table pages; page tables are charged as a task's space grows
 * (PAGE_TABLE per 2 MiB of mapped address range).
 */
export const OBJECT_COST = {
  task: 8192,
  thread: 8192,
  ipc_gate: 128,
  irq: 128,
  factory: 256,
  vcon: 4096,
  vm: 16384,
  /** One last-level page table, covering 2 MiB of one task's address space. */
  pageTable: 4096,
  /** One page of capability table, covering 512 capability slots. */
  capTable: 4096,
} as const
