import { describe, expect, it } from 'vitest'
import { BATCH_LIMIT, OutputBatch, type FrameClock } from './output-batch'

/** Animation frames the test runs by hand. */
class Frames implements FrameClock {
  private next = 1
  readonly due = new Map<number, () => void>()
  request(run: () => void): number {
    this.due.set(this.next, run)
    return this.next++
  }
  cancel(id: number): void {
    this.due.delete(id)
  }
  paint(): void {
    const runs = [...this.due.values()]
    this.due.clear()
    for (const r of runs) r()
  }
}

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

function setup() {
  const frames = new Frames()
  const writes: { data: string; parsed?: () => void; buffer: ArrayBufferLike }[] = []
  const batch = new OutputBatch((data, parsed) => writes.push({ data: text(data), parsed, buffer: data.buffer }), frames)
  return { frames, writes, batch }
}

describe('OutputBatch', () => {
  it('writes the first piece after a quiet frame at once (an echo), joins what follows into one write per frame', () => {
    const { frames, writes, batch } = setup()
    batch.push(bytes('a'))
    expect(writes.map((w) => w.data)).toEqual(['a'])
    batch.push(bytes('bc'))
    batch.push(bytes('d'))
    batch.push(bytes('ef'))
    expect(writes).toHaveLength(1)
    frames.paint()
    expect(writes.map((w) => w.data)).toEqual(['a', 'bcdef'])
    batch.push(bytes('g'))
    expect(writes).toHaveLength(2)
    frames.paint()
    expect(writes.map((w) => w.data)).toEqual(['a', 'bcdef', 'g'])
    // A frame with nothing to write ends the stream: the next piece goes at once again.
    frames.paint()
    expect(frames.due.size).toBe(0)
    batch.push(bytes('h'))
    expect(writes.map((w) => w.data)).toEqual(['a', 'bcdef', 'g', 'h'])
  })

  it('writes at once, in order, when BATCH_LIMIT bytes wait (a hidden page has no frames)', () => {
    const { writes, batch } = setup()
    batch.push(bytes('x'))
    const big = new Uint8Array(BATCH_LIMIT / 2).fill(0x41)
    batch.push(big)
    expect(writes).toHaveLength(1)
    batch.push(big)
    expect(writes).toHaveLength(2)
    expect(writes[1].data.length).toBe(BATCH_LIMIT)
  })

  it('hands a lone piece over as it is and reuses a join buffer once the terminal has parsed it', () => {
    const { frames, writes, batch } = setup()
    batch.push(bytes('a'))
    const lone = bytes('b')
    batch.push(lone)
    frames.paint()
    expect(writes[1].buffer).toBe(lone.buffer)
    expect(writes[1].parsed).toBeUndefined()
    batch.push(bytes('cd'))
    batch.push(bytes('ef'))
    frames.paint()
    const joined = writes[2]
    expect(joined.data).toBe('cdef')
    joined.parsed!()
    batch.push(bytes('gh'))
    batch.push(bytes('ij'))
    frames.paint()
    expect(writes[3].data).toBe('ghij')
    expect(writes[3].buffer).toBe(joined.buffer)
  })

  it('never reuses a join buffer the terminal has not parsed yet', () => {
    const { frames, writes, batch } = setup()
    batch.push(bytes('a'))
    batch.push(bytes('bc'))
    batch.push(bytes('de'))
    frames.paint()
    batch.push(bytes('fg'))
    batch.push(bytes('hi'))
    frames.paint()
    expect(writes.map((w) => w.data)).toEqual(['a', 'bcde', 'fghi'])
    expect(writes[2].buffer).not.toBe(writes[1].buffer)
  })

  it('flush writes what waits (before a clear); dispose drops the frame it asked for', () => {
    const { frames, writes, batch } = setup()
    batch.push(bytes('a'))
    batch.push(bytes('b'))
    batch.flush()
    expect(writes.map((w) => w.data)).toEqual(['a', 'b'])
    batch.dispose()
    expect(frames.due.size).toBe(0)
  })
})
