import { describe, expect, it } from 'vitest'
import { HostInput, HostOutput, StdinBuffer, StreamFs, type StdioPort } from './host-stdio'
import { O_RDONLY } from './vfs/types'

const port: StdioPort = { write: () => {} }

/** The inode numbers of one lx's standard streams, and of /dev/stdout opened again. */
function streamInodes(): number[] {
  const fs = new StreamFs()
  const files = [new HostInput(fs, new StdinBuffer()), new HostOutput(fs, port, 1), new HostOutput(fs, port, 2)]
  const again = files[1].inode.open(O_RDONLY, { uid: 0, gid: 0 })
  if (typeof again === 'number') throw new Error(`reopen: ${again}`)
  return [...files, again].map((f) => f.inode.stat().ino)
}

describe('host streams', () => {
  it('are numbered per lx: a second lx in the same engine gets the same inode numbers', () => {
    const first = streamInodes()
    expect(first).toEqual([2, 3, 4, 5])
    expect(streamInodes()).toEqual(first)
  })
})
