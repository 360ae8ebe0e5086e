import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import WebSocket from 'ws'
import { EngineHost } from '../host/engine-host'
import { loopbackLab } from '../host/lab-config'
import { LabServer } from './lab-server'
import { FRAME_CONSOLE } from './wire'
import { rendererDir, requireBuilt, workerUrl } from '../../test/support/built'

let host: EngineHost
let server: LabServer
let port: number

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function open(query: string, origin: string | null): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, origin ? { origin } : {})
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function call(ws: WebSocket, id: number, name: string, args: unknown): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData, binary: boolean) => {
      if (binary) return
      const msg = JSON.parse(raw.toString())
      if (msg.t === 'reply' && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ t: 'call', id, name, args }))
  })
}

beforeAll(async () => {
  requireBuilt()
  host = new EngineHost({ workerUrl, boards: loopbackLab(), version: 'test' })
  await host.start()
  server = new LabServer({ host, rendererDir, port: 0 })
  await server.listen()
  port = server.listeningPort
})

afterAll(async () => {
  await server.close()
  await host.dispose()
})

describe('LabServer over HTTP', () => {
  it('serves the renderer with the token, a strict CSP and a session cookie', async () => {
    const r = await get(`/?token=${server.token}`)
    expect(r.status).toBe(200)
    expect(r.body).toContain('<div id="app">')
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(String(r.headers['set-cookie'])).toContain('HttpOnly')
    expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${server.token}`)
  })

  it('refuses a wrong or missing token with 403', async () => {
    expect((await get('/?token=wrong')).status).toBe(403)
    expect((await get('/')).status).toBe(403)
    expect((await get('/index.html')).status).toBe(403)
  })

  it('accepts the cookie in place of the query token (for the page assets)', async () => {
    expect((await get('/index.html', { cookie: `l4lab_token=${server.token}` })).status).toBe(200)
    expect((await get('/index.html', { cookie: 'l4lab_token=nope' })).status).toBe(403)
  })

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    expect((await get(`/?token=${server.token}`, { host: 'evil.example:80' })).status).toBe(403)
  })

  it('never serves outside the renderer directory', async () => {
    const r = await get(`/..%2f..%2fpackage.json?token=${server.token}`)
    expect(r.status).toBe(404)
  })
})

describe('LabServer WebSocket', () => {
  const origin = () => `http://127.0.0.1:${port}`

  it('refuses other origins, and a missing or wrong token', async () => {
    await expect(open(`?token=${server.token}`, 'http://evil.example')).rejects.toThrow(/403/)
    await expect(open(`?token=${server.token}`, null)).rejects.toThrow(/403/)
    await expect(open('?token=wrong', origin())).rejects.toThrow(/403/)
    await expect(open('', origin())).rejects.toThrow(/403/)
  })

  it('answers contract calls and streams console output as binary frames', async () => {
    const ws = await open(`?token=${server.token}`, origin())
    try {
      const snap = await call(ws, 1, 'lab.snapshot', {})
      expect(snap.ok).toBe(true)
      expect((snap.value as { boards: unknown[] }).boards).toHaveLength(2)

      const got = new Promise<string>((resolve) => {
        let text = ''
        ws.on('message', (raw: Buffer, binary: boolean) => {
          if (!binary || raw[0] !== FRAME_CONSOLE) return
          const nameLength = raw.readUInt16LE(5)
          const vm = raw.subarray(7, 7 + nameLength).toString()
          if (vm !== 'board1/loop1') return
          text += raw.subarray(7 + nameLength).toString()
          if (text.includes('loopback: over the wire')) resolve(text)
        })
      })
      expect((await call(ws, 2, 'console.input', { vm: 'board1/loop1', data: 'over the wire\r' })).ok).toBe(true)
      expect(await got).toContain('loopback: over the wire')
    } finally {
      ws.close()
    }
  })

  it('answers unknown commands and bad arguments with errors, and survives garbage', async () => {
    const ws = await open(`?token=${server.token}`, origin())
    try {
      ws.send('not json')
      ws.send(Buffer.from([1, 2, 3]))
      expect(await call(ws, 3, 'fs.readFile', {})).toMatchObject({ ok: false, error: expect.stringMatching(/unknown command/) })
      expect(await call(ws, 4, 'console.resize', { vm: 'board0/loop0', cols: -1, rows: 2 })).toMatchObject({ ok: false, error: expect.stringMatching(/cols/) })
      expect(await call(ws, 5, 'vm.stop', { vm: 'board9/x' })).toMatchObject({ ok: false, error: expect.stringMatching(/no board/) })
      expect(await call(ws, 7, 'display.watch', { vm: 'board0/loop0', full: true })).toMatchObject({ ok: false, error: 'a loopback board has no displays' })
      expect(await call(ws, 8, 'display.input', { vm: 'board0/loop0', events: [{ kind: 'key', code: 99999, down: true }] })).toMatchObject({ ok: false, error: expect.stringMatching(/event 0/) })
      expect((await call(ws, 6, 'lab.snapshot', {})).ok).toBe(true)
    } finally {
      ws.close()
    }
  })
})
