/**
 * ned: runs a scenario script — Lua 5.3 (fengari) with L4Re ned's `L4`
 * module — and starts the programs it names:
 *
 *   local L4 = require "L4"
 *   local ch = L4.default_loader:new_channel()
 *   L4.default_loader:start({ caps = { server = ch:svr() }, log = { "server", "c" } }, "rom/hello-server")
 *   L4.default_loader:start({ caps = { server = ch },       log = { "client", "g" } }, "rom/hello-client 3")
 *
 * The script runs as a Lua coroutine; every L4 function that needs the
 * kernel (creating objects, starting programs) yields it, ned performs the
 * invocations, and resumes it with the result. A Lua error stops the script
 * with "file:line: message" on ned's log, and nothing after it is started;
 * what was started before runs on.
 *
 * The script gets the libraries lua-sandbox.ts lists, and nothing of the
 * host. It runs under an instruction budget and a memory cap
 * (lua-limits.ts): running into either is a Lua error at the line that was
 * running. A script that computes for long is paused every SLICE_UNITS
 * units, and ned sleeps for a moment of virtual time so that the board's
 * other threads (and the host, between engine slices) get their turn.
 *
 * Afterwards ned waits for its programs' exit IRQs and writes each exit
 * reason into that program's console.
 *
 * Like L4Re's ned-prompt, a control console lets the lab start a program
 * again: ned remembers how it started each program with a log tag, and a
 * line `start TAG` on the `ctl` Vcon starts that program once more with the
 * same capabilities, memory allocator and factory (moe and the factory have
 * reclaimed what the earlier run held). ned answers each line with
 * `ok TAG` or `error TAG: why` on the same console. Before any of that it
 * says there how the script went: `ready` when it ran to its end, or
 * `failed FILE:LINE: message` when a Lua error stopped it.
 *
 * Arguments: ned SCRIPT (a rom module name, e.g. rom/default.lua).
 * Named capabilities: rom (namespace), mem (allocator), log_fab (cons),
 * and optionally ctl (a Vcon carrying control lines).
 */
import { lua, lauxlib, to_jsstring, to_luastring, type LuaState } from 'fengari'
import { BaseCap, CapRight, Err, Proto, TIMEOUT_NEVER, timeoutPair, timeoutUs } from '../../kernel/uapi'
import { factoryCreate, vconWrite, createGate, irqDetach, irqUnmask, releaseCap, vconBindIrq, vconRead } from '../../l4/l4sys'
import { dsRead, memAllocCreate, memAllocInfo, nsQuery } from '../../l4/l4re'
import { badLimit, sizeText } from './sizes'
import type { NativeProgram, ProgramEnv } from '../../l4/runtime/program'
import { exitReason, newIrqFor, startProgram, type CapGrant } from './loader'
import { PRELUDE_CHUNK_NAME, preludeChunk } from './prelude-chunk'
import { LuaLimits, where } from './lua-limits'
import { openScenarioLibs } from './lua-sandbox'

/** Capability kinds ned tells apart (what `create` means for each). */
export type CapKind = 'factory' | 'mem' | 'gate' | 'ns' | 'log' | 'task' | 'thread' | 'scheduler' | 'irq' | 'other'

export interface LuaCap {
  slot: number
  rights: number
  kind: CapKind
}

/** A capability as ned hands it to Lua (the payload of an L4.Cap userdata): the only way to name one. */
export class CapRef {
  constructor(readonly cap: LuaCap) {}
}

/** A request from Lua, performed by ned's thread; its results go back to the script. */
type Request = () => Generator<unknown, LuaValue[], number>
export type LuaValue = number | string | boolean | null | CapRef

interface App {
  name: string
  thread: number
  log: number
  /** The log tag the program was started with ('' for none): how the lab names it. */
  tag: string
  /** The Irq that fires when the program's thread ends. */
  exitIrq: number
}

const SCRATCH = 0x1000_0000
/** The label of the Irq that signals input on the control console (app labels count up from 1). */
const CONTROL_LABEL = 0x7fff_0000
const MAX_CONTROL_LINE = 256
/** How long a paused script lets the board run (virtual time; a budget unit ≈ 10 ns, 10× an emulated instruction). */
const PAUSE_US = 1000
/** The registry name of the capability userdata's metatable. */
const CAP_TYPE = to_luastring('L4.Cap')

export function nedProgram(): NativeProgram {
  return {
    name: 'ned',
    summary: 'runs a ned-style Lua scenario and starts its programs',
    *main(env: ProgramEnv) {
      const sys = env.sys
      const say = (text: string) => vconWrite(sys, BaseCap.Log, `ned: ${text}\n`)
      const script = env.args[1]
      if (!script) {
        yield* say('usage: ned SCRIPT')
        return
      }
      const programs = env.firmware?.programs
      if (!programs) {
        yield* say('no program ROM: ned must be started by the board')
        return
      }
      // The script's text, from the rom namespace.
      const dsSlot = env.slots.alloc()
      const moduleName = script.replace(/^rom\//, '')
      const r = yield* nsQuery(sys, env.caps.rom, moduleName, dsSlot)
      if (r < 0) {
        yield* say(`${script}: not found in rom (error ${r})`)
        return
      }
      const text = yield* dsRead(sys, dsSlot, SCRATCH)
      if (typeof text === 'number') {
        yield* say(`${script}: cannot read (error ${text})`)
        return
      }

      yield* say(`running ${script}`)
      const apps = new Map<number, App>()
      /** How to start each tagged program again. */
      const recipes = new Map<string, () => Generator<unknown, LuaValue[], number>>()
      let nextAppLabel = 1
      const logFactory = env.caps.log_fab
      let pending: Request | null = null

      // ---- the Lua side ---------------------------------------------------
      const L = lauxlib.luaL_newstate()
      /** The script's coroutine (it stays on L's stack, which keeps it alive). */
      const co = lua.lua_newthread(L)
      const limits = new LuaLimits(L)
      openScenarioLibs(L, limits, co)
      /** print's lines, written whenever the script yields to ned (and at its end). */
      const printed: string[] = []
      const prims: Record<string, (L: LuaState) => number> = {
        /** channel() → ok, gate: an unbound Ipc_gate. */
        channel: (L) => {
          if (L !== co) return notInCoroutine(L)
          pending = function* () {
            const slot = env.slots.alloc()
            const r = yield* createGate(sys, BaseCap.Factory, slot, 0, 0)
            return r < 0 ? [false, `cannot create a channel (error ${r})`] : [true, new CapRef({ slot, rights: CapRight.All, kind: 'gate' })]
          }
          return lua.lua_yield(L, 0)
        },
        /** create(cap, proto, args…) → ok, cap | false, message */
        create: (L) => {
          if (L !== co) return notInCoroutine(L)
          const cap = capAt(L, 1)
          const proto = lua.lua_tonumber(L, 2)
          const arg = lua.lua_gettop(L) >= 3 ? lua.lua_tonumber(L, 3) : 0
          pending = function* () {
            if (!cap) return [false, 'create: not a capability']
            const limitError = proto === Proto.Factory && (cap.kind === 'mem' || cap.kind === 'factory') ? badLimit(arg) : null
            if (limitError) return [false, limitError]
            const slot = env.slots.alloc()
            if (cap.kind === 'mem') {
              if (proto !== Proto.Factory) return [false, 'a memory allocator creates only allocators (L4.Proto.Factory, limit)']
              const r = yield* memAllocCreate(sys, cap.slot, arg, slot)
              if (r === -Err.ENoMem) {
                const info = yield* memAllocInfo(sys, cap.slot)
                const left = typeof info === 'number' ? '' : `; this allocator has ${Math.floor((info.limit - info.used) / 2 ** 20)} MiB left`
                return [false, `not enough memory for a ${sizeText(arg)} allocator (${arg} bytes${left})`]
              }
              return r < 0 ? [false, `create failed (error ${r})`] : [true, new CapRef({ slot, rights: CapRight.All, kind: 'mem' })]
            }
            if (cap.kind === 'factory') {
              const r = yield* factoryCreate(sys, cap.slot, proto, slot, ...(proto === Proto.Factory ? [arg] : []))
              const kind: CapKind = proto === Proto.Factory ? 'factory' : proto === Proto.Task ? 'task' : proto === Proto.Irq ? 'irq' : proto === Proto.Kobject ? 'gate' : 'other'
              const what = proto === Proto.Factory ? ` for a factory of ${sizeText(arg)} (${arg} bytes)` : ''
              return r < 0 ? [false, r === -Err.ENoMem ? `out of kernel memory (factory quota)${what}` : `create failed (error ${r})`] : [true, new CapRef({ slot, rights: CapRight.All, kind })]
            }
            return [false, `create: a ${cap.kind} capability creates nothing`]
          }
          return lua.lua_yield(L, 0)
        },
        /** start(loader, opts, argv) → ok, task | false, message */
        start: (L) => {
          if (L !== co) return notInCoroutine(L)
          const loader = readTable(L, 1)
          const opts = readTable(L, 2)
          const argv = readTable(L, 3)
          pending = function* () {
            return yield* startFromLua(loader, opts, argv)
          }
          return lua.lua_yield(L, 0)
        },
        derive: luaDerive,
        /** print(…) → ned's log, each value as tostring() makes it */
        print: (L) => {
          limits.check()
          const n = lua.lua_gettop(L)
          const parts: string[] = []
          for (let i = 1; i <= n; i++) parts.push(to_jsstring(lauxlib.luaL_tolstring(L, i)))
          const line = `${parts.join('\t')}\n`
          limits.grew(line.length)
          limits.held += line.length
          printed.push(line)
          if (L !== co || !lua.lua_isyieldable(L)) return 0
          pending = function* () {
            return []
          }
          return lua.lua_yield(L, 0)
        },
      }
      // The environment the prelude wraps into L4.Env.
      const envCaps: Record<string, LuaCap> = {
        log: { slot: BaseCap.Log, rights: CapRight.RWS, kind: 'log' },
        factory: { slot: BaseCap.Factory, rights: CapRight.All, kind: 'factory' },
        user_factory: { slot: BaseCap.Factory, rights: CapRight.All, kind: 'factory' },
        scheduler: { slot: BaseCap.Scheduler, rights: CapRight.All, kind: 'scheduler' },
        mem_alloc: { slot: env.caps.mem, rights: CapRight.All, kind: 'mem' },
        rom: { slot: env.caps.rom, rights: CapRight.R | CapRight.S, kind: 'ns' },
        log_fab: { slot: env.caps.log_fab, rights: CapRight.All, kind: 'log' },
      }
      // Precompiled at build time (prelude-chunk.ts): fengari's parser is slow while cold.
      const status = lauxlib.luaL_loadbufferx(L, preludeChunk(), null, to_luastring(PRELUDE_CHUNK_NAME), to_luastring('b'))
      if (status !== lua.LUA_OK) throw new Error(`ned prelude: ${to_jsstring(lua.lua_tostring(L, -1))}`)
      pushPrims(L, prims)
      pushCapMethods(L)
      pushEnvTable(L, envCaps)
      lua.lua_insert(L, -2)
      lua.lua_call(L, 3, 0)
      limits.watch([L, co], co)

      /** Writes what the script printed. */
      function* flushPrinted(): Generator<unknown, void, number> {
        for (const line of printed.splice(0)) {
          limits.held -= line.length
          yield* vconWrite(sys, BaseCap.Log, line)
        }
      }

      // ---- run the script as a coroutine ----------------------------------
      const chunk = lauxlib.luaL_loadbuffer(co, text, null, to_luastring(`@${script}`))
      /** The script's error ("file:line: message"), if it stopped with one. */
      let failure: string | null = null
      if (chunk !== lua.LUA_OK) {
        failure = to_jsstring(lua.lua_tostring(co, -1))
        yield* say(`error: ${failure}`)
      } else {
        let nargs = 0
        for (;;) {
          const st = counted(limits, () => lua.lua_resume(co, L, nargs))
          yield* flushPrinted()
          if (st === lua.LUA_YIELD && limits.takePause()) {
            // The script computes for long: let the board run a while (a closed wait nobody answers).
            yield sys.receive(BaseCap.Thread, timeoutPair(TIMEOUT_NEVER, timeoutUs(PAUSE_US)))
            nargs = 0
            continue
          }
          if (st === lua.LUA_YIELD && pending) {
            const req: Request = pending
            pending = null
            const results = yield* req()
            for (const v of results) pushValue(co, v)
            nargs = results.length
            continue
          }
          if (st !== lua.LUA_OK) {
            failure = scenarioError(L, co, st, limits)
            yield* say(`error: ${failure}`)
            yield* say('the scenario stopped; programs it started run on')
          }
          break
        }
      }
      // The lab hears how the script went: one line, so a message with newlines is folded.
      if (env.caps.ctl !== undefined) yield* vconWrite(sys, env.caps.ctl, failure === null ? 'ready\n' : `failed ${failure.replace(/\s*\n\s*/g, ' ')}\n`)

      // ---- watch the programs and the control console ---------------------
      const ctl = env.caps.ctl
      let control = ''
      let controlIrq = 0
      if (ctl !== undefined) {
        controlIrq = yield* newIrqFor(env, CONTROL_LABEL)
        const r = controlIrq < 0 ? controlIrq : yield* vconBindIrq(sys, ctl, controlIrq)
        if (r < 0) yield* say(`cannot listen on the control console (error ${r})`)
      }
      for (;;) {
        yield sys.wait()
        if (sys.label === CONTROL_LABEL && ctl !== undefined) {
          // Unmask first: input that arrives while we read raises the Irq again.
          yield* irqUnmask(sys, controlIrq)
          for (;;) {
            const got = yield* vconRead(sys, ctl)
            if (typeof got === 'number' || got.length === 0) break
            control += new TextDecoder().decode(got)
          }
          for (let nl = control.indexOf('\n'); nl >= 0; nl = control.indexOf('\n')) {
            const line = control.slice(0, nl).trim()
            control = control.slice(nl + 1)
            yield* vconWrite(sys, ctl, `${yield* command(line)}\n`)
          }
          if (control.length > MAX_CONTROL_LINE) control = ''
          continue
        }
        const app = apps.get(sys.label)
        if (app) yield* ended(sys.label, app)
      }

      // ---- helpers ----------------------------------------------------------
      /** A program's thread ended: say why on its console and let its console go. */
      function* ended(label: number, app: App): Generator<unknown, void, number> {
        const why = yield* exitReason(sys, app.thread)
        if (app.log) yield* vconWrite(sys, app.log, `[${app.name}: ${why || 'exited'}]\n`)
        apps.delete(label)
        // Our references to the dead program go: cons then frees its console, and its tag, for a new start.
        yield* irqDetach(sys, app.exitIrq)
        for (const slot of [app.thread, app.exitIrq, ...(app.log && app.tag ? [app.log] : [])]) {
          yield* releaseCap(sys, BaseCap.Task, slot)
          env.slots.release(slot)
        }
      }

      /** One control line → its answer. */
      function* command(line: string): Generator<unknown, string, number> {
        const m = /^start ([A-Za-z0-9_.-]{1,32})$/.exec(line)
        if (!m) return `error ${line.split(' ')[1] ?? ''}: unknown command "${line.slice(0, 40)}" (known: start TAG)`
        const tag = m[1]
        const recipe = recipes.get(tag)
        if (!recipe) return `error ${tag}: ned started no program with log tag ${tag}`
        for (const [label, app] of apps) {
          if (app.tag !== tag) continue
          // Its exit may be signalled but not yet handled.
          if ((yield* exitReason(sys, app.thread)) === '') return `error ${tag}: ${tag} is running`
          yield* ended(label, app)
        }
        const r = yield* recipe()
        if (r[0] !== true) {
          yield* say(`start ${tag}: ${String(r[1])}`)
          return `error ${tag}: ${String(r[1])}`
        }
        return `ok ${tag}`
      }

      function* startFromLua(loader: Record<string, unknown>, opts: Record<string, unknown>, argv: Record<string, unknown>): Generator<unknown, LuaValue[], number> {
        const words = Object.keys(argv)
          .map(Number)
          .sort((a, b) => a - b)
          .map((k) => String(argv[k]))
        if (words.length === 0) return [false, 'start: no program given']
        const path = words[0]
        const name = path.replace(/^rom\//, '')
        const program = programs!.get(name)
        if (!program) return [false, `${path}: no such program in rom (known: ${[...programs!.keys()].sort().join(', ')})`]
        const caps: CapGrant[] = []
        const capsTable = (opts.caps ?? {}) as Record<string, unknown>
        for (const [k, v] of Object.entries(capsTable)) {
          const c = asCap(v)
          if (!c) return [false, `caps.${k}: not a capability`]
          caps.push({ name: k, slot: c.slot, rights: c.rights })
        }
        // Every program gets the rom namespace and a memory allocator, as L4Re's loader gives them.
        if (!('rom' in capsTable)) caps.push({ name: 'rom', slot: env.caps.rom, rights: CapRight.R | CapRight.S })
        const mem = asCap(opts.mem) ?? asCap(loader.mem) ?? envCaps.mem_alloc
        if (!('mem' in capsTable)) caps.push({ name: 'mem', slot: mem.slot, rights: CapRight.RWS })
        let log: { tag: string; colour: string } | { slot: number } | null = null
        const logOpt = opts.log
        if (logOpt && typeof logOpt === 'object' && !asCap(logOpt)) {
          const t = logOpt as Record<string, unknown>
          const tag = String(t[1] ?? t.tag ?? name)
          const colour = String(t[2] ?? t.color ?? 'w')
          if (!/^[A-Za-z0-9_.-]{1,32}$/.test(tag)) return [false, `log: bad tag "${tag}"`]
          log = { tag, colour: colour[0] ?? 'w' }
        } else if (asCap(logOpt)) log = { slot: asCap(logOpt)!.slot }
        else log = { slot: BaseCap.Log }
        const factory = asCap(opts.factory) ?? asCap(loader.factory) ?? envCaps.factory
        const scheduler = asCap(opts.scheduler) ?? asCap(loader.scheduler) ?? envCaps.scheduler
        const prio = typeof opts.prio === 'number' ? opts.prio : 2
        const label = nextAppLabel++
        const irq = yield* newIrqFor(env, label)
        if (irq < 0) return [false, `cannot watch the program (error ${irq})`]
        const started = yield* startProgram(
          { env, logFactory: asCap(loader.log_fab)?.slot ?? logFactory },
          { program, args: words.map((w, i) => (i === 0 ? name : w)), caps, log, factory: factory.slot, scheduler: scheduler.slot, prio, cpu: typeof opts.cpu === 'number' ? opts.cpu : 0, exitIrq: irq },
        )
        if ('error' in started) return [false, `${path}: ${started.message}`]
        const tag = log && 'tag' in log ? started.name : ''
        apps.set(label, { name: started.name, thread: started.thread, log: started.log, tag, exitIrq: irq })
        if (tag) recipes.set(tag, () => startFromLua(loader, opts, argv))
        return [true, new CapRef({ slot: started.task, rights: CapRight.All, kind: 'task' })]
      }
    },
  }
}

// ------------------------------------------------------------ Lua ⇄ JS glue

/** derive(cap, rights, all) → the capability with rights & `rights` (all rights if `all`) | nil, message */
export function luaDerive(L: LuaState): number {
  const cap = capAt(L, 1)
  if (!cap) {
    lua.lua_pushnil(L)
    lua.lua_pushstring(L, to_luastring('not a capability (call it as cap:m(...))'))
    return 2
  }
  pushCap(L, { ...cap, rights: lua.lua_toboolean(L, 3) ? CapRight.All : cap.rights & lua.lua_tointeger(L, 2) })
  return 1
}

/** The capability a value of the script's is, if it is one (an L4.Cap userdata ned made). */
export function capAt(L: LuaState, idx: number): LuaCap | null {
  const ref = lauxlib.luaL_testudata(L, idx, CAP_TYPE)?.ref
  return ref instanceof CapRef ? ref.cap : null
}

export function asCap(v: unknown): LuaCap | null {
  return v instanceof CapRef ? v.cap : null
}

export function pushCap(L: LuaState, cap: LuaCap): void {
  lua.lua_newuserdata(L, 0).ref = new CapRef(cap)
  lauxlib.luaL_setmetatable(L, CAP_TYPE)
}

/**
 * Makes the capabilities' metatable and pushes their methods table (the
 * prelude fills it in). The metatable is hidden from getmetatable, and a
 * userdata has no fields of its own that rawset could change.
 */
export function pushCapMethods(L: LuaState): void {
  lauxlib.luaL_newmetatable(L, CAP_TYPE)
  lua.lua_createtable(L, 0, 4)
  lua.lua_pushvalue(L, -1)
  lua.lua_setfield(L, -3, to_luastring('__index'))
  lua.lua_pushcfunction(L, (L) => {
    lua.lua_pushstring(L, to_luastring(`cap<${capAt(L, 1)?.kind ?? '?'}>`))
    return 1
  })
  lua.lua_setfield(L, -3, to_luastring('__tostring'))
  lua.lua_pushboolean(L, false)
  lua.lua_setfield(L, -3, to_luastring('__metatable'))
  lua.lua_remove(L, -2)
}

/** The answer to an L4 call made from inside a coroutine: ned can only resume the script itself. */
function notInCoroutine(L: LuaState): number {
  lua.lua_pushboolean(L, false)
  lua.lua_pushstring(L, to_luastring('L4 calls can be made only from the scenario itself, not from inside a coroutine'))
  return 2
}

/** Runs the script's Lua (a resume, a protected call) with its work counted; a JavaScript exception out of fengari fails the script. */
export function counted(limits: LuaLimits, run: () => number): number {
  try {
    return limits.run(run)
  } catch (e) {
    limits.failure ??= `ned's Lua failed: ${e instanceof Error ? e.message : String(e)}`
    return lua.LUA_ERRRUN
  }
}

/**
 * What ned says of the error that stopped the script: a limit the script ran
 * into (whatever it did with the error after), or the error value, as lua.c
 * shows it: a string or number as it is; anything else by its __tostring,
 * run protected and under the script's limits, with the position it was
 * raised at (the coroutine's stack is not unwound), or by its type.
 */
export function scenarioError(L: LuaState, co: LuaState, status: number, limits: LuaLimits): string {
  if (limits.failure !== null) return limits.failure
  const at = where(co, 0)
  if (status === lua.LUA_YIELD) return `${at}attempt to yield from outside a coroutine`
  const t = lua.lua_type(co, -1)
  if (t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER) return to_jsstring(lua.lua_tostring(co, -1))
  const kind = `error object is a ${to_jsstring(lua.lua_typename(co, t))} value`
  // The value to L, where there is stack space (a dead coroutine's frame has none to spare).
  lua.lua_xmove(co, L, 1)
  if (lauxlib.luaL_getmetafield(L, -1, to_luastring('__tostring')) === lua.LUA_TNIL) {
    lua.lua_pop(L, 1)
    return `${at}(${kind})`
  }
  lua.lua_pop(L, 1)
  lua.lua_pushcfunction(L, (L) => {
    lauxlib.luaL_tolstring(L, 1)
    return 1
  })
  lua.lua_insert(L, -2)
  const st = counted(limits, () => lua.lua_pcall(L, 1, 1, 0))
  const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? to_jsstring(lua.lua_tostring(L, -1)) : ''
  lua.lua_pop(L, 1)
  if (st === lua.LUA_OK) return `${at}${text}`
  return `${at}(${kind}; its __tostring failed: ${limits.failure ?? text})`
}


export function readTable(L: LuaState, idx: number): Record<string, unknown> {
  const v = readValue(L, idx, 0)
  return v && typeof v === 'object' && !(v instanceof CapRef) ? (v as Record<string, unknown>) : {}
}

function readValue(L: LuaState, idx: number, depth: number): unknown {
  idx = lua.lua_absindex(L, idx)
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TNUMBER:
      return lua.lua_tonumber(L, idx)
    case lua.LUA_TSTRING:
      return to_jsstring(lua.lua_tostring(L, idx))
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, idx)
    case lua.LUA_TUSERDATA: {
      const cap = capAt(L, idx)
      return cap ? new CapRef(cap) : null
    }
    case lua.LUA_TTABLE: {
      if (depth > 8) return {}
      const out: Record<string, unknown> = {}
      lua.lua_pushnil(L)
      while (lua.lua_next(L, idx) !== 0) {
        const kt = lua.lua_type(L, -2)
        const key = kt === lua.LUA_TSTRING ? to_jsstring(lua.lua_tostring(L, -2)) : kt === lua.LUA_TNUMBER ? String(lua.lua_tonumber(L, -2)) : null
        if (key !== null) out[key] = readValue(L, -1, depth + 1)
        lua.lua_pop(L, 1)
      }
      return out
    }
    default:
      return null
  }
}

function pushValue(L: LuaState, v: LuaValue): void {
  if (v instanceof CapRef) pushCap(L, v.cap)
  else if (v === null) lua.lua_pushnil(L)
  else if (typeof v === 'number') lua.lua_pushnumber(L, v)
  else if (typeof v === 'boolean') lua.lua_pushboolean(L, v)
  else lua.lua_pushstring(L, to_luastring(v))
}

export function pushPrims(L: LuaState, prims: Record<string, (L: LuaState) => number>): void {
  lua.lua_createtable(L, 0, Object.keys(prims).length)
  for (const [k, f] of Object.entries(prims)) {
    lua.lua_pushcfunction(L, f)
    lua.lua_setfield(L, -2, to_luastring(k))
  }
}

export function pushEnvTable(L: LuaState, caps: Record<string, LuaCap>): void {
  lua.lua_createtable(L, 0, Object.keys(caps).length)
  for (const [k, c] of Object.entries(caps)) {
    pushCap(L, c)
    lua.lua_setfield(L, -2, to_luastring(k))
  }
}
