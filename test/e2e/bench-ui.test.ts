// `l4lab bench ui` drives the lab in Chromium and prints its four keys
// (issue 15, item 7). No figure is held to its target here: the targets are
// for the benchmark on a quiet machine, not for a test.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { cliPath, requireBuilt, root } from '../support/built'
import { haveChromium } from './browser'

describe.skipIf(!haveChromium())('l4lab bench ui', () => {
  it('prints ui.prompts_ms, ui.echo_ms, ui.console_mb_s and ui.fb_fps (default.lua: gfx draws mandel at 1024×768)', () => {
    requireBuilt()
    const r = spawnSync(process.execPath, [cliPath, 'bench', 'ui', '--mb=0.3', '--keys=3'], { cwd: root, encoding: 'utf8', timeout: 240_000 })
    expect(r.status, r.stderr).toBe(0)
    const value = (key: string, unit: string) => Number(new RegExp(`^${key.replace(/\./g, '\\.')}: ([\\d.]+) ${unit} \\(`, 'm').exec(r.stdout)?.[1])
    expect(value('ui.prompts_ms', 'ms')).toBeGreaterThan(0)
    expect(value('ui.echo_ms', 'ms')).toBeGreaterThan(0)
    expect(value('ui.console_mb_s', 'MB/s')).toBeGreaterThan(0)
    expect(value('ui.fb_fps', 'fps')).toBeGreaterThan(0)
    expect(r.stdout).toMatch(/^ui\.fb_fps: .*\(1024×768, /m)
  }, 240_000)
})
