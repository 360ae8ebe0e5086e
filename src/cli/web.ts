/**
 * `l4lab web [--port N]`: the engine host and the lab server, for a browser.
 */
import { EngineHost } from '../host/engine-host'
import { defaultLab, loopbackLab, scenarioLab } from '../host/lab-config'
import { LabServer } from '../server/lab-server'
import { labVersion, rendererDir, workerUrl } from './paths'
import { parseOrExplain } from './args'

export async function webCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExplain(
    { args: argv, options: { port: { type: 'string', short: 'p' }, loopback: { type: 'boolean' } }, allowPositionals: true },
    'web',
  )
  if (!parsed) return 2
  const port = parsed.values.port === undefined ? 8731 : Number(parsed.values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`l4lab web: --port must be a port number, not ${parsed.values.port}\n`)
    return 2
  }
  let boards
  try {
    boards = parsed.values.loopback ? loopbackLab() : parsed.positionals.length > 0 ? scenarioLab(...parsed.positionals) : defaultLab()
  } catch (e) {
    process.stderr.write(`l4lab web: ${e instanceof Error ? e.message : String(e)}\n`)
    return 2
  }
  const host = new EngineHost({ workerUrl, boards, version: labVersion() })
  await host.start()
  const server = new LabServer({ host, rendererDir, port })
  try {
    await server.listen()
  } catch (e) {
    await host.dispose()
    process.stderr.write(`l4lab web: cannot listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}\n`)
    return 1
  }
  process.stdout.write(`l4lab ${labVersion()}: the lab is at ${server.url}\n(only on this machine; press Ctrl+C to stop)\n`)
  const stop = async () => {
    await server.close()
    await host.dispose()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return -1
}
