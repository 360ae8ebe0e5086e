/**
 * No l4lab command shows a stack trace for bad input (issue 11, item 10):
 * each says what is wrong in one line and exits with its status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliPath, requireBuilt, root } from '../support/built'

let dir = ''

function l4lab(args: string[], opts: { stdout?: number } = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'],
  })
  return { code: r.status, out: r.stdout ?? '', err: r.stderr }
}

/** stderr without the notice bin/l4lab.mjs prints when it builds first. */
const said = (err: string) => err.replace(/^l4lab: building the lab.*\n/m, '')
const STACK_FRAME = /^\s+at /m

function scenario(name: string, source: string): string {
  const file = join(dir, name)
  writeFileSync(file, source)
  return file
}

beforeAll(() => {
  requireBuilt()
  dir = mkdtempSync(join(tmpdir(), 'l4lab-errors-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('bad input, in one line', () => {
  it('exec from a deleted working directory says so and exits 2 (issue 11, item 10)', () => {
    const gone = join(dir, 'gone')
    mkdirSync(gone)
    const r = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" exec /bin/true', 'sh', gone, process.execPath, cliPath], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(2)
    expect(said(r.stderr)).toMatch(/^l4lab exec: the current directory no longer exists \(ENOENT[^\n]*\); cd to one that does\n$/)
  })

  it('run takes a scenario naming rom/. and rom/.. (directories, not modules) without a stack trace (issue 11, item 10)', () => {
    const r = l4lab(['run', scenario('dots.lua', 'local here, up = "rom/.", "rom/.."\n')])
    expect(r.err).not.toMatch(STACK_FRAME)
    expect(r.code).toBe(0)
    expect(r.out).toContain('l4re| ned: running rom/dots.lua')
  })

  it('bench boot takes rom/.. too, and ends at once when the scenario fails, with its error', () => {
    const r = l4lab(['bench', 'boot', scenario('fails.lua', 'local up = "rom/.."\nerror("stops here")\n'), '--rounds=1'])
    expect(said(r.err)).toBe('l4lab bench boot: the scenario failed: rom/fails.lua:2: stops here\n')
    expect(r.code).toBe(1)
  })

  it('web takes rom/.. too, and serves the lab', async () => {
    const lab = spawn(process.execPath, [cliPath, 'web', '--port', '0', scenario('dots-web.lua', 'local up = "rom/.."\n')], { cwd: root })
    const said = await new Promise<string>((resolve) => {
      let text = ''
      const take = (d: Buffer) => {
        text += d
        if (/the lab is at http/.test(text)) resolve(text)
      }
      lab.stdout.on('data', take)
      lab.stderr.on('data', take)
      lab.on('exit', () => resolve(text))
    })
    lab.kill('SIGTERM')
    expect(said).not.toMatch(STACK_FRAME)
    expect(said).toMatch(/the lab is at http/)
  })

  it('a directory given as the scenario: run, web and bench boot name it and exit 2', () => {
    for (const args of [['run', dir], ['web', '--port', '0', dir], ['bench', 'boot', dir]]) {
      const r = l4lab(args)
      expect(said(r.err)).toMatch(new RegExp(`^l4lab (run|web|bench boot): cannot read ${dir}: EISDIR[^\\n]*\\n$`))
      expect(r.code).toBe(2)
    }
  })

  it('output that cannot be written (/dev/full) ends l4lab with one line and status 1', () => {
    const full = openSync('/dev/full', 'w')
    try {
      for (const args of [['--help'], ['run', 'resources/scenarios/hello.lua']]) {
        const r = l4lab(args, { stdout: full })
        expect(said(r.err)).toBe('l4lab: cannot write the output: ENOSPC: no space left on device, write\n')
        expect(r.code).toBe(1)
      }
    } finally {
      closeSync(full)
    }
  })

  it('exec --arch without a value says it needs one', () => {
    const r = l4lab(['exec', '--arch'])
    expect(said(r.err)).toBe('l4lab exec: --arch needs a value (aarch64 or x86_64)\n')
    expect(r.code).toBe(2)
  })
})
