/**
 * Checks a scenario before it runs, as the editor needs it: every problem
 * with its line and column.
 *
 * - Syntax: the text is compiled by fengari's own parser (the one ned runs
 *   it with); its message gives the line, and the token it names the column.
 * - The rest comes from a dry run: the script runs in ned's sandbox, under
 *   ned's prelude (so `L4.default_loader:start`, `vmm.start_vm` and the rest
 *   behave as they do on a board), but the primitives that would reach the
 *   kernel only record what they were asked for. Each call is placed at the
 *   script's line that made it. What is checked there:
 *   - programs: the first word of a command line must be a program of the
 *     board's boot image;
 *   - rom files: every other "rom/NAME" in a command line must be a module
 *     the lab can put into the rom (`romModule`);
 *   - quotas: the allocators and factories made from one parent must fit in
 *     it, as moe and the kernel refuse them at run time (the root allocator
 *     has at most the board's RAM, the root factory the kernel's memory),
 *     and an lx VM's --mem must fit in the allocator it is given.
 *   A Lua error in the dry run (a bad argument the prelude refuses, a nil
 *   called) is a problem at its line too.
 *
 * The dry run has a smaller budget than ned's: a check runs as the user
 * types. A script that spends it is reported as a warning (it may only be
 * long), never as an error.
 */
import { lauxlib, lua, to_jsstring, to_luastring, type LuaState } from 'fengari'
import { CapRight, Proto } from '../kernel/uapi'
import { NED_PRELUDE } from '../apps/ned/prelude'
import { LuaLimits } from '../apps/ned/lua-limits'
import { openScenarioLibs } from '../apps/ned/lua-sandbox'
import { badLimit, sizeText } from '../apps/ned/sizes'
import { asCap, capAt, counted, luaDerive, pushCap, pushCapMethods, pushEnvTable, pushPrims, readTable, scenarioError, type CapKind, type LuaCap } from '../apps/ned/ned'
import { parseLxArgs } from '../apps/lx/program'
import type { CoreArch } from '../cpu/core'
import { sigma0Program } from '../apps/sigma0/sigma0'
import { moeProgram } from '../apps/moe/moe'
import { consProgram } from '../apps/cons/cons'
import { DEFAULT_RAM_MIB, scenarioPrograms } from './scenario-session'
import { KERNEL_MEMORY } from './bootstrap'

export interface ScenarioDiagnostic {
  /** 1-based line and column of the problem's start in the source. */
  line: number
  column: number
  severity: 'error' | 'warning'
  message: string
}

export interface ScenarioCheckEnv {
  /** The programs the board's boot image carries (what "rom/NAME" may start). */
  programs: ReadonlySet<string>
  /** Whether "rom/NAME" is a data module the lab can provide for this scenario. */
  romModule(name: string): boolean
  /** The board's RAM: no allocator made from the root one can be larger. */
  ramBytes: number
  /** The kernel's memory: the root factory's quota. */
  kernelMemoryBytes: number
  /** The board's CPU architecture (what lx can run; aarch64 unless said). */
  arch?: CoreArch
}

/** A twentieth of ned's budget: enough for every shipped scenario many times over, and quick to run out while typing. */
const CHECK_LIMITS = { instructions: 1_000_000, memoryBytes: 16 * 1024 * 1024 }

/** A quota the dry run tracks: an allocator (bytes of memory) or a factory (bytes of kernel memory). */
interface Quota {
  limit: number
  used: number
}

export function checkScenario(name: string, source: string, env: ScenarioCheckEnv): ScenarioDiagnostic[] {
  const lines = source.split('\n')
  const out: ScenarioDiagnostic[] = []
  const L = lauxlib.luaL_newstate()
  const compiled = lauxlib.luaL_loadbuffer(L, to_luastring(source), null, to_luastring(`@${name}`))
  if (compiled !== lua.LUA_OK) {
    out.push(syntaxDiagnostic(name, to_jsstring(lua.lua_tostring(L, -1)), source, lines))
    return out
  }
  lua.lua_pop(L, 1)
  new DryRun(L, name, lines, env, out).run(source)
  return out.sort((a, b) => a.line - b.line || a.column - b.column)
}

/**
 * "name:LINE: message near 'TOKEN'" → a diagnostic at the token. fengari's
 * parser gives the line only; the token it names may occur more than once
 * on that line, so the parser itself tells which: the text cut just before
 * an occurrence at or ahead of the error parses to its end (or fails only
 * at the end), cut after it the same error comes back. The last
 * occurrence whose prefix parses is the token. At <eof>, the end of the text.
 */
function syntaxDiagnostic(name: string, message: string, source: string, lines: string[]): ScenarioDiagnostic {
  const prefix = `${name}:`
  const m = /^(\d+): (.*)$/s.exec(message.startsWith(prefix) ? message.slice(prefix.length) : message)
  if (!m) return { line: 1, column: 1, severity: 'error', message }
  const line = Math.min(Math.max(1, Number(m[1])), lines.length)
  const text = m[2]
  const near = /near '(.*)'$/s.exec(text)?.[1]
  const lineText = lines[line - 1]
  let column = firstColumn(lineText)
  if (near === '<eof>') column = lineText.length + 1
  else if (near) {
    const lineStart = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0)
    for (let at = lineText.indexOf(near); at >= 0; at = lineText.indexOf(near, at + 1)) {
      if (!parsesUpTo(source.slice(0, lineStart + at))) break
      column = at + 1
    }
  }
  return { line, column, severity: 'error', message: text }
}

/** Whether `prefix` parses, or fails only because it ends early. */
function parsesUpTo(prefix: string): boolean {
  const L = lauxlib.luaL_newstate()
  if (lauxlib.luaL_loadbuffer(L, to_luastring(prefix), null, to_luastring('=prefix')) === lua.LUA_OK) return true
  return /near '?<eof>'?$/.test(to_jsstring(lua.lua_tostring(L, -1)))
}

function firstColumn(text: string): number {
  const m = /\S/.exec(text)
  return m ? m.index + 1 : 1
}

class DryRun {
  private readonly quotas = new Map<number, Quota>()
  private nextSlot = 1
  private readonly co: LuaState
  private readonly limits: LuaLimits

  constructor(
    private readonly L: LuaState,
    private readonly name: string,
    private readonly lines: string[],
    private readonly env: ScenarioCheckEnv,
    private readonly out: ScenarioDiagnostic[],
  ) {
    this.co = lua.lua_newthread(L)
    this.limits = new LuaLimits(L, CHECK_LIMITS)
    openScenarioLibs(L, this.limits, this.co)
  }

  run(source: string): void {
    const { L, co, limits } = this
    const root = (kind: CapKind, limit: number): LuaCap => this.cap(kind, limit)
    const envCaps: Record<string, LuaCap> = {
      log: { slot: 0, rights: CapRight.RWS, kind: 'log' },
      factory: root('factory', this.env.kernelMemoryBytes),
      scheduler: { slot: 0, rights: CapRight.All, kind: 'scheduler' },
      mem_alloc: root('mem', this.env.ramBytes),
      rom: { slot: 0, rights: CapRight.R | CapRight.S, kind: 'ns' },
      log_fab: { slot: 0, rights: CapRight.All, kind: 'log' },
    }
    envCaps.user_factory = envCaps.factory
    const status = lauxlib.luaL_loadbuffer(L, to_luastring(NED_PRELUDE), null, to_luastring('=ned-prelude'))
    if (status !== lua.LUA_OK) throw new Error(`ned prelude: ${to_jsstring(lua.lua_tostring(L, -1))}`)
    pushPrims(L, this.prims(envCaps))
    pushCapMethods(L)
    pushEnvTable(L, envCaps)
    lua.lua_insert(L, -2)
    lua.lua_call(L, 3, 0)
    limits.watch([L, co], co)
    // It compiled above; a pause (the script computes for long) is only resumed here.
    if (lauxlib.luaL_loadbuffer(co, to_luastring(source), null, to_luastring(`@${this.name}`)) !== lua.LUA_OK) return
    for (;;) {
      const st = counted(limits, () => lua.lua_resume(co, L, 0))
      if (st === lua.LUA_YIELD && limits.takePause()) continue
      if (st === lua.LUA_OK) return
      const message = scenarioError(L, co, st, limits)
      if (limits.failure !== null) {
        const at = this.placeOf(message)
        this.out.push({ ...at, severity: 'warning', message: `the check stopped here: ${at.message} (the script may run long on a board)` })
      } else this.out.push({ ...this.placeOf(message), severity: 'error' })
      return
    }
  }

  private cap(kind: CapKind, limit?: number): LuaCap {
    const slot = this.nextSlot++
    if (limit !== undefined) this.quotas.set(slot, { limit, used: 0 })
    return { slot, rights: CapRight.All, kind }
  }

  /** The primitives of ned's prelude, recording instead of invoking: each answers as ned would, without a kernel. */
  private prims(envCaps: Record<string, LuaCap>): Record<string, (L: LuaState) => number> {
    const answer = (L: LuaState, ok: boolean, value: LuaCap | string) => {
      lua.lua_pushboolean(L, ok)
      if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value))
      else pushCap(L, value)
      return 2
    }
    return {
      channel: (L) => answer(L, true, this.cap('gate')),
      create: (L) => {
        const cap = capAt(L, 1)
        const proto = lua.lua_tonumber(L, 2)
        const arg = lua.lua_gettop(L) >= 3 ? lua.lua_tonumber(L, 3) : 0
        if (!cap) return answer(L, false, 'create: not a capability')
        if (proto !== Proto.Factory || (cap.kind !== 'mem' && cap.kind !== 'factory')) return answer(L, true, this.cap('other'))
        const bad = badLimit(arg)
        if (bad) return answer(L, false, bad)
        const parent = this.quotas.get(cap.slot)
        if (parent) {
          const what = cap.kind === 'mem' ? 'allocator' : 'factory'
          if (parent.used + arg > parent.limit)
            this.problem(L, null, `a ${sizeText(arg)} ${what} does not fit: its parent has ${sizeText(parent.limit)} and gave ${sizeText(parent.used)} to earlier ones (${sizeText(parent.used + arg)} in all)`)
          parent.used += arg
        }
        return answer(L, true, this.cap(cap.kind, arg))
      },
      start: (L) => {
        const opts = readTable(L, 2)
        const argv = readTable(L, 3)
        const words = Object.keys(argv)
          .map(Number)
          .sort((a, b) => a - b)
          .map((k) => String(argv[k]))
        if (words.length === 0) return answer(L, false, 'start: no program given')
        const program = words[0].replace(/^rom\//, '')
        if (!this.env.programs.has(program))
          this.problem(L, words[0], `unknown program ${program} (known: ${[...this.env.programs].sort().join(', ')})`)
        for (const w of words.slice(1)) {
          for (const m of w.matchAll(/rom\/([^\s,]+)/g)) {
            if (!this.env.romModule(m[1])) this.problem(L, m[0], `missing rom file ${m[1]}: not in the lab's rom path`)
          }
        }
        // What ned's start refuses besides (ned.ts, startFromLua): capabilities that are none, a log tag it cannot use.
        for (const [k, v] of Object.entries((opts.caps ?? {}) as Record<string, unknown>)) if (!asCap(v)) this.problem(L, k, `caps.${k}: not a capability`)
        const log = opts.log && typeof opts.log === 'object' && !asCap(opts.log) ? (opts.log as Record<string, unknown>) : null
        const tag = log ? String(log[1] ?? log.tag ?? program) : null
        if (tag !== null && !/^[A-Za-z0-9_.-]{1,32}$/.test(tag)) this.problem(L, tag, `log: bad tag "${tag}" (letters, digits, _ . -, at most 32)`)
        if (program === 'lx') this.checkLx(L, words, asCap(opts.mem) ?? envCaps.mem_alloc)
        // uvmm runs Linux VMs with the ARM virtualization extensions: an x86-64 board has no VT model yet.
        if (program === 'uvmm' && (this.env.arch ?? 'aarch64') !== 'aarch64') this.problem(L, words[0], `uvmm runs Linux VMs on aarch64 boards; this board's CPU is ${this.env.arch}`)
        return answer(L, true, this.cap('task'))
      },
      derive: luaDerive,
      print: () => 0,
    }
  }

  /** lx's own argument parser; and its --mem must come out of the allocator it runs on. */
  private checkLx(L: LuaState, words: string[], mem: LuaCap): void {
    const args = parseLxArgs(['lx', ...words.slice(1)], this.env.arch)
    if (typeof args === 'string') return this.problem(L, null, `lx: ${args}`)
    const quota = this.quotas.get(mem.slot)
    if (quota && args.mem > quota.limit) {
      const flag = words.find((w, i) => words[i - 1] === '--mem') ?? null
      this.problem(L, flag, `lx --mem ${sizeText(args.mem)} does not fit in its allocator of ${sizeText(quota.limit)}`)
    }
  }

  /**
   * A problem found at the script's line that is running now (the innermost
   * frame of the scenario's own chunk, past the prelude's): at `text` when
   * it is written on that line or a few below (a command line is often
   * built of literal pieces), else at the line's first character.
   */
  private problem(L: LuaState, text: string | null, message: string): void {
    const line = this.scriptLine(L)
    let column = firstColumn(this.lines[line - 1] ?? '')
    let at = line
    if (text) {
      for (let l = line; l < Math.min(this.lines.length, line + 4) + 1; l++) {
        const i = this.lines[l - 1]?.indexOf(text) ?? -1
        if (i >= 0) {
          at = l
          column = i + 1
          break
        }
      }
    }
    this.out.push({ line: at, column, severity: 'error', message })
  }

  private scriptLine(L: LuaState): number {
    const ar = new lua.lua_Debug()
    for (let level = 0; lua.lua_getstack(L, level, ar); level++) {
      lua.lua_getinfo(L, to_luastring('Sl'), ar)
      if (ar.currentline > 0 && ar.short_src && to_jsstring(ar.short_src) === this.name) return ar.currentline
    }
    return 1
  }

  /** "name:LINE: message" (ned's error form) → its place; a message with no line of ours goes on line 1. */
  private placeOf(message: string): { line: number; column: number; message: string } {
    const prefix = `${this.name}:`
    const m = message.startsWith(prefix) ? /^(\d+): (.*)$/s.exec(message.slice(prefix.length)) : null
    if (!m) return { line: 1, column: 1, message }
    const line = Math.min(Math.max(1, Number(m[1])), this.lines.length)
    return { line, column: firstColumn(this.lines[line - 1]), message: m[2] }
  }
}

/** The names of a scenario board's programs, made once: making the programs to learn their names is most of a check's cost. */
let boardPrograms: ReadonlySet<string> | undefined

/**
 * The check against a scenario board as scenario-session.ts builds it: the
 * base system's programs and the scenario programs in its boot image, its RAM
 * (`ramMiB` from the scenario's board line) and the kernel's memory.
 */
export function checkScenarioForBoard(name: string, source: string, board: { romModule(name: string): boolean; ramMiB?: number; arch?: CoreArch }): ScenarioDiagnostic[] {
  boardPrograms ??= new Set([sigma0Program({ base: 0, frames: 0 }), moeProgram(), consProgram(), ...scenarioPrograms()].map((p) => p.name))
  return checkScenario(name, source, {
    programs: boardPrograms,
    romModule: board.romModule,
    ramBytes: (board.ramMiB ?? DEFAULT_RAM_MIB) * 2 ** 20,
    kernelMemoryBytes: KERNEL_MEMORY,
    arch: board.arch,
  })
}
