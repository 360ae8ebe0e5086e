/**
 * Issue 11, item 14: the lab server answers a malformed path with 400, and
 * does not let a connection without the token sit open: one that sends
 * nothing, one that asked without the token and keeps the socket, one that
 * trickles its headers (slowloris). The limits are short here (options);
 * the defaults are a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { EngineHost } from '../host/engine-host'
import { loopbackLab } from '../host/lab-config'
import { LabServer } from './lab-server'
import { requireBuilt, rendererDir, workerUrl } from '../../test/support/built'
import { call, openClient } from '../../test/support/lab-client'

let host: EngineHost
let server: LabServer
let port: number

beforeAll(async () => {
  requireBuilt()
  host = new EngineHost({ workerUrl, boards: loopbackLab(), version: 'test' })
  await host.start()
  server = new LabServer({ host, rendererDir, port: 0, limits: { idleMs: 300, headersMs: 600, requestMs: 1200 }, log: () => {} })
  await server.listen()
  port = server.listeningPort
})

afterAll(async () => {
  await server?.close()
  await host?.dispose()
})

/** A raw TCP connection: what it received, and a promise of its end. */
function raw(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (d) => (data += d.toString('latin1')))
    socket.on('error', () => {})
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    socket.once('connect', () => resolve({ socket, received: () => data, closed }))
  })
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}\r\n`

describe('the lab server over HTTP: malformed paths (issue 11, item 14)', () => {
  it.each(['/%ff', '/%', '/%E0%A4%A', '/assets/%c0%af'])('GET %s with the token is 400, not 500', async (path) => {
    const c = await raw()
    c.socket.end(get(`${path}?token=${server.token}`, 'Connection: close\r\n'))
    await c.closed
    expect(c.received()).toMatch(/^HTTP\/1\.1 400 /)
  })

  it('an absolute-form target that is no URL is 400 too, also as an upgrade', async () => {
    const c = await raw()
    c.socket.end(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: l4lab_token=${server.token}\r\nConnection: close\r\n\r\n`)
    await c.closed
    expect(c.received()).toMatch(/^HTTP\/1\.1 400 /)
    const u = await raw()
    u.socket.write(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`)
    await u.closed
    expect(u.received()).toMatch(/^HTTP\/1\.1 40[03] /)
  })
})

describe('the lab server closes connections that do not authenticate (issue 11, item 14)', () => {
  it('closes a TCP connection that sends nothing', async () => {
    const c = await raw()
    await c.closed
    expect(c.received()).toBe('')
  })

  it('answers a request without the token with 403 and closes the socket, though the client keeps it alive', async () => {
    const c = await raw()
    c.socket.write(get('/', 'Connection: keep-alive\r\n'))
    await c.closed
    expect(c.received()).toMatch(/^HTTP\/1\.1 403 /)
    // The server says it closes (keep-alive would otherwise let the client hold the socket).
    expect(c.received()).toMatch(/\r\nConnection: close\r\n/i)
  })

  it('closes a request without the token whose body never comes', async () => {
    const c = await raw()
    c.socket.write(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 100000\r\n\r\nabc`)
    await c.closed
    expect(c.received()).toMatch(/^HTTP\/1\.1 403 /)
    expect(c.received()).toMatch(/\r\nConnection: close\r\n/i)
  })

  it('cuts off headers trickled in faster than the idle limit but never finished (slowloris)', async () => {
    const c = await raw()
    c.socket.write(`GET /?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`)
    let n = 0
    const trickle = setInterval(() => c.socket.write(`X-Slow-${n++}: a\r\n`), 100)
    await c.closed
    clearInterval(trickle)
    // Node answers a headers timeout with 408 when it can.
    expect(c.received()).not.toMatch(/^HTTP\/1\.1 200 /)
  })

  it('keeps a WebSocket with the token open however long it is idle', async () => {
    const ws = await openClient(port, server.token)
    await new Promise((r) => setTimeout(r, 1500)) // well past every limit above
    expect((await call(ws, 'lab.snapshot', {})).ok).toBe(true)
    ws.close()
  })
})
