/**
 * Picks the transport: inside Electron the preload has put the bridge on
 * `window.l4lab`; in a browser we talk to the lab server that served this
 * page, with the token from the page's URL.
 */
import type { LabBridge } from '../../../shared/contract'
import { WebSocketBridge } from './websocket'

declare global {
  interface Window {
    l4lab?: LabBridge
  }
}

export interface Transport {
  bridge: LabBridge
  kind: 'electron' | 'web'
  /** Reports connection changes of the browser transport. */
  onConnection(listener: (connected: boolean) => void): void
}

export function connect(): Transport {
  if (window.l4lab) return { bridge: window.l4lab, kind: 'electron', onConnection: (l) => l(true) }
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const ws = new WebSocketBridge(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`)
  return {
    bridge: ws,
    kind: 'web',
    onConnection: (l) => {
      ws.onConnection = l
    },
  }
}
