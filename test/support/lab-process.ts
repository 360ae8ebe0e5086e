/**
 * `l4lab web` in a child process, built from the current sources, for tests
 * that must watch the server as a process: does it survive, how much memory
 * does it hold. The CLI is bundled by esbuild into a directory of its own
 * beside out/cli (so that it finds out/engine and out/renderer as the real
 * one does), never from a stale out/cli: a test of a fix must run the fix.
 * The engine worker and the renderer come from the build (requireBuilt).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { requireBuilt, root } from './built'

let bundled: Promise<string> | null = null
let bundleDir: string | null = null

/** Bundles src/cli/main.ts once per test file; returns the path of the bundle. */
function cliUnderTest(): Promise<string> {
  if (!bundled) {
    requireBuilt()
    bundleDir = join(root, 'out', `cli-under-test-${process.pid}`)
    const dir = bundleDir
    bundled = build({
      entryPoints: { l4lab: join(root, 'src/cli/main.ts') },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
      define: { 'process.env.L4LAB_BUNDLED': '"1"' },
    }).then(() => join(dir, 'l4lab.mjs'))
  }
  return bundled
}

/** Removes this test file's bundle (call from afterAll). */
export function removeCliUnderTest(): void {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true })
  bundled = null
  bundleDir = null
}

export interface LabProcess {
  child: ChildProcess
  port: number
  token: string
  url: string
  /** Everything the process wrote to stderr so far. */
  stderr(): string
  /** Whether the process is still running. */
  alive(): boolean
  /** Resident set size of the process in bytes (Linux: /proc/PID/status). */
  rss(): number
  stop(): Promise<void>
}

/** Starts `l4lab web --port 0 ARGS…` (Node given NODE_FLAGS first) and resolves once it prints its URL. */
export async function startLab(args: string[], nodeFlags: string[] = []): Promise<LabProcess> {
  const cli = await cliUnderTest()
  const child = spawn(process.execPath, [...nodeFlags, cli, 'web', '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  let exited = false
  child.stderr!.on('data', (d) => (err += d))
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())))
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const found = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(out)
      if (found) resolve(found)
    })
    child.once('exit', (code) => reject(new Error(`l4lab web exited with ${code}: ${out}${err}`)))
  })
  return {
    child,
    port: Number(m[1]),
    token: m[2],
    url: m[0],
    stderr: () => err,
    alive: () => !exited,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    stop: async () => {
      if (!exited) child.kill('SIGTERM')
      await exit
    },
  }
}
