/**
 * arm64's system call table: the generic calls (../generic-calls.ts) at
 * asm-generic's numbers (unistd.ts); arm64 adds nothing of its own.
 * Numbers not here are unknown: -ENOSYS, counted for `l4lab exec --stats`.
 */
import { Nr } from './unistd'
import { numberedTable } from '../../core/syscall'
import { genericCalls } from '../generic-calls'

export const syscalls = numberedTable(Nr, genericCalls)
