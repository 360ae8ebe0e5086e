/**
 * Memory spaces and the mapping database.
 *
 * A memory space maps virtual page numbers to frames with rights. Every
 * mapping is a node in its frame's mapping tree: mapping a page from space A
 * to space B makes B's node a child of A's; granting moves A's node to B;
 * unmapping revokes from every descendant (and from the node itself when
 * asked) before it returns, so that no mapping derived from a revoked one
 * survives. The roots are sigma0's mappings of all RAM, created lazily since
 * sigma0's space is the identity of physical memory.
 *
 * Page tables cost kernel memory: the first mapping in each 2 MiB region of a
 * space charges one page table to the space's quota, the last one leaving
 * refunds it (Fiasco charges page-table memory to the task's quota).
 */
import { MemRight, PAGE_SIZE } from './abi'
import { OBJECT_COST, type Quota } from './quota'

export class Mapping {
  children: Mapping[] | null = null

  constructor(
    public space: MemorySpace,
    public vpn: number,
    readonly frame: number,
    public rights: number,
    public parent: Mapping | null,
  ) {}

  /** Depth in the mapping tree (0 for a root). */
  depth(): number {
    let d = 0
    for (let p = this.parent; p; p = p.parent) d++
    return d
  }
}

/** What a space tells its owner when a page's mapping shrinks or goes (TLB shootdown). */
export type UnmapListener = (space: MemorySpace, vpn: number) => void

const REGION_SHIFT = 9 // 512 pages = 2 MiB per last-level page table

export class MemorySpace {
  readonly pages = new Map<number, Mapping>()
  private readonly regions = new Map<number, number>()
  /** For sigma0: identity-mapped RAM frames [firstVpn, firstVpn + frames). */
  identity: { firstVpn: number; frames: number } | null = null
  onUnmap: UnmapListener | null = null

  constructor(
    /** Address-space id the CPU's TLB tags entries with. */
    readonly asid: number,
    public quota: Quota | null,
    readonly label: string,
  ) {}

  lookup(vpn: number): Mapping | undefined {
    const m = this.pages.get(vpn)
    if (m || !this.identity) return m
    const f = vpn - this.identity.firstVpn
    if (f < 0 || f >= this.identity.frames) return undefined
    const root = new Mapping(this, vpn, f, MemRight.RWX, null)
    this.pages.set(vpn, root)
    return root
  }

  /** Number of mapped pages (roots of an identity space count only once touched). */
  get mappedPages(): number {
    return this.pages.size
  }

  /** Adds a node to this space's page table, charging a page table for a new 2 MiB region. */
  attach(node: Mapping): boolean {
    const region = Math.floor(node.vpn / (1 << REGION_SHIFT))
    const n = this.regions.get(region) ?? 0
    if (n === 0 && this.quota && !this.identity && !this.quota.alloc(OBJECT_COST.pageTable)) return false
    this.regions.set(region, n + 1)
    this.pages.set(node.vpn, node)
    return true
  }

  detach(node: Mapping): void {
    if (this.pages.get(node.vpn) !== node) return
    this.pages.delete(node.vpn)
    const region = Math.floor(node.vpn / (1 << REGION_SHIFT))
    const n = (this.regions.get(region) ?? 1) - 1
    if (n <= 0) {
      this.regions.delete(region)
      if (this.quota && !this.identity) this.quota.free(OBJECT_COST.pageTable)
    } else this.regions.set(region, n)
    this.onUnmap?.(this, node.vpn)
  }
}

export const enum MapResult {
  Ok = 0,
  /** The destination ran out of kernel memory for page tables. */
  NoMemory = 1,
}

/**
 * Maps (or grants) `count` pages from `src` at `srcVpn` to `dst` at `dstVpn`
 * with the rights of the source masked by `rights`. Pages the source does
 * not have are skipped; a destination page that already maps a different
 * frame is left alone (Fiasco's "insert: exists"); the same frame gains the
 * new rights.
 */
export function mapPages(
  src: MemorySpace,
  srcVpn: number,
  dst: MemorySpace,
  dstVpn: number,
  count: number,
  rights: number,
  grant: boolean,
): MapResult {
  for (let i = 0; i < count; i++) {
    const s = src.lookup(srcVpn + i)
    if (!s) continue
    const r = s.rights & rights
    if (r === 0) continue
    if (src === dst && srcVpn === dstVpn) continue
    const existing = dst.pages.get(dstVpn + i)
    if (existing) {
      // Only the direct parent may widen a mapping's rights (as Fiasco's
      // map does): widening a grandchild would give it rights its own
      // parent lacks, and a later downgrade of that parent would miss them.
      if (existing.parent === s) existing.rights |= r
      continue
    }
    if (grant && !s.space.identity) {
      // The node moves, children and all; the source loses the page.
      src.detach(s)
      s.space = dst
      s.vpn = dstVpn + i
      s.rights = r
      if (!dst.attach(s)) {
        removeSubtree(s)
        return MapResult.NoMemory
      }
      continue
    }
    const child = new Mapping(dst, dstVpn + i, s.frame, r, s)
    if (!dst.attach(child)) return MapResult.NoMemory
    ;(s.children ??= []).push(child)
  }
  return MapResult.Ok
}

/**
 * Revokes `rights` from the mappings derived from `space`'s pages
 * [vpn, vpn + count) — and from those pages themselves when `self` is set.
 * Revoking read access removes a mapping entirely; a mapping left with no
 * rights is removed too. Descendants lose at least what their ancestor lost.
 */
export function unmapPages(space: MemorySpace, vpn: number, count: number, rights: number, self: boolean): void {
  for (let i = 0; i < count; i++) {
    const m = space.pages.get(vpn + i)
    if (!m) continue
    if (self && !m.space.identity) revoke(m, rights)
    else if (m.children) for (const c of [...m.children]) revoke(c, rights)
  }
}

function revoke(node: Mapping, rights: number): void {
  const remaining = node.rights & ~rights
  if ((rights & MemRight.R) !== 0 || remaining === 0) {
    removeSubtree(node)
    return
  }
  // A downgrade: the node and every descendant keep at most `remaining`.
  const stack = [node]
  while (stack.length > 0) {
    const n = stack.pop()!
    if ((n.rights & ~remaining) !== 0) {
      n.rights &= remaining
      n.space.onUnmap?.(n.space, n.vpn)
    }
    if (n.children) stack.push(...n.children)
  }
}

/** Removes a node and its whole subtree, deepest first, from their spaces and from the tree. */
export function removeSubtree(node: Mapping): void {
  const order: Mapping[] = []
  const stack = [node]
  while (stack.length > 0) {
    const n = stack.pop()!
    order.push(n)
    if (n.children) stack.push(...n.children)
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]
    n.children = null
    n.space.detach(n)
  }
  const p = node.parent
  if (p?.children) {
    const k = p.children.indexOf(node)
    if (k >= 0) p.children.splice(k, 1)
  }
  node.parent = null
}

/** Removes every mapping of a space (task deletion): subtrees of its pages go too. */
export function flushSpace(space: MemorySpace): void {
  for (const m of [...space.pages.values()]) {
    if (space.identity) {
      if (m.children) for (const c of [...m.children]) removeSubtree(c)
      space.pages.delete(m.vpn)
    } else if (m.space === space) removeSubtree(m)
  }
}

export function pageAddress(vpn: number): number {
  return vpn * PAGE_SIZE
}
