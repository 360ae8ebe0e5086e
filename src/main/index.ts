/**
 * The Electron main process: a window, the engine host, and the IPC bridge
 * for the UI contract. Deliberately thin — everything else lives in the
 * engine worker (src/engine via src/host) and the renderer.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { EngineHost } from '../host/engine-host'
import { defaultLab } from '../host/lab-config'
import { checkArgs, EVENT_NAMES, IPC_COMMAND_CHANNEL, IPC_EVENT_CHANNEL, isCommandName, type Reply } from '../shared/contract'

const here = fileURLToPath(new URL('.', import.meta.url))
const workerUrl = new URL('../engine/worker.mjs', import.meta.url)

let window: BrowserWindow | null = null
const host = new EngineHost({ workerUrl, boards: defaultLab(), version: app.getVersion() })

function createWindow(): void {
  window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'l4lab',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window?.show())
  // The lab never navigates away or opens windows; links go to the OS browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (e) => e.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(join(here, '../renderer/index.html'))
  window.on('closed', () => (window = null))
}

ipcMain.handle(IPC_COMMAND_CHANNEL, async (event, name: unknown, args: unknown): Promise<Reply<unknown>> => {
  if (event.senderFrame !== window?.webContents.mainFrame) return { ok: false, error: 'not from the lab window' }
  if (!isCommandName(name)) return { ok: false, error: `unknown command ${JSON.stringify(name)}` }
  const problem = checkArgs(name, args)
  if (problem) return { ok: false, error: problem }
  try {
    return { ok: true, value: await host.command(name, args as never) }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) }
  }
})

for (const name of EVENT_NAMES) {
  host.on(name, (payload) => window?.webContents.send(IPC_EVENT_CHANNEL, name, payload))
}

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  await host.start()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', () => {
  void host.dispose()
})
