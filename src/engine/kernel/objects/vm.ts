/**
 * Vm: a task whose memory space holds guest-physical addresses (stage 2)
 * rather than user virtual addresses. uvmm maps its guest RAM into it with
 * Task::map and resumes a vCPU in extended mode into it; the VM issue adds
 * the exits. Until then a Vm is a task that cannot run threads of its own.
 */
import { Task } from './task'

export class Vm extends Task {
  override readonly kind = 'vm'
}
