/**
 * `l4lab bench ui [SCENARIO] [--mb=N] [--keys=N] [--renderer=webgl|dom|auto]`: the lab as a user meets it,
 * driven in Chromium (issue 15, item 7). The engine host and the lab server
 * run in this process as `l4lab web` runs them; Debian's Chromium (or
 * L4LAB_CHROMIUM) loads the renderer through playwright-core.
 *
 *   ui.prompts_ms    from starting the board (the browser already open) to
 *                    every guest's shell prompt shown in its xterm: boot, page
 *                    load and the first output together
 *   ui.echo_ms       a key pressed in a console (keydown in the page) until the
 *                    character is drawn in that xterm: median over --keys=N
 *   ui.console_mb_s  the first VM writes --mb=N MB (`yes | head -c`) while the
 *                    second runs; the guest's bytes over the time from Enter
 *                    to the marker after them drawn in the xterm (after a
 *                    warm-up round of at most 2 MB that is not counted)
 *   ui.console_page_busy  how busy the page's main thread was meanwhile
 *                    (script, layout and style): is the xterm the bottleneck?
 *   ui.console_cpu   CPU time per MB of that round: Chromium's processes
 *                    (the page, its compositor, the GPU process that runs
 *                    WebGL) and the lab's (engine and server). Unlike MB/s it
 *                    hardly depends on what else the machine runs (Linux only)
 *   ui.fb_fps        frames per second a VM display paints at 1024×768 while its
 *                    guest animates: an arrow key held in the view (mandel pans,
 *                    every pixel of the picture changes in each frame); n/a
 *                    while no VM of the scenario has a display
 *   ui.fb_idle_fps   the same with nothing pressed (mandel's idle animation,
 *                    a status strip at 15 steps a second)
 *
 * Times are taken inside the page (performance.now() at the keydown and when
 * the rows show the text), so the driver's own round trips do not count.
 */
import { shellGuest } from './bench-boot'
import { basename } from 'node:path'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { CDPSession, Page } from 'playwright-core'
import { EngineHost } from '../host/engine-host'
import { defaultScenarioPath, scenarioLab } from '../host/lab-config'
import { LabServer } from '../server/lab-server'
import { labVersion, rendererDir, workerUrl } from './paths'
import { PAGE_PROBE, type ProbeResult } from './bench-ui-probe'

const CHROMIUM = process.env.L4LAB_CHROMIUM ?? '/usr/bin/chromium'
const LINE = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!'
const PROMPT_LIMIT_MS = 60_000
const WRITE_LIMIT_MS = 120_000
/** What a VM display is in the page; the fps probe counts the frames painted into its canvas. */
export const DISPLAY_CANVAS = '[data-testid^="display-"] canvas'
const FPS_SECONDS = 3
/** What L4LAB_BENCH_UI_TRACE records: tasks and their kinds on every thread, and the page's script by function. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'blink', 'gpu', 'cc', 'viz']
/**
 * Held in the display view while frames are counted, in turn: mandel pans while an arrow is
 * down, and going back and forth keeps the set in view (a pan one way soon leaves it, and a
 * picture of one colour stops changing).
 */
const PAN_KEYS = ['ArrowRight', 'ArrowLeft']
const PAN_TURN_MS = 500

interface UiBenchOptions {
  scenario: string
  bytes: number
  keys: number
  /** The terminals' renderer the page is asked for (`?renderer=`; auto: WebGL on a GPU, else DOM). */
  renderer: 'webgl' | 'dom' | 'auto'
}

export async function benchUi(argv: string[]): Promise<number> {
  const opts = parseArgs(argv)
  if (typeof opts === 'string') {
    process.stderr.write(`l4lab bench ui: ${opts}\n`)
    return 2
  }
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`l4lab bench ui: no Chromium at ${CHROMIUM} (install Debian's chromium or set L4LAB_CHROMIUM)\n`)
    return 1
  }
  let chromium: typeof import('playwright-core').chromium
  try {
    ;({ chromium } = await import('playwright-core'))
  } catch {
    process.stderr.write('l4lab bench ui: needs playwright-core (a development dependency: npm install)\n')
    return 1
  }
  let boards
  try {
    boards = scenarioLab(opts.scenario)
  } catch (e) {
    process.stderr.write(`l4lab bench ui: ${(e as Error).message}\n`)
    return 2
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-extensions'],
  })
  let host: EngineHost | null = null
  let server: LabServer | null = null
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.addInitScript(PAGE_PROBE)
    // The board starts now: the prompts' time runs from here.
    const t0 = performance.now()
    host = new EngineHost({ workerUrl, boards, version: labVersion() })
    await host.start()
    server = new LabServer({ host, rendererDir, port: 0 })
    await server.listen()
    await page.goto(`${server.url}&renderer=${opts.renderer}`)
    let guests = await scenarioGuests(host, basename(opts.scenario))
    // A VM's display is known once its lx has made it; until then a display VM (gfx) looks like a
    // shell guest. So look for the prompts a second at a time, with the guests as they are then.
    for (;;) {
      try {
        await probe(page, 'prompts', [guests, 1000])
        break
      } catch (e) {
        if (performance.now() - t0 > PROMPT_LIMIT_MS) throw e
        guests = await scenarioGuests(host, basename(opts.scenario))
      }
    }
    const promptsMs = performance.now() - t0
    out('ui.prompts_ms', promptsMs.toFixed(0), 'ms', `${guests.length} guests, ${basename(opts.scenario)}`)

    const vm = guests[0]
    const renderer = await page.locator(`[data-testid="console-${vm}"] .terminal-host`).getAttribute('data-renderer')
    // L4LAB_BENCH_UI_TRACE=FILE: Chromium's trace of the echo and console rounds (every process and
    // thread: the page's main thread, the compositor, the GPU process), for chrome://tracing or a script.
    const trace = process.env.L4LAB_BENCH_UI_TRACE
    if (trace) await browser.startTracing(page, { path: trace, categories: TRACE_CATEGORIES })
    const echo = await echoMs(page, vm, opts.keys)
    out('ui.echo_ms', echo.median.toFixed(1), 'ms', `median of ${opts.keys} keys, ${echo.min.toFixed(1)}–${echo.max.toFixed(1)}`)

    // Not counted: the CPU core compiles yes's and head's loops on their first run.
    await writeSeconds(page, vm, Math.min(opts.bytes, 2e6))
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    // L4LAB_BENCH_UI_PROFILE=FILE: the page's CPU profile of the console round, for DevTools or a script.
    const profile = process.env.L4LAB_BENCH_UI_PROFILE
    if (profile) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    const round = await writeSeconds(page, vm, opts.bytes, cdp)
    if (profile) writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile))
    if (trace) await browser.stopTracing()
    const seconds = round.seconds
    out('ui.console_mb_s', (opts.bytes / 1e6 / seconds).toFixed(1), 'MB/s', `${(opts.bytes / 1e6).toFixed(0)} MB from ${vm} to its xterm in ${seconds.toFixed(2)} s, ${guests.length} VMs running, ${renderer} renderer`)
    // Where the page's time went meanwhile: how busy its main thread was, and with what.
    const busy = (k: keyof PageTimes) => `${((round.busy[k] / round.wall) * 100).toFixed(0)} %`
    out('ui.console_page_busy', busy('task'), '', `of the round: script ${busy('script')}, layout and style ${busy('layout')}`)
    if (round.cpu) {
      const perMb = (s: number) => ((s * 1000) / (opts.bytes / 1e6)).toFixed(0)
      out('ui.console_cpu', perMb(round.cpu.browser), 'ms/MB', `Chromium's processes; the lab's (engine and server) ${perMb(round.cpu.lab)} ms/MB`)
    }

    const idle = await framesPerSecond(page, false)
    const fps = await framesPerSecond(page, true)
    if (fps === null || idle === null) out('ui.fb_fps', 'n/a', '', 'no display in this scenario')
    else {
      out('ui.fb_fps', fps.fps.toFixed(1), 'fps', `${fps.width}×${fps.height}, over ${FPS_SECONDS} s with ${PAN_KEYS.join(' and ')} held in the view in turn; ${fps.paints.toFixed(1)} paints/s`)
      out('ui.fb_idle_fps', idle.fps.toFixed(1), 'fps', `${idle.width}×${idle.height}, over ${FPS_SECONDS} s with nothing pressed; ${idle.paints.toFixed(1)} paints/s`)
    }
    return 0
  } catch (e) {
    process.stderr.write(`l4lab bench ui: ${(e as Error).message}\n`)
    return 1
  } finally {
    await browser.close()
    await server?.close()
    await host?.dispose()
  }
}

/** The guest VMs with a shell (their ids) once the scenario has run to its end: ned starts them one by one. A VM with a display (default.lua's gfx) shows no prompt. */
async function scenarioGuests(host: EngineHost, name: string): Promise<string[]> {
  const t0 = performance.now()
  for (;;) {
    const board = host.snapshot().boards[0]
    const guests = board.vms.filter(shellGuest).map((v) => v.id)
    if (board.state === 'running' && guests.length > 0) return guests
    if (board.state === 'running' || board.state === 'failed' || board.state === 'crashed') {
      throw new Error(board.error ? `${name}: the board is ${board.state}: ${board.error}` : `${name} starts no guest VM with a console`)
    }
    if (performance.now() - t0 > PROMPT_LIMIT_MS) throw new Error(`${name}: the board is still ${board.state} after ${PROMPT_LIMIT_MS / 1000} s`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

function parseArgs(argv: string[]): UiBenchOptions | string {
  const num = (name: string, fallback: number) => {
    const a = argv.find((x) => x.startsWith(`--${name}=`))
    return a === undefined ? fallback : Number(a.slice(name.length + 3))
  }
  const mb = num('mb', 16)
  const keys = num('keys', 20)
  if (!(mb > 0 && mb <= 1024)) return '--mb=N wants a size in MB, more than 0 and at most 1024'
  if (!Number.isInteger(keys) || keys < 1 || keys > 200) return '--keys=N wants 1..200'
  const renderer = argv.find((a) => a.startsWith('--renderer='))?.slice(11) ?? 'auto'
  if (renderer !== 'webgl' && renderer !== 'dom' && renderer !== 'auto') return '--renderer= wants webgl, dom or auto'
  const unknown = argv.find((a) => a.startsWith('--') && !/^--(mb|keys|renderer)=/.test(a))
  if (unknown) return `unknown option ${unknown}`
  return { scenario: argv.find((a) => !a.startsWith('--')) ?? defaultScenarioPath(), bytes: Math.round(mb * 1e6), keys, renderer }
}

function out(key: string, value: string, unit: string, note: string): void {
  process.stdout.write(`${key}: ${value}${unit ? ` ${unit}` : ''} (${note})\n`)
}

/** Runs one of the page probe's measurements (bench-ui-probe.ts); its errors become ours. */
async function probe(page: Page, what: string, args: unknown[]): Promise<number> {
  const r = (await page.evaluate(([what, args]) => (globalThis as unknown as { l4labBench: (w: string, a: unknown[]) => Promise<ProbeResult> }).l4labBench(what, args), [what, args] as const)) as ProbeResult
  if (!r.ok) throw new Error(r.error)
  return r.value
}

async function focus(page: Page, vm: string): Promise<void> {
  await page.locator(`[data-testid="console-${vm}"] .terminal-host`).click()
}

/** Each key's echo: `keys` characters typed at the prompt one by one, then the line is dropped with ^U. */
async function echoMs(page: Page, vm: string, keys: number): Promise<{ median: number; min: number; max: number }> {
  await focus(page, vm)
  // A start no earlier line has, so that each character's echo is new text on the screen.
  let typed = `#e${Date.now() % 100000}-`
  await page.keyboard.type(typed)
  const times: number[] = []
  for (let i = 0; i < keys; i++) {
    const ch = String.fromCharCode(0x61 + (i % 26))
    typed += ch
    await probe(page, 'watch', [vm, typed, 10_000])
    await page.keyboard.press(ch)
    times.push(await probe(page, 'result', []))
  }
  await page.keyboard.press('Control+U')
  times.sort((a, b) => a - b)
  return { median: times[times.length >> 1], min: times[0], max: times[times.length - 1] }
}

interface WriteRound {
  /** From Enter to the end of the output drawn in the xterm (the page's clock). */
  seconds: number
  /** Seconds the page's main thread spent, from just before Enter to the marker seen (zero without `cdp`). */
  busy: PageTimes
  /** Seconds those two samples lie apart (the driver's clock). */
  wall: number
  /** CPU seconds meanwhile of Chromium's processes and of this one; null where /proc cannot tell. */
  cpu: { browser: number; lab: number } | null
}

/**
 * Seconds from Enter to the end of `bytes` of the guest's output drawn in the
 * xterm; with `cdp`, also how busy the page was meanwhile. The samples are taken
 * around Enter and the result, not around the typing of the command line, and
 * the busy time is set against the time between them (a task cannot take longer
 * than that): set against the round's own seconds, a round of a few tenths of a
 * second made the page look more than 100 % busy.
 */
async function writeSeconds(page: Page, vm: string, bytes: number, cdp?: CDPSession): Promise<WriteRound> {
  await focus(page, vm)
  const tag = Date.now() % 100000
  // The quotes keep the command line's echo from reading as the marker.
  await page.keyboard.type(`yes ${LINE} | head -c ${bytes}; echo; echo ui-''done-${tag}`)
  await probe(page, 'watch', [vm, `ui-done-${tag}`, WRITE_LIMIT_MS])
  const before = cdp ? await pageTimes(cdp) : null
  const cpu0 = browserCpuSeconds()
  const lab0 = process.cpuUsage()
  const t0 = performance.now()
  await page.keyboard.press('Enter')
  const seconds = (await probe(page, 'result', [])) / 1000
  const after = cdp ? await pageTimes(cdp) : null
  const wall = (performance.now() - t0) / 1000
  const cpu1 = browserCpuSeconds()
  const lab = process.cpuUsage(lab0)
  const spent = (k: keyof PageTimes) => (before && after ? after[k] - before[k] : 0)
  const cpu = cpu0 !== null && cpu1 !== null ? { browser: cpu1 - cpu0, lab: (lab.user + lab.system) / 1e6 } : null
  return { seconds, busy: { task: spent('task'), script: spent('script'), layout: spent('layout') }, wall, cpu }
}

interface PageTimes {
  task: number
  script: number
  layout: number
}

/** Seconds the page's main thread has spent so far (Chromium's Performance metrics). */
async function pageTimes(cdp: CDPSession): Promise<PageTimes> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0
  return { task: m('TaskDuration'), script: m('ScriptDuration'), layout: m('LayoutDuration') + m('RecalcStyleDuration') }
}

/**
 * CPU seconds so far of every process below this one (Chromium's browser,
 * renderer and GPU processes; the engine's workers are threads of this one),
 * from /proc; null where there is none.
 */
function browserCpuSeconds(): number | null {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return null
  }
  const parent = new Map<number, number>()
  const ticks = new Map<number, number>()
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // gone meanwhile
    }
    // After the command's closing parenthesis: state, ppid, … utime and stime are fields 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    parent.set(Number(name), Number(f[1]))
    ticks.set(Number(name), Number(f[11]) + Number(f[12]))
  }
  let total = 0
  for (const [pid, t] of ticks) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += t
        break
      }
    }
  }
  // USER_HZ is 100 on Linux.
  return total / 100
}

/** Frames per second the first VM display paints, or null when the page shows none. */
/** Frames painted per second, with the arrows held in the display view meanwhile (`pan`: its guest animates), or nothing pressed. */
async function framesPerSecond(page: Page, pan: boolean): Promise<{ fps: number; paints: number; width: number; height: number } | null> {
  const canvas = page.locator(DISPLAY_CANVAS).first()
  if ((await page.locator(DISPLAY_CANVAS).count()) === 0) return null
  const size = await canvas.evaluate((c) => [(c as unknown as { width: number }).width, (c as unknown as { height: number }).height])
  // A click gives the view focus as a user would.
  if (pan) await canvas.click()
  const paints = () => canvas.evaluate((c) => Number((c as unknown as { dataset: { frames: string } }).dataset.frames))
  const p0 = await paints()
  let counting = true
  const counted = probe(page, 'frames', [DISPLAY_CANVAS, FPS_SECONDS * 1000]).finally(() => (counting = false))
  for (let turn = 0; pan && counting; turn++) {
    const key = PAN_KEYS[turn % PAN_KEYS.length]
    await page.keyboard.down(key)
    await new Promise((r) => setTimeout(r, PAN_TURN_MS))
    await page.keyboard.up(key)
  }
  const frames = await counted
  return { fps: frames / FPS_SECONDS, paints: ((await paints()) - p0) / FPS_SECONDS, width: size[0], height: size[1] }
}
