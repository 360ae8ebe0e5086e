import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { base64, dropFiles, DROP_LIMIT_BYTES, DROP_PIECE_BYTES, type DroppedFile } from './drop'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'
const decode = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))

const file = (name: string, bytes: Uint8Array): DroppedFile => ({ name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer })

describe('dropping files on a console', () => {
  it('base64 decodes to the same bytes, for any bytes (across the slices it is built in)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 70_000 }), (b) => {
        expect(decode(base64(b))).toEqual(b)
      }),
    )
  })

  it('sends a file in pieces at their offsets, each within the contract’s bound; the pieces make the file', async () => {
    const bridge = new FakeBridge(twoBoards())
    const got = new Uint8Array(DROP_PIECE_BYTES * 2 + 1000)
    bridge.answers['vm.putFile'] = ((a: { name: string; offset: number; data: string }) => {
      got.set(decode(a.data), a.offset)
      return { path: `/tmp/${a.name}` }
    }) as never
    const bytes = Uint8Array.from({ length: got.length }, (_, i) => (i * 7) & 0xff)
    const out = await dropFiles(bridge, 'b0/vm1', [file('data.bin', bytes), file('empty', new Uint8Array(0))])
    expect(out).toEqual([
      { file: 'data.bin', bytes: bytes.length, ok: true, path: '/tmp/data.bin' },
      { file: 'empty', bytes: 0, ok: true, path: '/tmp/empty' },
    ])
    const calls = bridge.calls.filter((c) => c.name === 'vm.putFile').map((c) => c.args as { vm: string; name: string; offset: number; data: string })
    expect(calls.map((c) => [c.name, c.offset])).toEqual([
      ['data.bin', 0],
      ['data.bin', DROP_PIECE_BYTES],
      ['data.bin', 2 * DROP_PIECE_BYTES],
      ['empty', 0],
    ])
    // Each piece within what the contract takes (src/shared/contract.test.ts checks checkArgs at that bound).
    for (const c of calls) expect(decode(c.data).length).toBeLessThanOrEqual(DROP_PIECE_BYTES)
    expect(got).toEqual(bytes)
  })

  it('says why a file did not go: too large, or the VM’s answer', async () => {
    const bridge = new FakeBridge(twoBoards())
    bridge.answers['vm.putFile'] = (() => Promise.reject(new Error('/tmp/x: No space left on device'))) as never
    const huge: DroppedFile = { name: 'huge.iso', size: DROP_LIMIT_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('not read')) }
    const out = await dropFiles(bridge, 'b0/vm1', [huge, file('x', new Uint8Array(3))])
    expect(out).toEqual([
      { file: 'huge.iso', bytes: DROP_LIMIT_BYTES + 1, ok: false, error: 'huge.iso is 65 MiB: files up to 64 MiB can be dropped' },
      { file: 'x', bytes: 3, ok: false, error: '/tmp/x: No space left on device' },
    ])
  })
})
