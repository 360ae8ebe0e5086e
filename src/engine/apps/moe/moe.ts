/**
 * moe: the root task's memory and naming services, as in L4Re.
 *
 * At start it takes all memory sigma0 will give (identity-mapped into its
 * own space) and then serves:
 * - memory allocators (MemAlloc): alloc(size) makes a dataspace; create(limit)
 *   makes a child allocator whose quota is taken from its parent's — so each
 *   VM can get its own memory limit, and running into it fails there only;
 * - dataspaces: map(offset) maps the page at that offset into the caller's
 *   receive window, allocating and zeroing it on first use (map on fault);
 *   info gives the size and rights;
 * - the "rom" namespace: the boot modules, as read-only dataspaces.
 *
 * Every object is an Ipc_gate bound to moe's thread whose label names it.
 * Objects no client holds any more (moe's own capability is the only one
 * naming the gate) are collected when an allocator runs into its limit or
 * moe runs out of memory: their pages go back to the pool and their size
 * back to their allocator, so a VM started again gets its quota back.
 * The board creates the first two gates (labels ROOT_ALLOC and ROM) before
 * moe runs, the way bootstrap hands the root task its initial capabilities.
 */
import { BaseCap, CapRight, Err, MapItem, MemRight, PAGE_SIZE, Utcb, decodeFpage, FpageType, objFpage, tagWords, type Sys } from '../../kernel/uapi'
import { capReferences, createGate, mem, releaseCap, vconWrite } from '../../l4/l4sys'
import { errorReply, okReply, serve } from '../../l4/runtime/server'
import { DS_MAP_MAX_PAGES, DsOp, MemAllocOp, NsOp, Sigma0Op, UProto } from '../../l4/runtime/protocols'
import type { NativeProgram, ProgramEnv } from '../../l4/runtime/program'

export const MOE_ROOT_ALLOC = 1
export const MOE_ROM = 2
const FIRST_DYNAMIC_LABEL = 16

interface Allocator {
  kind: 'alloc'
  limit: number
  used: number
  parent: Allocator | null
}

interface Dataspace {
  kind: 'ds'
  size: number
  /** moe's virtual address of each page, 0 while not yet allocated. */
  pages: number[]
  readOnly: boolean
  owner: Allocator | null
}

interface Namespace {
  kind: 'ns'
  entries: Map<string, number>
}

type MoeObject = Allocator | Dataspace | Namespace

const dec = new TextDecoder()
/** Copied into every fresh page; never written (a page fault allocates nothing). */
const ZERO_PAGE = new Uint8Array(PAGE_SIZE)

export function moeProgram(): NativeProgram {
  return {
    name: 'moe',
    summary: 'memory allocators, dataspaces and the rom namespace',
    *main(env: ProgramEnv) {
      const sys = env.sys
      // 1. Memory comes from sigma0 (our pager) in 4 MiB blocks, as it is needed: mapping all of
      //    RAM up front would cost a mapping node per page before anyone uses them.
      const pool: number[] = []
      sys.utcb[0] = Sigma0Op.Info
      const info = yield sys.call(BaseCap.Pager, UProto.Sigma0 * 65536 + 1)
      const total = info & 0x8000 ? 0 : sys.utcb[0] * PAGE_SIZE
      let sigma0Empty = false
      function* grow(pages: number): Generator<unknown, void, number> {
        while (pool.length < pages && !sigma0Empty) {
          let got = false
          for (const order of [22, 16, 12]) {
            sys.utcb[0] = Sigma0Op.FreeBlock
            sys.utcb[1] = order
            sys.utcb[Utcb.Bdr] = 0
            sys.utcb[Utcb.BrFirst] = mem(0, 63, 0)
            const tag = yield sys.call(BaseCap.Pager, UProto.Sigma0 * 65536 + 2)
            if (tag & 0x8000 || Math.floor(tag / 65536) < 0) continue
            const block = decodeFpage(sys.utcb[1])
            // Low addresses first: consecutive allocations stay contiguous.
            for (let a = block.base + 2 ** block.order - PAGE_SIZE; a >= block.base; a -= PAGE_SIZE) pool.push(a)
            got = true
            break
          }
          if (!got) sigma0Empty = true
        }
      }
      yield* grow(2048)

      const objects = new Map<number, MoeObject>()
      /** Our capability slot of each object's gate (dynamic objects only). */
      const gateSlots = new Map<number, number>()
      const root: Allocator = { kind: 'alloc', limit: total, used: 0, parent: null }
      objects.set(MOE_ROOT_ALLOC, root)
      const rom: Namespace = { kind: 'ns', entries: new Map() }
      objects.set(MOE_ROM, rom)
      let nextLabel = FIRST_DYNAMIC_LABEL

      // Frames that held a client's data (they came back by `collect`): zeroed before they go out again.
      // A frame from sigma0 was never written — board RAM starts zeroed — so it goes out as it is,
      // and the host does not touch memory the guest may never use (a VM's RAM is mapped up front).
      const dirty = new Set<number>()
      const takePage = (): number => {
        const a = pool.pop()
        if (a === undefined) return 0
        return a
      }
      const takeCleanPage = (): number => {
        const a = takePage()
        if (a !== 0 && dirty.delete(a)) sys.mem.write(a, ZERO_PAGE)
        return a
      }

      /** A new object with its own gate; returns the slot of the gate in our space, or a negative error. */
      function* publish(o: MoeObject): Generator<unknown, number, number> {
        const label = nextLabel++
        const slot = env.slots.alloc()
        const r = yield* createGate(sys, BaseCap.Factory, slot, BaseCap.Thread, label)
        if (r < 0) {
          env.slots.release(slot)
          return r
        }
        objects.set(label, o)
        gateSlots.set(label, slot)
        return slot
      }

      /** Frees every object nobody but moe holds; returns how many it freed. */
      function* collect(): Generator<unknown, number, number> {
        let freed = 0
        // Dataspaces first: freeing them may leave their allocator empty and free in turn.
        for (const pass of ['ds', 'alloc'] as const) {
          for (const [label, slot] of gateSlots) {
            const o = objects.get(label)!
            if (o.kind !== pass) continue
            // Only what allocators made goes: the rom's dataspaces stay, named by the namespace.
            if (o.kind === 'ds' ? o.owner === null : o.kind !== 'alloc' || o.parent === null || o.used > 0) continue
            if ((yield* capReferences(sys, BaseCap.Task, slot)) !== 1) continue
            if (o.kind === 'ds') {
              for (const a of o.pages) {
                if (a === 0) continue
                pool.push(a)
                dirty.add(a)
              }
              o.pages.length = 0
              if (o.owner) o.owner.used -= o.size
            } else if (o.parent) o.parent.used -= o.limit
            objects.delete(label)
            gateSlots.delete(label)
            yield* releaseCap(sys, BaseCap.Task, slot)
            env.slots.release(slot)
            freed++
          }
        }
        return freed
      }

      // 2. The rom namespace: every boot module as a read-only dataspace.
      for (const [name, bytes] of env.firmware?.modules ?? []) {
        const pages = Math.ceil(bytes.length / PAGE_SIZE) || 1
        yield* grow(pages + 256)
        if (pages > pool.length) continue
        const ds: Dataspace = { kind: 'ds', size: bytes.length, pages: [], readOnly: true, owner: null }
        for (let i = 0; i < pages; i++) {
          const a = takePage()
          ds.pages.push(a)
          sys.mem.write(a, bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE))
        }
        const slot = yield* publish(ds)
        if (slot > 0) rom.entries.set(name, slot)
      }

      yield* vconWrite(sys, BaseCap.Log, `moe: ${(total / 1048576).toFixed(1)} MiB of memory from sigma0; rom: ${[...rom.entries.keys()].join(', ') || 'empty'}\n`)

      const replyCap = (slot: number, rights: number): number => {
        sys.utcb[0] = MapItem.Map
        sys.utcb[1] = objFpage(slot, 0, rights & 0xf)
        return okReply(0, 1)
      }

      yield* serve(sys, function* (label, tag) {
        const o = objects.get(label)
        if (!o) return errorReply(Err.ENoEnt)
        const proto = Math.floor(tag / 65536)
        const op = sys.utcb[0]
        if (o.kind === 'alloc' && proto === UProto.MemAlloc) {
          if (op === MemAllocOp.Alloc) {
            const size = sys.utcb[1]
            if (!Number.isInteger(size) || size <= 0 || size > 2 ** 40) return errorReply(Err.EInval)
            const bytes = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE
            if (o.used + bytes > o.limit) yield* collect()
            if (o.used + bytes > o.limit) return errorReply(Err.ENoMem)
            o.used += bytes
            const ds: Dataspace = { kind: 'ds', size: bytes, pages: new Array(bytes / PAGE_SIZE).fill(0), readOnly: false, owner: o }
            const slot = yield* publish(ds)
            if (slot < 0) {
              o.used -= bytes
              return errorReply(Err.ENoMem)
            }
            return replyCap(slot, CapRight.RWS)
          }
          if (op === MemAllocOp.Create) {
            const limit = sys.utcb[1]
            if (!Number.isInteger(limit) || limit < 0) return errorReply(Err.EInval)
            if (o.used + limit > o.limit) yield* collect()
            if (o.used + limit > o.limit) return errorReply(Err.ENoMem)
            o.used += limit
            const child: Allocator = { kind: 'alloc', limit, used: 0, parent: o }
            const slot = yield* publish(child)
            if (slot < 0) {
              o.used -= limit
              return errorReply(Err.ENoMem)
            }
            return replyCap(slot, CapRight.RWS)
          }
          if (op === MemAllocOp.Info) {
            sys.utcb[0] = o.limit
            sys.utcb[1] = o.used
            return okReply(2)
          }
          return errorReply(Err.ENoSys)
        }
        if (o.kind === 'ds' && proto === UProto.Dataspace) {
          if (op === DsOp.Info) {
            sys.utcb[0] = o.size
            sys.utcb[1] = o.readOnly ? MemRight.RX : MemRight.RWX
            return okReply(2)
          }
          if (op === DsOp.Map) {
            // Read the request before asking sigma0 for more: that call overwrites the UTCB.
            const offset = sys.utcb[1]
            const want = sys.utcb[2] & MemRight.RWX
            const count = tagWords(tag) >= 4 ? sys.utcb[3] : 1
            if (!Number.isInteger(count) || count < 1 || count > DS_MAP_MAX_PAGES) return errorReply(Err.EInval)
            if (pool.length < 64) yield* grow(1024)
            if (pool.length === 0) yield* collect()
            return mapPages(sys, o, offset, want, count, takeCleanPage)
          }
          return errorReply(Err.ENoSys)
        }
        if (o.kind === 'ns' && proto === UProto.Namespace && op === NsOp.Query) {
          const len = sys.utcb[1]
          if (!Number.isInteger(len) || len < 0 || len > 200) return errorReply(Err.EInval)
          const name = dec.decode(sys.bytes.subarray(16, 16 + len))
          const slot = o.entries.get(name)
          if (slot === undefined) return errorReply(Err.ENoEnt)
          return replyCap(slot, CapRight.R | CapRight.S)
        }
        return errorReply(Err.EBadProto)
      })
    },
  }
}

/**
 * Dataspace map of `count` pages from `offset` (MR1; MR3, one when the
 * request has three words) with the rights wanted (MR2), as far as the
 * dataspace reaches and memory lasts. Pages are allocated (zeroed) on first
 * use. The reply says in MR0 how many pages it maps, followed by one map
 * item per page, compound (L4_ITEM_CONT: all land in the caller's one
 * receive window), each with its distance from `offset` as the hotspot: a
 * window of `count` pages aligned to its size, at the address where
 * `offset` is to appear, receives them in order. Fiasco sends a naturally
 * aligned run as one flexpage; moe's pages are not contiguous, hence an
 * item each, and a batch saves the IPC per page that mapping a rom module or
 * lx's memory took (a busybox VM's start made 1,200 of them).
 */
function mapPages(sys: Sys, ds: Dataspace, offset: number, want: number, count: number, takePage: () => number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset >= ds.size) return errorReply(Err.ERange)
  const first = Math.floor(offset / PAGE_SIZE)
  const n = Math.min(count, Math.ceil(ds.size / PAGE_SIZE) - first)
  const rights = (ds.readOnly ? want & MemRight.RX : want) || MemRight.R
  let k = 0
  for (; k < n; k++) {
    let a = ds.pages[first + k]
    if (a === 0) {
      // Fresh memory is zero (takePage clears a frame an earlier owner wrote): no data leaks.
      a = takePage()
      // Out of memory part of the way: the pages so far are mapped, MR0 says how many.
      if (a === 0) break
      ds.pages[first + k] = a
    }
    sys.utcb[1 + 2 * k] = MapItem.Map | MapItem.Compound | (k * PAGE_SIZE)
    sys.utcb[2 + 2 * k] = mem(a, 12, rights)
  }
  if (k === 0) return errorReply(Err.ENoMem)
  sys.utcb[0] = k
  return okReply(1, k)
}

export { FpageType }
