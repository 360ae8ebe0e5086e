/**
 * Task operations (protocol TASK): map, unmap, cap_info, release_cap.
 *
 * map (on the destination task, needs W): MR1 = snd_base (destination
 * address, or destination capability index << 12), MR2 = send flexpage in
 * the source task, item (MR3 control, MR4 object flexpage) = the source task.
 * unmap (on the task whose mappings to revoke, needs W): MR1 = flags
 * (ALL_SPACES, DELETE_OBJ), MR2.. = flexpages whose rights field says what to
 * revoke. Memory unmap is recursive through the mapping tree; capability
 * unmap removes the capabilities from this task, and with DELETE_OBJ (and the
 * D right) deletes the objects.
 */
import { CapRight, decodeFpage, Err, FpageType, PAGE_SIZE, Proto, TaskOp, UnmapFlag, tagItems, tagWords } from '../abi'
import type { Capability } from '../cap-space'
import type { Kernel } from '../kernel'
import { mapPages, MapResult, unmapPages } from '../mem-space'
import { lacks, mrIndex, reply, replyError } from '../invoke'
import type { Task } from './task'
import type { Thread } from './thread'

export function invokeTask(k: Kernel, t: Thread, cap: Capability, task: Task, tag: number, label: number): number {
  if (label !== Proto.Task) return replyError(Err.EBadProto)
  switch (t.utcb[0]) {
    case TaskOp.Map:
      return lacks(cap, CapRight.W) ?? map(k, t, task, tag)
    case TaskOp.Unmap:
      return lacks(cap, CapRight.W) ?? unmap(t, task, tag)
    case TaskOp.CapInfo:
      return capInfo(t, task, tag)
    case TaskOp.ReleaseCap: {
      const idx = mrIndex(t, 1)
      if (idx < 0) return replyError(Err.EInval)
      return lacks(cap, CapRight.W) ?? (task.caps.remove(idx) ? reply() : replyError(Err.ENoEnt))
    }
    default:
      return replyError(Err.ENoSys)
  }
}

function map(k: Kernel, t: Thread, dst: Task, tag: number): number {
  if (tagWords(tag) < 3 || tagItems(tag) < 1) return replyError(Err.EInval)
  const caller = t.task!
  const srcRef = decodeFpage(t.utcb[4])
  if (srcRef.type !== FpageType.Obj) return replyError(Err.EInval)
  const srcCap = caller.caps.get(srcRef.base)
  if (!srcCap || (srcCap.object.kind !== 'task' && srcCap.object.kind !== 'vm') || srcCap.object.dead) return replyError(Err.EInval)
  const src = srcCap.object
  const sndBase = t.utcb[1]
  const fp = decodeFpage(t.utcb[2])
  if (!Number.isInteger(sndBase) || sndBase < 0) return replyError(Err.EInval)
  if (fp.type === FpageType.Memory) {
    if (fp.order < 12 || fp.order > 48) return replyError(Err.EInval)
    const pages = 2 ** (fp.order - 12)
    const dstBase = Math.floor(sndBase / 2 ** fp.order) * 2 ** fp.order
    const r = mapPages(src.space, fp.base / PAGE_SIZE, dst.space, dstBase / PAGE_SIZE, pages, fp.rights, false)
    k.stats.maps++
    return r === MapResult.Ok ? reply() : replyError(Err.ENoMem)
  }
  if (fp.type === FpageType.Obj) {
    if (fp.order > 16) return replyError(Err.EInval)
    const count = 2 ** fp.order
    const dstIndex = Math.floor(sndBase / PAGE_SIZE)
    const extra = t.utcb[3] & (CapRight.N | CapRight.C)
    for (let i = 0; i < count; i++) {
      const c = src.caps.get(fp.base + i)
      if (!c || c.object.dead) continue
      dst.caps.insert(dstIndex + i, c.object, c.rights & (fp.rights | extra))
    }
    return reply()
  }
  return replyError(Err.EInval)
}

function unmap(t: Thread, task: Task, tag: number): number {
  const words = tagWords(tag)
  if (words < 3) return replyError(Err.EInval)
  const flags = t.utcb[1] >>> 0
  // JavaScript's bitwise results are signed: compare as unsigned.
  const self = (flags & UnmapFlag.AllSpaces) >>> 0 === UnmapFlag.AllSpaces >>> 0
  const deleteObj = (flags & UnmapFlag.DeleteObj) >>> 0 === UnmapFlag.DeleteObj >>> 0
  for (let i = 2; i < words; i++) {
    const fp = decodeFpage(t.utcb[i])
    if (fp.type === FpageType.Memory) {
      if (fp.order < 12 || fp.order > 48) continue
      unmapPages(task.space, fp.base / PAGE_SIZE, 2 ** (fp.order - 12), fp.rights, self)
    } else if (fp.type === FpageType.Obj) {
      const count = 2 ** Math.min(fp.order, 16)
      for (let c = 0; c < count; c++) {
        const capability = task.caps.get(fp.base + c)
        if (!capability) continue
        if (deleteObj && capability.rights & CapRight.D) capability.object.kill()
        else if (self) {
          // Revoking some rights leaves the capability with the rest.
          const remaining = capability.rights & ~fp.rights
          if ((fp.rights & CapRight.R) !== 0 || remaining === 0) task.caps.remove(fp.base + c)
          else capability.rights = remaining
        }
      }
    }
  }
  return reply()
}

/** cap_info: MR1 = index → label 1 when valid; with MR2, label 1 when both name the same object. */
/**
 * cap_valid (MR2 = 0), cap_equal (MR2 = the other slot), and — a lab
 * extension in the place of Fiasco's cap_has_child — the number of
 * capabilities in all tasks that name the object (MR2 = 0, MR3 = 1). A server
 * such as moe uses it to find objects no client holds any more.
 */
function capInfo(t: Thread, task: Task, tag: number): number {
  const a = mrIndex(t, 1)
  const ca = a >= 0 ? task.caps.get(a) : undefined
  if (tagWords(tag) >= 4 && t.utcb[3] === 1 && !t.utcb[2]) return ca && !ca.object.dead ? Math.min(ca.object.holders.size, 0xffff) * 65536 : 0
  if (t.utcb[2] !== 0 && t.utcb[2] !== undefined) {
    const b = mrIndex(t, 2)
    const cb = b >= 0 ? task.caps.get(b) : undefined
    return (ca && cb && ca.object === cb.object ? 1 : 0) * 65536
  }
  return ca && !ca.object.dead ? 65536 : 0
}
