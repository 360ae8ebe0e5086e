import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MemorySpace, mapPages, unmapPages, type Mapping } from './mem-space'
import { MemRight } from './abi'
import { Quota } from './quota'

/**
 * The mapping database's invariants under any sequence of map, grant and
 * unmap: every mapping hangs off a live parent in the tree (so nothing
 * survives whose ancestor was revoked), a child never has more rights than
 * its parent, tree and page tables agree, and frames stay with their owner
 * (sigma0's identity space) however often they are lent out.
 */
const SPACES = 5
const PAGES = 8

type Op =
  | { op: 'map'; from: number; to: number; page: number; dst: number; rights: number; grant: boolean }
  | { op: 'unmap'; space: number; page: number; rights: number; self: boolean }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('map' as const),
    from: fc.integer({ min: 0, max: SPACES - 1 }),
    to: fc.integer({ min: 1, max: SPACES - 1 }),
    page: fc.integer({ min: 0, max: PAGES - 1 }),
    dst: fc.integer({ min: 0, max: PAGES - 1 }),
    rights: fc.constantFrom(MemRight.R, MemRight.RW, MemRight.RX, MemRight.RWX),
    grant: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('unmap' as const),
    space: fc.integer({ min: 0, max: SPACES - 1 }),
    page: fc.integer({ min: 0, max: PAGES - 1 }),
    rights: fc.constantFrom(MemRight.W, MemRight.X, MemRight.R, MemRight.RWX),
    self: fc.boolean(),
  }),
)

function setup() {
  const spaces = Array.from({ length: SPACES }, (_, i) => new MemorySpace(i + 1, new Quota(1 << 20), `s${i}`))
  spaces[0].identity = { firstVpn: 0, frames: PAGES }
  const revoked: Mapping[] = []
  for (const s of spaces) s.onUnmap = () => {}
  return { spaces, revoked }
}

function checkInvariants(spaces: MemorySpace[]) {
  for (const s of spaces) {
    for (const [vpn, m] of s.pages) {
      expect(m.space).toBe(s)
      expect(m.vpn).toBe(vpn)
      if (m.parent === null) {
        expect(s.identity).not.toBeNull()
        continue
      }
      // The parent is still mapped where it says it is, and lists us.
      expect(m.parent.space.pages.get(m.parent.vpn)).toBe(m.parent)
      expect(m.parent.children).toContain(m)
      expect(m.rights & ~m.parent.rights).toBe(0)
      expect(m.frame).toBe(m.parent.frame)
      // Walking up ends at sigma0's root of the same frame.
      let root = m
      while (root.parent) root = root.parent
      expect(root.space).toBe(spaces[0])
    }
  }
}

describe('mapping database', () => {
  it('keeps the tree consistent and leaves no mapping whose ancestor was revoked', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { spaces } = setup()
        for (const o of ops) {
          if (o.op === 'map') {
            mapPages(spaces[o.from], o.page, spaces[o.to], o.dst, 1, o.rights, o.grant)
          } else {
            // Snapshot the subtree below the page, then check it is gone or downgraded.
            const node = spaces[o.space].pages.get(o.page)
            const below: Mapping[] = []
            const collect = (n: Mapping) => n.children?.forEach((c) => (below.push(c), collect(c)))
            if (node) collect(node)
            unmapPages(spaces[o.space], o.page, 1, o.rights, o.self)
            for (const d of below) {
              const still = d.space.pages.get(d.vpn) === d
              if (o.rights & MemRight.R) expect(still).toBe(false)
              else if (still) expect(d.rights & o.rights).toBe(0)
            }
            if (o.self && node && o.space !== 0 && o.rights & MemRight.R) expect(spaces[o.space].pages.get(o.page)).toBeUndefined()
          }
          checkInvariants(spaces)
        }
        // Frames return to their owner: revoking everything from sigma0 leaves only its roots.
        for (let p = 0; p < PAGES; p++) unmapPages(spaces[0], p, 1, MemRight.RWX, false)
        for (let i = 1; i < SPACES; i++) expect(spaces[i].pages.size).toBe(0)
        for (const s of spaces.slice(1)) expect(s.quota!.current).toBe(0)
      }),
      {
        numRuns: 300,
        // Found by CI: a grandchild widened by a map from its root outgrew its parent.
        examples: [
          [
            [
              { op: 'map', from: 0, to: 1, page: 3, dst: 3, rights: MemRight.R, grant: false },
              { op: 'map', from: 1, to: 1, page: 3, dst: 5, rights: MemRight.R, grant: false },
              { op: 'map', from: 0, to: 1, page: 3, dst: 5, rights: MemRight.RWX, grant: false },
            ],
          ],
        ],
      },
    )
  })

  it('charges page tables per 2 MiB region and refuses a map beyond the quota', () => {
    const sigma0 = new MemorySpace(1, null, 'sigma0')
    sigma0.identity = { firstVpn: 0, frames: 4096 }
    const q = new Quota(2 * 4096)
    const s = new MemorySpace(2, q, 'small')
    expect(mapPages(sigma0, 0, s, 0, 512, MemRight.RW, false)).toBe(0)
    expect(q.current).toBe(4096)
    expect(mapPages(sigma0, 512, s, 512, 1, MemRight.RW, false)).toBe(0)
    expect(q.current).toBe(8192)
    expect(mapPages(sigma0, 1024, s, 1024, 1, MemRight.RW, false)).not.toBe(0)
    unmapPages(sigma0, 0, 1024, MemRight.RWX, false)
    expect(q.current).toBe(0)
  })
})
