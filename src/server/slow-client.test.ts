/**
 * Issue 11, item 6: a client that stops reading used to make `l4lab web`
 * grow without bound (every byte of console output queued for it; 103 MB to
 * 3.3 GB in 80 s while a guest ran `yes`). Here vm1 of the default scenario
 * runs `yes` while one client reads everything and another reads nothing.
 * The engine running `yes` takes memory of its own (about 150 MiB, reader or
 * no reader), so the base is the most the server holds while the reader gets
 * its first WARMUP bytes; over the next VOLUME bytes it may grow by CAP at
 * most. The slow client, reading again, must see everything up to where it
 * fell behind, one marker saying how many bytes it lost, and then the
 * console as it is, exactly.
 *
 * The cap: a client may hold SEND_BUFFER_LIMIT (1 MiB) unsent, plus one
 * console frame past it, plus a resynchronisation (a 256 KiB scroll-back per
 * VM), plus MAX_CALLS_IN_FLIGHT (16) replies of at most a scroll-back each:
 * about 6 MiB; the rest of the 32 MiB is slack for the garbage collector.
 * Before the fix the server grew by the output it got (about 30 MB/s).
 *
 * The lab runs with 1 MiB semi-spaces: V8 otherwise grows its young
 * generation (to 3 × 16 MiB per isolate) under allocation pressure, and how
 * far it does depends on the machine's speed — on a quiet machine RSS grew by
 * 45 MiB with no slow client at all, and by 65–70 MiB with one. With the young
 * generation fixed, the same runs grow by 0 and 1 MiB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeCliUnderTest, startLab, type LabProcess } from '../../test/support/lab-process'
import { call, history, onConsole, openClient } from '../../test/support/lab-client'

const MiB = 1 << 20
const VM = 'arm0/vm1'
const PROMPT = 'vm1:/# '
/** The shell's prompt at the end of a stream (its line editor then clears to the end of the screen). */
const atPrompt = (b: Buffer) => /vm1:\/# (\x1b\[J)?$/.test(b.toString('latin1'))
/** Output the reading client receives before the server's memory is taken as the base (see the header). */
const WARMUP = 300 * MiB
/** Output the reading client receives after that, while the other reads nothing. */
const VOLUME = 300 * MiB
/** Growth of the server's resident memory allowed above the base (see the header). */
const CAP = 32 * MiB
/** The marker a client gets where its output was dropped (connection.ts, droppedMarker). */
const MARKER = /\x18\r\n\[l4lab: (\d+) bytes of output dropped; resynchronised\]\r\n/

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(test: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    // A VM that does not exist yet (the scenario still starting) is a "not yet".
    if (await Promise.resolve().then(test).catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`gave up waiting: ${what}`)
}

let lab: LabProcess

beforeAll(async () => {
  lab = await startLab([], ['--max-semi-space-size=1'])
})
afterAll(async () => {
  await lab?.stop()
  removeCliUnderTest()
})

describe('a slow client costs the server a bounded amount of memory (issue 11, item 6)', () => {
  it('stays under the cap while one client stops reading and vm1 runs `yes`; the slow client then sees what it had, the marker, and the console as it is', async () => {
    const reader = await openClient(lab.port, lab.token)
    await until(async () => (await history(reader, VM)).toString().includes(PROMPT), 'the shell prompt of vm1')

    const slow = await openClient(lab.port, lab.token)
    const slowStream: Buffer[] = []
    onConsole(slow, VM, (b) => slowStream.push(Buffer.from(b)))
    slow.pause() // stops reading its socket: TCP fills up, then the server's buffers would

    // The reader's count of the stream: the bytes it got, plus those its own markers say it lost
    // (a reader starved of CPU by other tests may fall behind too; its count stays exact).
    let total = 0
    let readerMarkers = 0
    let head = Buffer.alloc(0)
    let tail = Buffer.alloc(0)
    onConsole(reader, VM, (b) => {
      const marker = MARKER.exec(b.toString('latin1'))
      if (marker && marker.index === 0 && marker[0].length === b.length) {
        total += Number(marker[1])
        readerMarkers++
        return
      }
      total += b.length
      if (head.length < 4096) head = Buffer.concat([head, b])
      tail = Buffer.concat([tail, b]).subarray(-64)
    })

    expect((await call(reader, 'console.input', { vm: VM, data: 'yes\r' })).ok).toBe(true)
    // The engine running `yes` takes its own memory first: the most it takes while the reader gets WARMUP is the base.
    let before = lab.rss()
    while (total < WARMUP) {
      await sleep(100)
      before = Math.max(before, lab.rss())
    }
    let peak = before
    while (total < WARMUP + VOLUME && peak - before < CAP) {
      await sleep(100)
      peak = Math.max(peak, lab.rss())
    }
    console.log(`server RSS ${(before / MiB).toFixed(0)} MiB after ${(WARMUP / MiB).toFixed(0)} MiB of output, ${(peak / MiB).toFixed(0)} MiB at most in the next ${((total - WARMUP) / MiB).toFixed(0)} MiB`)
    expect(peak - before).toBeLessThan(CAP)

    await call(reader, 'console.input', { vm: VM, data: '\x03' })
    await until(() => atPrompt(tail), 'the prompt after ^C')
    const final = await history(reader, VM)
    if (readerMarkers > 0) console.log(`the reader fell behind too, ${readerMarkers} times`)

    slow.resume()
    await until(() => atPrompt(Buffer.concat(slowStream.slice(-2))), 'the slow client to catch up')
    const seen = Buffer.concat(slowStream)
    const markers = [...seen.toString('latin1').matchAll(new RegExp(MARKER.source, 'g'))]
    expect(markers).toHaveLength(1)
    const m = markers[0]
    const had = seen.subarray(0, m.index)
    const after = seen.subarray(m.index! + m[0].length)
    // Every byte is accounted for: what it had, what the marker says it lost, what it was given after.
    expect(had.length + Number(m[1]) + after.length).toBe(total)
    // What it had: the start of the stream (the shell echoing "yes"), then whole lines of y, the last perhaps cut.
    const firstLines = had.indexOf('y\r\ny\r\n')
    expect(firstLines).toBeGreaterThan(0)
    expect(had.subarray(0, firstLines).equals(head.subarray(0, firstLines))).toBe(true)
    // (\r\r\n happens: the scenario's LF → CR LF cooking adds a CR when a chunk begins with the LF of a CR LF.)
    const odd = had.subarray(firstLines).toString('latin1').replace(/y\r+\n/g, '')
    expect(odd, `${JSON.stringify(had.subarray(0, firstLines + 16).toString('latin1'))} … ${JSON.stringify(had.subarray(-32).toString('latin1'))}`).toMatch(/^(y\r?)?$/)
    // After the marker: the scroll-back from a whole line on, exactly as it ends.
    expect(after.equals(final.subarray(final.length - after.length))).toBe(true)
    expect(after.toString('latin1')).toMatch(/^y\r+\n/)
    reader.close()
    slow.close()
  }, 180_000)

  it('stays under the cap while a client asks for the scroll-back again and again and reads no answer; it gets every answer once it reads', async () => {
    const CALLS = 2000
    const reader = await openClient(lab.port, lab.token)
    expect((await history(reader, VM)).length).toBeGreaterThan(200 * 1024)
    reader.close()

    const greedy = await openClient(lab.port, lab.token)
    let answers = 0
    greedy.on('message', (raw: Buffer, binary: boolean) => {
      if (binary && raw[0] === 2) answers++
    })
    greedy.pause()
    const before = lab.rss()
    let peak = before
    for (let i = 0; i < CALLS; i++) greedy.send(JSON.stringify({ t: 'call', id: 1_000_000 + i, name: 'console.history', args: { vm: VM } }))
    for (let i = 0; i < 50 && peak - before < CAP; i++) {
      await sleep(100)
      peak = Math.max(peak, lab.rss())
    }
    console.log(`server RSS ${(before / MiB).toFixed(0)} MiB before, ${(peak / MiB).toFixed(0)} MiB at most, with ${CALLS} scroll-backs asked for`)
    expect(peak - before).toBeLessThan(CAP)
    greedy.resume()
    await until(() => answers === CALLS, 'every answer')
    greedy.close()
  }, 180_000)
})
