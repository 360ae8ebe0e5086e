/**
 * The lab server's wire under random input (issue 11): WebSocket frames
 * (valid framing with random contract calls, random JSON and JSON-ish text,
 * random bytes, random opcodes, reserved bits, fragmentation and masking)
 * and random HTTP requests (methods, paths, percent-encodings, tokens,
 * headers, upgrades, garbage) against a live `l4lab web --loopback`. After
 * every case the process is alive and a client connected from the start
 * gets its answer to `lab.snapshot`, asked while the junk was arriving.
 *
 * The seed is random (fast-check prints it with a failure); FUZZ_SEED=N
 * replays one. The number of runs is fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { connect } from 'node:net'
import type WebSocket from 'ws'
import { COMMAND_NAMES } from '../shared/contract'
import { removeCliUnderTest, startLab, type LabProcess } from '../../test/support/lab-process'
import { OP, frame, rawUpgrade, type FrameOptions } from '../../test/support/raw-websocket'
import { call, openClient } from '../../test/support/lab-client'

const RUNS = 400
const enc = new TextEncoder()
const settle = (p: Promise<void>, ms: number) => Promise.race([p, new Promise<void>((r) => setTimeout(r, ms))])

let lab: LabProcess
let watcher: WebSocket
let watcherClosed = false

beforeAll(async () => {
  lab = await startLab(['--loopback'])
  watcher = await openClient(lab.port, lab.token)
  watcher.on('close', () => (watcherClosed = true))
})
afterAll(async () => {
  watcher?.terminate()
  await lab?.stop()
  removeCliUnderTest()
})

// ---- WebSocket frames

const target = fc.constantFrom('board0', 'board1', 'board0/loop0', 'board1/loop1', 'board9/x', '', '/', 'board0/', '__proto__')
const args = fc.oneof(
  fc.record(
    {
      vm: fc.oneof(target, fc.string()),
      board: fc.oneof(target, fc.string()),
      data: fc.string({ maxLength: 200 }),
      cols: fc.oneof(fc.integer(), fc.double()),
      rows: fc.integer({ min: -5, max: 2000 }),
      task: fc.oneof(fc.nat(), fc.integer()),
      address: fc.oneof(fc.nat(), fc.double()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
)
/** Contract calls, mostly well formed, some not. */
const callText = fc
  .record(
    {
      t: fc.oneof(fc.constant('call'), fc.constant('call'), fc.string()),
      id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), fc.constant(null)),
      name: fc.oneof(fc.constantFrom(...COMMAND_NAMES), fc.constantFrom(...COMMAND_NAMES), fc.string()),
      args,
    },
    { requiredKeys: ['t'] },
  )
  .map((o) => JSON.stringify(o))
const jsonish = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 't', 'call', 'id', '1', '-', 'e9', 'null', '\\', 'u', ' ', '\u2028', '\ud800') })
const textPayload = fc.oneof(callText, fc.json(), jsonish, fc.string({ unit: 'binary' })).map((s) => enc.encode(s))
const bytes = fc.uint8Array({ maxLength: 400 })

const wsFrame: fc.Arbitrary<FrameOptions> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ opcode: fc.constant(OP.text), payload: textPayload }) },
  { weight: 1, arbitrary: fc.record({ opcode: fc.constant(OP.binary), payload: bytes }) },
  { weight: 1, arbitrary: fc.record({ opcode: fc.constantFrom(OP.ping, OP.pong), payload: fc.uint8Array({ maxLength: 130 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      opcode: fc.integer({ min: 0, max: 15 }),
      payload: fc.oneof(textPayload, bytes),
      fin: fc.boolean(),
      rsv: fc.integer({ min: 0, max: 7 }),
      mask: fc.boolean(),
    }),
  },
)

// ---- HTTP requests

const httpRequest = fc.record({
  method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'CONNECT', 'BREW', 'G T'),
  path: fc.oneof(
    fc.constantFrom('/', '/index.html', '/ws', '/%ff', '/%', '/%c0%af', '/..%2f..%2fpackage.json', '/%00', '*', 'http://[', '//x', '/assets/'),
    fc.webPath(),
    fc.string({ maxLength: 60 }),
  ),
  token: fc.constantFrom('query', 'query', 'cookie', 'wrong', 'none'),
  host: fc.constantFrom('ok', 'ok', 'localhost', 'evil', 'none'),
  upgrade: fc.boolean(),
  headers: fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), { maxLength: 4 }),
  body: fc.option(fc.uint8Array({ maxLength: 200 })),
  garbage: fc.option(fc.uint8Array({ minLength: 1, maxLength: 300 }), { freq: 6 }),
})

type HttpRequest = typeof httpRequest extends fc.Arbitrary<infer T> ? T : never

function httpBytes(r: HttpRequest): Buffer {
  if (r.garbage) return Buffer.from(r.garbage)
  const sep = r.path.includes('?') ? '&' : '?'
  const path = r.token === 'query' ? `${r.path}${sep}token=${lab.token}` : r.token === 'wrong' ? `${r.path}${sep}token=x` : r.path
  const lines = [`${r.method} ${path} HTTP/1.1`]
  if (r.host !== 'none') lines.push(`Host: ${r.host === 'ok' ? '127.0.0.1' : r.host === 'localhost' ? 'localhost' : 'evil.example'}:${lab.port}`)
  if (r.token === 'cookie') lines.push(`Cookie: l4lab_token=${lab.token}`)
  if (r.upgrade) lines.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Origin: http://127.0.0.1:${lab.port}`)
  for (const [k, v] of r.headers) lines.push(`${k}: ${v}`)
  if (r.body) lines.push(`Content-Length: ${r.body.length}`)
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), Buffer.from(r.body ?? [])])
}

/** Sends one request's bytes; resolves with the status line of the answer, if one came. */
async function sendHttp(data: Buffer): Promise<string> {
  const socket = connect(lab.port, '127.0.0.1')
  let answer = ''
  socket.on('error', () => {})
  socket.on('data', (d) => (answer += d.toString('latin1')))
  const closed = new Promise<void>((r) => socket.once('close', () => r()))
  socket.once('connect', () => socket.end(data))
  await settle(closed, 300)
  socket.destroy()
  return answer.split('\r\n', 1)[0]
}

async function sendFrames(frames: FrameOptions[], endWithClose: boolean): Promise<void> {
  const ws = await rawUpgrade(lab.port, lab.token)
  for (const f of frames) if (!ws.socket.destroyed) ws.socket.write(frame(f))
  if (endWithClose && !ws.socket.destroyed) ws.socket.write(frame({ opcode: OP.close, payload: Uint8Array.of(0x03, 0xe8) }))
  ws.socket.end()
  await settle(ws.closed, 300)
  ws.socket.destroy()
}

/** The watcher, connected since the start, is answered while the junk arrives. */
async function whileWatched(junk: Promise<void>): Promise<void> {
  const [answer] = await Promise.all([call(watcher, 'lab.snapshot', {}), junk])
  expect(answer.ok).toBe(true)
  expect(lab.alive()).toBe(true)
  expect(watcherClosed).toBe(false)
}

const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)

describe('the lab server under random input', () => {
  it('survives random WebSocket frames; a client connected all along keeps getting answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wsFrame, { minLength: 1, maxLength: 8 }), fc.boolean(), (frames, close) => whileWatched(sendFrames(frames, close))),
      { numRuns: RUNS, seed },
    )
  }, 120_000)

  it('survives random HTTP requests, answering none with 5xx; a client connected all along keeps getting answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(httpRequest, { minLength: 1, maxLength: 3 }), async (requests) => {
        const answers: string[] = []
        await whileWatched(Promise.all(requests.map(async (r) => void answers.push(await sendHttp(httpBytes(r))))).then(() => {}))
        // Whatever the request, the server's answer is never an error of its own.
        for (const a of answers) expect(a).not.toMatch(/^HTTP\/1\.1 5/)
      }),
      { numRuns: RUNS, seed },
    )
  }, 120_000)

  it('logged what it closed, and its log names no stack trace', () => {
    expect(lab.stderr()).toMatch(/closed a client connection/)
    expect(lab.stderr()).not.toMatch(/\n\s+at /)
  })
})
