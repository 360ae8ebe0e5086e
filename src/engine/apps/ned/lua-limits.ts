/**
 * What a scenario's Lua may use up: an instruction budget and a memory cap.
 * fengari runs inside ned's thread, within one engine slice, on the JS heap
 * of the engine's worker; without limits `while true do end` holds the
 * worker (and `run --timeout`) forever, and a table that grows without end
 * takes the host's memory until V8 aborts. With them, the script fails with
 * a Lua error at the line it was running ("rom/x.lua:3: instruction budget
 * of 20000000 exceeded"), which takes the path of any other error.
 *
 * Budget (units ≈ VM instructions). A count hook charges HOOK_PERIOD units
 * every HOOK_PERIOD instructions. Work one instruction or one library call
 * does in proportion to its data is charged as well: a unit per
 * BYTES_PER_UNIT bytes of every string made (concatenation, string.rep, …),
 * the library calls by the size of their arguments (lua-sandbox.ts), and a
 * unit per step of the pattern matcher (whose backtracking is exponential
 * in the worst case and would otherwise run unseen inside one call).
 *
 * Memory. fengari has no allocator to account through. What a script holds
 * is estimated as what a census found live plus what was made since, and
 * made objects are counted as they are made: fengari's strings, tables (and
 * each new table entry), closures, userdata and threads are instrumented
 * once per process through a setter on their class prototype for a field
 * the constructor assigns; the setter turns the field into a plain one on
 * the object (later reads and writes cost nothing) and counts the object if
 * a script's run is in progress (`counting.run`: the engine runs one Lua state at
 * a time, and fengari's constructors are not told which state they work
 * for). A thread's stack grows by at most a frame per instruction; the hook
 * counts it. When the estimate passes the cap, a census (a walk of
 * everything reachable from the state's roots, at modelled JS heap sizes)
 * credits what has become garbage; the script fails if the census finds
 * more than the cap. The cap is so kept within an eighth (the census does
 * not rerun before another eighth has been made) plus what one step makes.
 * One step's allocation is bounded by Lua's stack limit for tables and by
 * the library prechecks in lua-sandbox.ts for strings, except a
 * concatenation of many operands (up to ~250 × the longest string).
 *
 * Where a limit is raised. The counting setters run in the middle of a VM
 * instruction, where fengari cannot take an exception (its handler for
 * JavaScript errors pushes onto the running frame, which may be full): they
 * only count, and when a check is due they arm every thread's count hook
 * to fire before its next instruction. The hook (which fengari gives stack
 * room), the library wrappers and the pattern matcher (inside a C
 * function) throw LimitError; lua_atnativeerror turns it into a Lua error
 * at the position of the Lua code that was running. A limit, once hit, is
 * final: every later hook call (then one per instruction), wrapper and ned
 * primitive fails with the same message, so that a script cannot pcall its
 * way around it.
 *
 * Cost model (bytes; Node 20, fengari 0.1.5, heap growth measured per
 * object): see COST.
 */
import { lauxlib, lua, lualib, to_jsstring, to_luastring, type LuaCFunction, type LuaState } from 'fengari'
import { CClosure, LClosure, TValue, Udata } from 'fengari/src/lobject.js'
import { TString } from 'fengari/src/lstring.js'
import { Table, type TableEntry } from 'fengari/src/ltable.js'
import { Proto } from 'fengari/src/lfunc.js'
import { lua_State, type global_State } from 'fengari/src/lstate.js'

export interface Limits {
  /** Budget units (VM instructions and charged library work) a script may spend. */
  instructions: number
  /** Modelled heap bytes a script may hold. */
  memoryBytes: number
}

/**
 * A scenario's limits, with a wide margin: a scenario starts programs; the
 * shipped ones run in under 1,000 instructions and hold about 150 KB (the
 * libraries and the L4 module, mostly). 20M units are 0.3–2 s of Lua.
 */
export const SCENARIO_LIMITS: Limits = { instructions: 20_000_000, memoryBytes: 64 * 1024 * 1024 }

/** Instructions between two calls of the count hook. */
const HOOK_PERIOD = 1000
/** Units between two pauses of a script that runs long (ned lets the board run meanwhile). */
export const SLICE_UNITS = 100_000
/** Bytes of string made or scanned per budget unit (copying 16 bytes costs about one VM instruction). */
export const BYTES_PER_UNIT = 16

/** Modelled heap bytes of one stack slot (and its share of the call frames). */
export const STACK_SLOT_BYTES = 80

/** Modelled heap bytes per object (measured as heap growth per object, rounded up). */
const COST = {
  string: 200,
  table: 450,
  entry: 180,
  closure: 150,
  upvalue: 40,
  userdata: 150,
  thread: 900,
  stackSlot: STACK_SLOT_BYTES,
  proto: 300,
  instruction: 100,
} as const

/** A limit the script ran into; thrown inside fengari, turned into a Lua error by the native-error handler. */
export class LimitError extends Error {}

/** The run whose objects are being counted (null: ned's own work, or no Lua running). */
const counting: { run: LuaLimits | null } = { run: null }

export class LuaLimits {
  /** Budget units spent. */
  used = 0
  /** The first limit hit, with the position it was hit at; every later step fails with it. */
  failure: string | null = null
  /** Whether `failure` has its position yet (it is raised first, placed by the native-error handler). */
  private placed = false
  /** Bytes ned holds for the script outside Lua (printed lines not yet written); counted as the script's. */
  held = 0
  /** Bytes found live at the last census. */
  private live = 0
  /** Bytes made since (net of table entries removed). */
  private made = 0
  /** Every thread's hook is set to fire before its next instruction. */
  private armed = false
  /**
   * The script's threads, to arm their hooks: those the last census found,
   * and those made since (their number is bounded by the cap: each is counted).
   */
  private threads = new Set<lua_State>()
  /** Stack sizes last seen, per thread. */
  private readonly stacks = new WeakMap<object, number>()
  private pauseAt = SLICE_UNITS
  private pausing = false
  private readonly hook = (T: LuaState) => {
    try {
      this.onHook(T)
    } catch (e) {
      // fengari (as Lua) turns hooks off while one runs and on again when it
      // returns; a hook that throws leaves them off, and an xpcall message
      // handler, which runs before the error unwinds, would loop unhooked.
      const t = internalThread(T)
      if (t) t.allowhook = 1
      throw e
    }
  }
  private pausable: LuaState | null = null
  /** fengari's global state: the census's roots (read without the API, which a census inside an allocation must not use). */
  private readonly g: global_State

  constructor(
    main: LuaState,
    readonly limits: Limits = SCENARIO_LIMITS,
  ) {
    instrumentFengari()
    const t = internalThread(main)
    if (!t) throw new Error('ned: not a fengari state')
    this.g = t.l_G
    lua.lua_atnativeerror(main, (L) => this.nativeError(L))
  }

  /** Runs `f` (a resume or protected call of the script's Lua) with its work counted. */
  run<T>(f: () => T): T {
    const outer = counting.run
    counting.run = this
    try {
      return f()
    } finally {
      counting.run = outer
    }
  }

  /**
   * Installs the count hook on `threads` (the coroutines they create inherit
   * it). On `pausable`, the script's own coroutine, the hook yields it every
   * SLICE_UNITS units when it can; takePause() then tells ned so.
   */
  watch(threads: LuaState[], pausable: LuaState): void {
    this.pausable = pausable
    for (const T of threads) {
      lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, HOOK_PERIOD)
      const t = internalThread(T)
      if (t) this.threads.add(t)
    }
  }

  /** Whether the script's last yield was the hook's pause (rather than a request of ned's). */
  takePause(): boolean {
    const p = this.pausing
    this.pausing = false
    return p
  }

  /** Charges budget units; throws when the budget is spent (or a limit was hit before). */
  charge(units: number): void {
    this.check()
    this.used += units
    if (this.used > this.limits.instructions) this.fail(`instruction budget of ${this.limits.instructions} exceeded`)
  }

  /** A call is about to make up to `bytes` at once: fails first if that would take the script over its cap. */
  ensureRoom(bytes: number): void {
    this.check()
    if (this.live + this.made + bytes <= this.limits.memoryBytes) return
    this.recount()
    if (this.live + bytes > this.limits.memoryBytes) this.fail(this.capMessage())
  }

  /** The script made `bytes` outside fengari's objects (ned's own buffers for it): counted, the cap checked. */
  grew(bytes: number): void {
    this.check()
    this.made += bytes
    if (this.made >= this.roomBeforeCensus()) this.recount()
  }

  /** From a counting setter, in the middle of an instruction: counted; the checks wait for the hooks, armed. */
  noted(bytes: number, units: number): void {
    this.made += bytes
    this.used += units
    if (!this.armed && (this.made >= this.roomBeforeCensus() || this.used > this.limits.instructions)) this.arm()
  }

  /** A thread was made (while the script ran): its hook must be armable. */
  madeThread(t: lua_State): void {
    this.noted(COST.thread, 0)
    this.threads.add(t)
  }

  /** Fails now if a limit was hit; for ned's primitives, which do not run Lua code. */
  check(): void {
    if (this.failure !== null) throw new LimitError(this.failure)
  }

  /** What the script holds, as the cap counts it (census now). */
  bytesHeld(): number {
    this.recount()
    return this.live
  }

  private onHook(T: LuaState): void {
    // (An armed hook fires early; its early instructions are charged as a full period.)
    this.armed = false
    this.charge(HOOK_PERIOD)
    const t = internalThread(T)
    if (t) {
      const seen = this.stacks.get(t) ?? t.stack.length
      this.stacks.set(t, t.stack.length)
      if (t.stack.length > seen) this.made += (t.stack.length - seen) * COST.stackSlot
    }
    this.grew(0)
    if (T === this.pausable && this.used >= this.pauseAt && lua.lua_isyieldable(T)) {
      this.pauseAt = this.used + SLICE_UNITS
      this.pausing = true
      lua.lua_yield(T, 0)
    }
  }

  private roomBeforeCensus(): number {
    return Math.max(this.limits.memoryBytes - this.live, this.limits.memoryBytes / 8)
  }

  /** Makes every thread of the script run its hook before its next instruction. */
  private arm(): void {
    this.armed = true
    for (const t of this.threads) t.hookcount = 1
  }

  private recount(): void {
    this.live = this.census() + this.held
    this.made = 0
    if (this.live > this.limits.memoryBytes) this.fail(this.capMessage())
  }

  private capMessage(): string {
    return `memory cap of ${this.limits.memoryBytes / (1024 * 1024)} MiB exceeded`
  }

  private fail(message: string): never {
    this.failure ??= message
    throw new LimitError(this.failure)
  }

  /**
   * lua_atnativeerror: a JavaScript exception inside fengari (a LimitError,
   * or anything else, which also makes the run fail for good: the VM may be
   * half-way through an operation) becomes a Lua error at the position of
   * the Lua code that was running.
   */
  private nativeError(L: LuaState): number {
    const e = lua.lua_touserdata(L, -1)
    const outer = counting.run
    counting.run = null
    try {
      // The first failure keeps the position it happened at; later raises of it repeat it.
      if (!this.placed) {
        const what = e instanceof LimitError ? e.message : `JavaScript error: ${e instanceof Error ? e.message : String(e)}`
        this.failure = `${where(L, 1)}${what}`
        this.placed = true
      }
      // From now on every instruction of this thread fails at once.
      lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1)
      lua.lua_pushstring(L, to_luastring(this.failure ?? ''))
      return 1
    } finally {
      counting.run = outer
    }
  }

  /** Modelled bytes of everything reachable from the state's roots, and each thread's stack size noted. */
  private census(): number {
    const g = this.g
    const seen = new Set<object>()
    const work: object[] = []
    const reach = (o: unknown) => {
      if (typeof o === 'object' && o !== null && !seen.has(o)) {
        seen.add(o)
        work.push(o)
      }
    }
    const value = (v: TValue | undefined) => {
      if (v instanceof TValue) reach(v.value)
    }
    value(g.l_registry)
    reach(g.mainthread)
    for (const mt of g.mt) reach(mt)
    let bytes = 0
    this.threads.clear()
    for (let o = work.pop(); o !== undefined; o = work.pop()) {
      if (o instanceof TString) {
        bytes += COST.string + o.realstring.length + (o.hash?.length ?? 0)
      } else if (o instanceof Table) {
        bytes += COST.table + COST.entry * o.strong.size
        for (let e: TableEntry | undefined = o.f; e; e = e.n) {
          value(e.key)
          value(e.value)
        }
        reach(o.metatable)
      } else if (o instanceof LClosure) {
        bytes += COST.closure + COST.upvalue * o.upvals.length
        for (const u of o.upvals) value(u)
        reach(o.p)
      } else if (o instanceof CClosure) {
        bytes += COST.closure + COST.upvalue * o.upvalue.length
        for (const u of o.upvalue) value(u)
      } else if (o instanceof Proto) {
        bytes += COST.proto + COST.instruction * o.code.length
        for (const k of o.k) value(k)
        for (const p of o.p) reach(p)
        reach(o.source)
      } else if (o instanceof Udata) {
        bytes += COST.userdata
        reach(o.metatable)
        value(o.uservalue)
      } else if (o instanceof lua_State) {
        bytes += COST.thread + COST.stackSlot * o.stack.length
        this.stacks.set(o, o.stack.length)
        this.threads.add(o)
        for (const v of o.stack) value(v)
      }
    }
    return bytes
  }
}

/** "src:line: " of the innermost Lua code at or above `level` (hooks and C functions have no line). */
export function where(L: LuaState, level: number): string {
  const ar = new lua.lua_Debug()
  for (let l = level; lua.lua_getstack(L, l, ar); l++) {
    lua.lua_getinfo(L, to_luastring('Sl'), ar)
    if (ar.currentline > 0 && ar.short_src) return `${to_jsstring(ar.short_src)}:${ar.currentline}: `
  }
  return ''
}

/**
 * pcall and xpcall with hooks that survive the error they catch. fengari
 * 0.1.5's lua_pcallk, in a coroutine, means to note in the call's status
 * whether hooks were allowed (CIST_OAH, which error recovery restores) but
 * its `callstatus &= ~CIST_OAH | allowhook` never sets the bit: after a
 * pcall inside a coroutine has caught an error, no hook runs again, and
 * the budget would no longer count. The wrapper sets the bit on the call's
 * frame (a protected call is made from Lua code, where hooks are allowed)
 * and runs the library's function in that same frame.
 */
export function keepingHooks(pcall: LuaCFunction): LuaCFunction {
  return (L) => {
    const t = internalThread(L)
    if (t) t.ci.callstatus |= CIST_OAH
    return pcall(L)
  }
}

/** lstate.js: "original value of 'allowhook'". */
const CIST_OAH = 1 << 0

/** fengari's object behind a thread handle (the same object, typed as what it is). */
function internalThread(L: LuaState): lua_State | null {
  lua.lua_pushthread(L)
  const t = lua.lua_topointer(L, -1)
  lua.lua_pop(L, 1)
  return t instanceof lua_State ? t : null
}

// ------------------------------------------------ instrumenting fengari

let instrumented = false

/**
 * Counts objects as fengari makes them (see the header). Each constructor
 * assigns the field early; the setter makes the field an own property of the
 * object, then counts (never throws: see "Where a limit is raised").
 */
function instrumentFengari(): void {
  if (instrumented) return
  instrumented = true
  countOnAssign(TString.prototype, 'realstring', (_o, s: Uint8Array) => counting.run?.noted(COST.string + s.length, s.length / BYTES_PER_UNIT))
  countOnAssign(Table.prototype, 'strong', () => counting.run?.noted(COST.table, 0), () => new CountedEntries())
  countOnAssign(LClosure.prototype, 'upvals', (_o, upvals: unknown[]) => counting.run?.noted(COST.closure + COST.upvalue * upvals.length, 0))
  countOnAssign(Udata.prototype, 'data', () => counting.run?.noted(COST.userdata, 0))
  countOnAssign(lua_State.prototype, 'stack', (t) => {
    if (t instanceof lua_State) counting.run?.madeThread(t)
  })
  chargeMatchSteps()
}

/** A table's map from key to entry that counts the entries it gains and loses. */
class CountedEntries extends Map<unknown, TableEntry> {
  override set(key: unknown, entry: TableEntry): this {
    const before = this.size
    super.set(key, entry)
    if (this.size !== before) counting.run?.noted(COST.entry, 0)
    return this
  }

  override delete(key: unknown): boolean {
    const gone = super.delete(key)
    if (gone) counting.run?.noted(-COST.entry, 0)
    return gone
  }
}

function countOnAssign<V>(proto: object, field: string, count: (o: object, v: V) => void, replace?: (v: V) => unknown): void {
  Object.defineProperty(proto, field, {
    configurable: true,
    set(this: object, v: V) {
      Object.defineProperty(this, field, { value: replace ? replace(v) : v, writable: true, enumerable: true, configurable: true })
      count(this, v)
    },
  })
}

/**
 * fengari's pattern matcher (lstrlib.js) keeps its state in a MatchState,
 * which it does not export; `matchdepth` is decremented and restored around
 * every step of the recursive matcher. An accessor on the class's prototype
 * charges each change. The prototype is reached through the state object a
 * gmatch iterator holds as its third upvalue.
 */
function chargeMatchSteps(): void {
  const L = lauxlib.luaL_newstate()
  lauxlib.luaL_requiref(L, to_luastring(lualib.LUA_STRLIBNAME), lualib.luaopen_string, 0)
  lua.lua_getfield(L, -1, to_luastring('gmatch'))
  lua.lua_pushstring(L, to_luastring(''))
  lua.lua_pushstring(L, to_luastring(''))
  lua.lua_call(L, 2, 1)
  lua.lua_getupvalue(L, -1, 3)
  const gm = lua.lua_touserdata(L, -1)
  const ms = typeof gm === 'object' && gm !== null && 'ms' in gm ? gm.ms : null
  if (typeof ms !== 'object' || ms === null || !('matchdepth' in ms)) throw new Error("ned: fengari's pattern matcher is not the one lua-limits.ts was written for")
  const proto: object = Object.getPrototypeOf(ms)
  const depth = Symbol('matchdepth')
  Object.defineProperty(proto, 'matchdepth', {
    configurable: true,
    get(this: Record<symbol, number>) {
      return this[depth]
    },
    set(this: Record<symbol, number>, v: number) {
      this[depth] = v
      counting.run?.charge(1)
    },
  })
}
