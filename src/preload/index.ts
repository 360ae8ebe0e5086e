/**
 * The preload: exposes `window.l4lab`, the contract's LabBridge, and nothing
 * else. Only contract command and event names pass; the main process checks
 * the arguments again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  IPC_COMMAND_CHANNEL,
  IPC_EVENT_CHANNEL,
  isCommandName,
  isEventName,
  type LabBridge,
  type Reply,
} from '../shared/contract'

const bridge: LabBridge = {
  async call(name, args) {
    if (!isCommandName(name)) throw new Error(`unknown command ${JSON.stringify(name)}`)
    const reply = (await ipcRenderer.invoke(IPC_COMMAND_CHANNEL, name, args)) as Reply<never>
    if (!reply.ok) throw new Error(reply.error)
    return reply.value
  },
  on(name, listener) {
    if (!isEventName(name)) throw new Error(`unknown event ${JSON.stringify(name)}`)
    const handler = (_e: IpcRendererEvent, event: unknown, payload: unknown) => {
      if (event === name) listener(payload as never)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('l4lab', bridge)
