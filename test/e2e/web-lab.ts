/**
 * `l4lab web` as the end-to-end tests start it: the built CLI on a free
 * port, its address (with the session token) read from what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cliPath, root } from '../support/built'

export function startWeb(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ lab: ChildProcess; url: string }> {
  const lab = spawn(process.execPath, [cliPath, 'web', '--port', '0', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    lab.stdout!.on('data', (d) => {
      out += d
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out)
      if (m) resolve({ lab, url: m[0] })
    })
    lab.stderr!.on('data', (d) => (out += d))
    lab.once('exit', (code) => reject(new Error(`l4lab web exited with ${code}: ${out}`)))
  })
}
