/**
 * The lab server: the browser transport of the UI contract. It serves the
 * built renderer and one WebSocket, on 127.0.0.1 only. A random token, made
 * anew for every run and printed in the URL, must accompany every request
 * (in the query or in the cookie the first request sets); the Host header
 * must name this server (no DNS rebinding) and a WebSocket's Origin must be
 * this server's own. Anything else gets 403, and its connection is closed.
 *
 * No connection may sit open without having shown the token: an HTTP socket
 * is closed after `idleMs` without traffic, headers must be complete within
 * `headersMs` and a request within `requestMs` (slowloris). A WebSocket,
 * which can only exist with the token, is exempt (ws clears the socket's
 * timeout when it takes the socket over).
 *
 * Wire format (see ./wire.ts): JSON text frames for calls, replies and
 * events; binary frames for console output, display frames and byte results.
 * Each client is a ClientConnection (./connection.ts), which bounds what it
 * may cost the server: a client that stops reading loses console output and
 * display frames, never memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENT_NAMES, type EventName, type Events } from '../shared/contract'
import type { EngineHost } from '../host/engine-host'
import { encodeBytesFrame, FRAME_CONSOLE, FRAME_DISPLAY } from './wire'
import { ClientConnection } from './connection'

export interface LabServerOptions {
  host: EngineHost
  /** Directory of the built renderer (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port: number
  /** For tests: a fixed token instead of a random one. */
  token?: string
  /** Where the server reports what it did to a misbehaving client; default: stderr. */
  log?: (line: string) => void
  /** For tests: shorter limits than DEFAULT_LIMITS. */
  limits?: Partial<HttpLimits>
}

export interface HttpLimits {
  /** An HTTP socket without traffic for this long is closed. */
  idleMs: number
  /** A request's headers must be complete within this (Node's headersTimeout). */
  headersMs: number
  /** A whole request must arrive within this (Node's requestTimeout; more than headersMs). */
  requestMs: number
}

export const DEFAULT_LIMITS: HttpLimits = { idleMs: 5000, headersMs: 5000, requestMs: 10_000 }

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
}

const COOKIE = 'l4lab_token'

export class LabServer {
  readonly token: string
  private server: Server | null = null
  private wss: WebSocketServer | null = null
  private readonly clients = new Set<ClientConnection>()
  private unsubscribe: (() => void)[] = []
  private port = 0
  private readonly rendererDir: string
  private readonly log: (line: string) => void

  constructor(private readonly options: LabServerOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url')
    this.rendererDir = resolve(options.rendererDir)
    this.log = options.log ?? ((line) => process.stderr.write(`l4lab web: ${line}\n`))
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`
  }

  get listeningPort(): number {
    return this.port
  }

  async listen(): Promise<void> {
    const limits = { ...DEFAULT_LIMITS, ...this.options.limits }
    const server = createServer(
      {
        headersTimeout: limits.headersMs,
        requestTimeout: limits.requestMs,
        // How often Node checks the two limits above (default 30 s, longer than they are).
        connectionsCheckingInterval: Math.min(1000, limits.headersMs / 4),
      },
      (req, res) => {
        this.onRequest(req, res).catch((e) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
          res.end(`internal error: ${e instanceof Error ? e.message : String(e)}\n`)
        })
      },
    )
    // Every socket starts with this idle timeout: one that never sends a byte is closed too.
    server.timeout = limits.idleMs
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 })
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head))
    this.unsubscribe = EVENT_NAMES.map((name) => this.options.host.on(name, (payload) => this.fanOut(name, payload)))
    this.server = server
    this.wss = wss
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, '127.0.0.1', () => {
        server.off('error', reject)
        // After listen, an error of the listening socket (say, EMFILE on accept) must not end the lab.
        server.on('error', (e) => this.log(`server error: ${e.message}`))
        resolvePromise()
      })
    })
    const addr = server.address()
    this.port = typeof addr === 'object' && addr ? addr.port : this.options.port
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u()
    this.unsubscribe = []
    for (const ws of this.wss?.clients ?? []) ws.terminate()
    this.wss?.close()
    const server = this.server
    if (!server) return
    const closed = new Promise<void>((r) => server.close(() => r()))
    // close() waits for every connection to end: end them, or it waits for idle ones.
    server.closeAllConnections()
    await closed
  }

  private authorized(req: IncomingMessage): boolean {
    const given = parseUrl(req)?.searchParams.get('token') ?? cookie(req, COOKIE)
    return given !== null && sameSecret(given, this.token)
  }

  private hostAllowed(req: IncomingMessage): boolean {
    const h = req.headers.host
    return h === `127.0.0.1:${this.port}` || h === `localhost:${this.port}`
  }

  private originAllowed(req: IncomingMessage): boolean {
    const o = req.headers.origin
    return o === `http://127.0.0.1:${this.port}` || o === `http://localhost:${this.port}`
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req) || !this.authorized(req)) {
      // Connection: close, so that a client without the token cannot keep the socket (keep-alive) or
      // hold it with a body it never sends: Node ends the socket once this answer is out.
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
      res.end('403 forbidden: this lab needs the token printed by `l4lab web`\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' })
      res.end()
      return
    }
    const rel = requestPath(req)
    if (rel === null) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('400 bad request: the path is no URL or has a malformed percent-encoding\n')
      return
    }
    const file = normalize(join(this.rendererDir, rel))
    if (!file.startsWith(this.rendererDir + sep)) {
      res.writeHead(404)
      res.end()
      return
    }
    const st = await stat(file).catch(() => null)
    if (!st?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end(`not found: ${rel}\n`)
      return
    }
    const headers: Record<string, string> = {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    }
    if (extname(file) === '.html') {
      headers['content-security-policy'] = contentSecurityPolicy(this.port)
      headers['set-cookie'] = `${COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`
      headers['x-frame-options'] = 'DENY'
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : await readFile(file))
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node hands an upgrade's socket over without an 'error' listener: a peer that resets it
    // before we are done with it would otherwise end the process.
    socket.on('error', () => socket.destroy())
    const url = parseUrl(req)
    if (url?.pathname !== '/ws' || !this.hostAllowed(req) || !this.originAllowed(req) || !this.authorized(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.wss!.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, socket))
  }

  private onConnection(ws: WebSocket, socket: Duplex): void {
    const client = new ClientConnection(ws, socket, this.options.host)
    this.clients.add(client)
    ws.on('close', () => this.clients.delete(client))
    // Protocol errors (bad UTF-8, a frame over maxPayload, reserved bits or opcodes, a bad
    // close code …) arrive as 'error'; ws has already begun closing the connection with the
    // right status code. Without this listener the EventEmitter would throw and end the lab.
    ws.on('error', (e) => this.log(`closed a client connection: ${e.message}`))
  }

  /**
   * Sends a back-end event to every client. Console output is framed once for all of them;
   * each client decides whether it can take it now (./connection.ts).
   */
  private fanOut(name: EventName, payload: Events[EventName]): void {
    if (this.clients.size === 0) return
    if (name === 'console.output') {
      const { vm, data } = payload as Events['console.output']
      const frame = encodeBytesFrame(FRAME_CONSOLE, 0, vm, data)
      for (const c of this.clients) c.console(vm, frame, data.length)
    } else if (name === 'display.frame') {
      const { vm, data } = payload as Events['display.frame']
      const frame = encodeBytesFrame(FRAME_DISPLAY, 0, vm, data)
      for (const c of this.clients) c.display(frame)
    } else {
      const text = JSON.stringify({ t: 'event', name, payload })
      for (const c of this.clients) c.event(name, text)
    }
  }
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // xterm.js and Vue's transitions set inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** The decoded path of a request for a file ('/' is '/index.html'), or null when it is malformed (`/%ff`). */
function requestPath(req: IncomingMessage): string | null {
  const url = parseUrl(req)
  if (!url) return null
  let rel: string
  try {
    rel = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  return rel === '/' || rel === '' ? '/index.html' : rel
}

/** The request's URL, or null when it does not parse (an absolute-form target such as `http://[`). */
function parseUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1')
  } catch {
    return null
  }
}

function cookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
