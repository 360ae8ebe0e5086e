// moe hands out memory zeroed: a frame from sigma0 is untouched board RAM
// (zero, and left untouched so that the host commits no memory for it until
// it is used), a frame a client had before is cleared before anyone else
// gets it.
import { describe, expect, it } from 'vitest'
import { buildBoard } from '../../boards/builder'
import { loopbackBoard } from '../../boards/loopback'
import { bootstrap } from '../../lab/bootstrap'
import { Vcon } from '../../kernel/objects/vcon'
import { BaseCap, MemRight } from '../../kernel/uapi'
import { dsMap, dsRead, memAlloc, nsQuery } from '../../l4/l4re'
import { deleteCap } from '../../l4/l4sys'
import type { NativeProgram } from '../../l4/runtime/program'

const VA = 0x10_0000_0000
/** Three quarters of the board's 8 MiB: the second round cannot have it without the first round's frames. */
const PAGES = 1536

describe('moe', () => {
  // RAM where arm-ve has it, at 1 MiB where a PC has it, and at 5 MiB (aligned to no block size above 1 MiB).
  it.each([
    { at: '1 GiB', ramBase: 0x4000_0000 },
    { at: '1 MiB', ramBase: 0x10_0000 },
    { at: '5 MiB', ramBase: 0x50_0000 },
  ])('never lets a client see what an earlier owner of a frame wrote (RAM at $at)', ({ ramBase }) => {
    const seen: number[] = []
    let firstRound = 0
    const client: NativeProgram = {
      name: 'client',
      summary: 'fills memory, gives it back, asks again',
      *main(env) {
        const sys = env.sys
        // Round 1: take as many pages as moe has, write a pattern into each, then drop the dataspace.
        // Round 2: moe collects the dropped dataspace and hands its frames out again.
        for (let round = 0; round < 2; round++) {
          const ds = env.slots.alloc()
          if ((yield* memAlloc(sys, env.caps.mem, PAGES * 4096, ds)) < 0) throw new Error('no dataspace')
          let pages = 0
          for (; pages < PAGES; pages++) {
            const va = VA + round * 0x1_0000_0000 + pages * 4096
            if ((yield* dsMap(sys, ds, pages * 4096, va, MemRight.RW)) < 0) break
            // A page moe says it mapped but could not (its own page missing) reads as null: counted as not zero.
            const b = sys.mem.read(va, 4096)
            seen.push(b ? b.reduce((a, x) => a | x, 0) : -1)
            sys.mem.write(va, new Uint8Array(4096).fill(0xa5))
          }
          if (round === 0) firstRound = pages
          yield* deleteCap(sys, BaseCap.Task, ds)
        }
      },
    }
    let kernel: ReturnType<typeof bootstrap>['booted']['kernel'] | null = null
    const built = buildBoard({ ...loopbackBoard([]), memmap: { ram: { base: ramBase, size: 0 } } }, { ramBytes: 8 << 20, cpus: 0, translate: () => -1 })
    if (!built.ok) throw new Error(built.error)
    const system = bootstrap({
      board: built.board,
      programs: [client],
      modules: new Map(),
      cons: false,
      prepare: (b) => ({ log: b.kernel.register(new Vcon(b.kernel, 'test', 'w'), null, 0)! }),
      root: { name: 'client', args: ['client'], prio: 100, caps: ['mem'] },
    })
    kernel = system.booted.kernel
    kernel.run(5e9)
    // Both rounds got all their pages: the second only by moe collecting the first's (which held 0xa5), and saw zeros.
    expect(firstRound).toBe(PAGES)
    expect(seen.length).toBe(2 * PAGES)
    expect(seen.every((x) => x === 0)).toBe(true)
  })

  it('maps a batch of pages in one call, in order into the window, and fewer at the end of the dataspace', () => {
    // A rom module of 20 pages and a bit, each page marked with its number.
    const module = Uint8Array.from({ length: 20 * 4096 + 100 }, (_, i) => Math.floor(i / 4096) + 1)
    const got: { mapped: number[]; marks: number[]; ipcs: number; read: boolean; bad: number } = { mapped: [], marks: [], ipcs: 0, read: false, bad: 0 }
    let kernel: ReturnType<typeof bootstrap>['booted']['kernel'] | null = null
    const client: NativeProgram = {
      name: 'client',
      summary: 'maps a rom module in batches',
      *main(env) {
        const sys = env.sys
        const ds = env.slots.alloc()
        if ((yield* nsQuery(sys, env.caps.rom, 'pages', ds)) < 0) throw new Error('no module')
        const before = kernel!.stats.ipcs
        for (const off of [0, 16 * 4096]) got.mapped.push(yield* dsMap(sys, ds, off, VA + off, MemRight.R, 16))
        got.ipcs = kernel!.stats.ipcs - before
        for (let p = 0; p < 21; p++) got.marks.push(sys.mem.read(VA + p * 4096, 1)![0])
        // A window that is not aligned to the batch is refused before any IPC.
        got.bad = yield* dsMap(sys, ds, 0, VA + 4096, MemRight.R, 16)
        const all = yield* dsRead(sys, ds, VA + 0x1000_0000)
        got.read = all instanceof Uint8Array && all.every((x, i) => x === module[i])
      },
    }
    const built = buildBoard({ ...loopbackBoard([]), memmap: { ram: { base: 0x4000_0000, size: 0 } } }, { ramBytes: 8 << 20, cpus: 0, translate: () => -1 })
    if (!built.ok) throw new Error(built.error)
    const system = bootstrap({
      board: built.board,
      programs: [client],
      modules: new Map([['pages', module]]),
      cons: false,
      prepare: (b) => ({ log: b.kernel.register(new Vcon(b.kernel, 'test', 'w'), null, 0)! }),
      root: { name: 'client', args: ['client'], prio: 100, caps: ['rom'] },
    })
    kernel = system.booted.kernel
    kernel.run(5e9)
    expect(got.mapped).toEqual([16, 5])
    expect(got.ipcs).toBe(2)
    expect(got.marks).toEqual(Array.from({ length: 21 }, (_, p) => p + 1))
    expect(got.bad).toBeLessThan(0)
    expect(got.read).toBe(true)
  })
})
