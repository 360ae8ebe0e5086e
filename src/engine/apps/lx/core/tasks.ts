/**
 * The L4 tasks behind processes' address spaces: one per Mm, created from
 * lx's factory (so they count against lx's kernel-memory quota, and a fork
 * bomb runs out of it as EAGAIN), named for the kernel inspector, and
 * deleted when the last user of the address space is gone. Deletion needs
 * IPC, so a task that dies while lx cannot yield waits in `lx.deadTasks`.
 */
import { BaseCap, Proto } from '../../../kernel/uapi'
import { deleteCap, factoryCreate, setName } from '../../../l4/l4sys'
import type { Lx } from '../lx'
import type { Process } from './process'
import { Errno } from '../uapi'

/**
 * What lx's own state costs the VM's memory, in pages, as Linux's slabs do:
 * a thread (task_struct and a 16 KiB kernel stack) and a process besides
 * its threads (signal tables, fd table; a zombie keeps it until reaped).
 * Charging them bounds the host memory a fork or thread bomb can take.
 */
export const THREAD_PAGES = 5
export const PROCESS_PAGES = 2

/** A new L4 task for a process (paid from lx's factory: its kernel-memory quota). */
export function* newTask(lx: Lx): Generator<unknown, number, number> {
  const slot = lx.env.slots.alloc()
  const r = yield* factoryCreate(lx.sys, BaseCap.Factory, Proto.Task, slot)
  if (r < 0) {
    lx.env.slots.release(slot)
    return -Errno.EAGAIN
  }
  return slot
}

/** Names a process's task for the kernel inspector, as "vm1:sh[3]". */
export function* nameTask(lx: Lx, p: Process): Generator<unknown, void, number> {
  yield* setName(lx.sys, p.mm.task, `${lx.opts.hostname}:${p.comm}[${p.pid}]`)
}

export function* deleteTask(lx: Lx, slot: number): Generator<unknown, void, number> {
  yield* deleteCap(lx.sys, BaseCap.Task, slot)
  lx.env.slots.release(slot)
}

/** Deletes the tasks of address spaces that died since the last time. */
export function* reapTasks(lx: Lx): Generator<unknown, void, number> {
  while (lx.deadTasks.length > 0) yield* deleteTask(lx, lx.deadTasks.pop()!)
}
