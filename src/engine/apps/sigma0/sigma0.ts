/**
 * sigma0: the root pager. Its memory space is the identity of board RAM (the
 * kernel gives it every frame at boot); it hands each block out once, to
 * whoever asks first — in practice moe, which manages memory from then on.
 *
 * Protocol SIGMA0: free_block (MR1 = order ≥ 12) → a map item of a free,
 * naturally aligned block, with the block's physical address as hotspot (so
 * a client with a whole-space receive window gets it identity-mapped);
 * -ENOMEM when no such block is left. info → MR0 free frames, MR1 frames.
 */
import { Err, MapItem, MemRight, PAGE_SIZE } from '../../kernel/uapi'
import { mem } from '../../l4/l4sys'
import { errorReply, okReply, serve } from '../../l4/runtime/server'
import { Sigma0Op, UProto } from '../../l4/runtime/protocols'
import type { NativeProgram, ProgramEnv } from '../../l4/runtime/program'

export interface Sigma0Config {
  /** Physical address of RAM and its size in frames. */
  base: number
  frames: number
}

export function sigma0Program(cfg: Sigma0Config): NativeProgram {
  return {
    name: 'sigma0',
    summary: 'root pager: hands out physical memory once',
    *main(env: ProgramEnv) {
      const sys = env.sys
      const used = new Uint8Array(cfg.frames)
      let free = cfg.frames
      // Natural alignment is physical (an fpage's base is a multiple of its size, the
      // encoding drops the low bits): with RAM at 1 MiB the first 4 MiB block starts at
      // frame 768, not 0 — a block aligned within RAM only came out shifted, and its
      // client's pages beyond RAM's end were never mapped.
      const firstPage = cfg.base / PAGE_SIZE
      const findBlock = (pages: number): number => {
        for (let f = (pages - (firstPage % pages)) % pages; f + pages <= cfg.frames; f += pages) {
          let ok = true
          for (let i = 0; i < pages; i++) if (used[f + i]) { ok = false; break }
          if (ok) return f
        }
        return -1
      }
      yield* serve(sys, function* (_label, tag) {
        if (Math.floor(tag / 65536) !== UProto.Sigma0) return errorReply(Err.EBadProto)
        switch (sys.utcb[0]) {
          case Sigma0Op.FreeBlock: {
            const order = sys.utcb[1]
            if (!Number.isInteger(order) || order < 12 || order > 30) return errorReply(Err.EInval)
            const pages = 2 ** (order - 12)
            const f = findBlock(pages)
            if (f < 0) return errorReply(Err.ENoMem)
            used.fill(1, f, f + pages)
            free -= pages
            const pa = cfg.base + f * PAGE_SIZE
            sys.utcb[0] = pa + MapItem.Map
            sys.utcb[1] = mem(pa, order, MemRight.RWX)
            return okReply(0, 1)
          }
          case Sigma0Op.Info:
            sys.utcb[0] = free
            sys.utcb[1] = cfg.frames
            return okReply(2)
          default:
            return errorReply(Err.ENoSys)
        }
      })
    },
  }
}
