/**
 * Client side of the base µApps' protocols (L4Re's l4re library, in
 * miniature): memory allocators and dataspaces (moe), namespaces (moe's
 * rom), and log factories (cons). Results follow l4_error().
 */
import { CapRight, Err, Proto, Utcb, msgtag, objFpage, type Sys } from '../kernel/uapi'
import { invoke, l4Error, mem, type L4Call } from './l4sys'
import { DS_MAP_MAX_PAGES, DsOp, MemAllocOp, NsOp, UProto } from './runtime/protocols'

const enc = new TextEncoder()

function receiveCapInto(sys: Sys, slot: number): void {
  sys.utcb[Utcb.Bdr] = 0
  sys.utcb[Utcb.BrFirst] = objFpage(slot, 0, 0)
}

/** A new dataspace of `size` bytes from allocator `alloc`, into capability `slot`. */
export function* memAlloc(sys: Sys, alloc: number, size: number, slot: number): L4Call {
  sys.utcb[0] = MemAllocOp.Alloc
  sys.utcb[1] = size
  receiveCapInto(sys, slot)
  return yield* invoke(sys, alloc, UProto.MemAlloc, 2)
}

/** A child allocator with a quota of `limit` bytes, into `slot`. */
export function* memAllocCreate(sys: Sys, alloc: number, limit: number, slot: number): L4Call {
  sys.utcb[0] = MemAllocOp.Create
  sys.utcb[1] = limit
  receiveCapInto(sys, slot)
  return yield* invoke(sys, alloc, UProto.MemAlloc, 2)
}

export function* memAllocInfo(sys: Sys, alloc: number): Generator<unknown, { limit: number; used: number } | number, number> {
  sys.utcb[0] = MemAllocOp.Info
  const r = yield* invoke(sys, alloc, UProto.MemAlloc, 1)
  return r < 0 ? r : { limit: sys.utcb[0], used: sys.utcb[1] }
}

/**
 * Maps `pages` pages of dataspace `ds` from `offset` to `dst` in our task with
 * `rights` (map on fault, done eagerly). `pages` is a power of two up to
 * DS_MAP_MAX_PAGES and `dst` aligned to their size (the receive window);
 * returns how many pages were mapped (fewer at the dataspace's end, or when
 * its allocator ran short) or an L4 error.
 */
export function* dsMap(sys: Sys, ds: number, offset: number, dst: number, rights: number, pages = 1): L4Call {
  const order = Math.log2(pages)
  if (!Number.isInteger(order) || pages > DS_MAP_MAX_PAGES || dst % (pages * 4096) !== 0) return -Err.EInval
  sys.utcb[0] = DsOp.Map
  sys.utcb[1] = offset
  sys.utcb[2] = rights
  sys.utcb[3] = pages
  sys.utcb[Utcb.Bdr] = 0
  sys.utcb[Utcb.BrFirst] = mem(dst, 12 + order, 0)
  const r = yield* invoke(sys, ds, UProto.Dataspace, 4)
  return r < 0 ? r : sys.utcb[0]
}

/** Maps a whole dataspace (or `bytes` of it) at `dst`, as many pages per call as alignment allows. */
export function* dsMapAll(sys: Sys, ds: number, dst: number, bytes: number, rights: number): L4Call {
  for (let off = 0; off < bytes; ) {
    const batch = (dst + off) % (DS_MAP_MAX_PAGES * 4096) === 0 ? DS_MAP_MAX_PAGES : 1
    const r = yield* dsMap(sys, ds, off, dst + off, rights, batch)
    if (r < 0) return r
    off += r * 4096
  }
  return 0
}

export function* dsInfo(sys: Sys, ds: number): Generator<unknown, { size: number; rights: number } | number, number> {
  sys.utcb[0] = DsOp.Info
  const r = yield* invoke(sys, ds, UProto.Dataspace, 1)
  return r < 0 ? r : { size: sys.utcb[0], rights: sys.utcb[1] }
}

/** Looks `name` up in namespace `ns`; the capability lands in `slot`. */
export function* nsQuery(sys: Sys, ns: number, name: string, slot: number): L4Call {
  const b = enc.encode(name)
  sys.utcb[0] = NsOp.Query
  sys.utcb[1] = b.length
  sys.bytes.set(b, 16)
  receiveCapInto(sys, slot)
  return yield* invoke(sys, ns, UProto.Namespace, 2 + Math.ceil(b.length / 8))
}

/** Asks a log factory (cons) for a new console named `tag` with ned's colour letter; the log capability lands in `slot`. */
export function* logCreate(sys: Sys, logFactory: number, tag: string, colour: string, slot: number): L4Call {
  const b = enc.encode(tag)
  sys.utcb[0] = Proto.Log
  sys.utcb[1] = colour.charCodeAt(0) || 0x77
  sys.utcb[2] = b.length
  sys.bytes.set(b, 24)
  receiveCapInto(sys, slot)
  const t = yield sys.call(logFactory, msgtag(Proto.Factory, 3 + Math.ceil(b.length / 8), 0, 0))
  return l4Error(sys, t)
}

/** Reads a whole dataspace (e.g. a rom module) by mapping it at `scratch` in our task; returns its bytes. */
export function* dsRead(sys: Sys, ds: number, scratch: number): Generator<unknown, Uint8Array | number, number> {
  const info = yield* dsInfo(sys, ds)
  if (typeof info === 'number') return info
  const r = yield* dsMapAll(sys, ds, scratch, info.size, 4)
  if (r < 0) return r
  return sys.mem.read(scratch, info.size) ?? -14
}

export { CapRight }
