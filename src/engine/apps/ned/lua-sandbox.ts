/**
 * The Lua a scenario gets: Lua 5.3's standard libraries less everything that
 * reaches the host or reaches around the sandbox, with the library calls
 * that do work in proportion to their data charged to the instruction
 * budget and, where one call could make a huge string, checked against the
 * memory cap before it does (lua-limits.ts).
 *
 * The list (docs/kernel.md, ned):
 *   base       without dofile and loadfile; load takes text chunks only
 *              (mode "t"); require returns the L4 module and nothing else
 *              (prelude.ts); print writes to ned's log; collectgarbage
 *              knows "collect", "step", "isrunning" and "count" (what the
 *              memory cap counts, in KiB)
 *   string     without dump, pack, packsize and unpack; the string
 *              metatable is hidden (getmetatable("") is false)
 *   table, math, utf8
 *   coroutine  coroutine.yield outside a coroutine of the script's own is
 *              an error, as in a Lua main chunk
 *   os         time, clock, date and difftime only
 * Not there: io, debug, package (no module loading of any kind: fengari's
 * package library loads JavaScript files in Node), os.execute / exit /
 * getenv / remove / rename / tmpname / setlocale.
 *
 * Every function is installed here from the libraries' own C functions, so
 * that a script reaches none of the originals: the library tables are new
 * tables, the originals stay only in the registry (which Lua code reaches
 * only through debug.getregistry) and in the wrappers' closures.
 */
import { lauxlib, lua, lualib, to_luastring, type LuaCFunction, type LuaState } from 'fengari'
import { BYTES_PER_UNIT, STACK_SLOT_BYTES, keepingHooks, type LuaLimits } from './lua-limits'

const { lua_gettop: top, lua_type: type } = lua

/** Modelled bytes of compiled code per byte of source (loaded chunks). */
const CODE_BYTES_PER_SOURCE_BYTE = 50

export function openScenarioLibs(L: LuaState, limits: LuaLimits, script: LuaState): void {
  const open: [string, LuaCFunction][] = [
    ['_G', lualib.luaopen_base],
    [lualib.LUA_COLIBNAME, lualib.luaopen_coroutine],
    [lualib.LUA_TABLIBNAME, lualib.luaopen_table],
    [lualib.LUA_STRLIBNAME, lualib.luaopen_string],
    [lualib.LUA_MATHLIBNAME, lualib.luaopen_math],
    [lualib.LUA_UTF8LIBNAME, lualib.luaopen_utf8],
    [lualib.LUA_OSLIBNAME, lualib.luaopen_os],
  ]
  const originals = new Map<string, Map<string, LuaCFunction>>()
  for (const [name, f] of open) {
    lauxlib.luaL_requiref(L, to_luastring(name), f, 0)
    originals.set(name, cFunctions(L, -1))
    lua.lua_pop(L, 1)
  }
  const lib = (name: string) => originals.get(name)!
  const charge = (units: number) => limits.charge(units)
  // What a call costs. Its call instruction is counted by the hook, and a
  // string it makes as it is made (lua-limits.ts); a call that scans its
  // arguments is charged by their bytes besides.
  const scanning = (f: LuaCFunction): LuaCFunction => (L) => {
    charge(1 + argBytes(L, 1, top(L)) / BYTES_PER_UNIT)
    return f(L)
  }

  // base: the globals table itself, without the functions that read files.
  const base = lib('_G')
  lua.lua_pushglobaltable(L)
  for (const name of ['dofile', 'loadfile']) {
    lua.lua_pushnil(L)
    lua.lua_setfield(L, -2, to_luastring(name))
  }
  setFunctions(L, {
    pcall: keepingHooks(base.get('pcall')!),
    xpcall: keepingHooks(base.get('xpcall')!),
    load: textLoad(base.get('load')!, limits),
    tonumber: scanning(base.get('tonumber')!),
    collectgarbage: (L) => collectGarbage(L, limits),
  })
  lua.lua_pop(L, 1)

  // string, and the string metatable hidden: getmetatable("") is no way in.
  const string = lib(lualib.LUA_STRLIBNAME)
  const str: Record<string, LuaCFunction> = {}
  for (const name of ['char', 'len', 'lower', 'reverse', 'sub', 'upper']) str[name] = string.get(name)!
  // s:byte(i, j) gives a result, a stack slot, per byte in i..j.
  str.byte = results(string.get('byte')!, limits, stringRange, true)
  for (const name of ['find', 'match', 'gmatch']) str[name] = patternCharged(string.get(name)!, limits)
  str.gsub = checkedGsub(string.get('gsub')!, limits)
  str.rep = checkedRep(string.get('rep')!, limits)
  str.format = checkedFormat(string.get('format')!, limits)
  newLibrary(L, lualib.LUA_STRLIBNAME, str)
  lua.lua_pushstring(L, to_luastring(''))
  lua.lua_getmetatable(L, -1)
  lua.lua_getglobal(L, to_luastring(lualib.LUA_STRLIBNAME))
  lua.lua_setfield(L, -2, to_luastring('__index'))
  lua.lua_pushboolean(L, false)
  lua.lua_setfield(L, -2, to_luastring('__metatable'))
  lua.lua_pop(L, 2)

  // table: the calls that loop over a table are charged by its length.
  const table = lib(lualib.LUA_TABLIBNAME)
  const byLength = (f: LuaCFunction, cost: (n: number) => number): LuaCFunction => (L) => {
    charge(1 + (type(L, 1) === lua.LUA_TTABLE ? cost(lua.lua_rawlen(L, 1)) : 0))
    return f(L)
  }
  newLibrary(L, lualib.LUA_TABLIBNAME, {
    concat: (L) => tableConcat(L, limits),
    insert: byLength(table.get('insert')!, (n) => n),
    remove: byLength(table.get('remove')!, (n) => n),
    sort: byLength(table.get('sort')!, (n) => n * Math.ceil(Math.log2(n + 1))),
    pack: (L) => {
      charge(1 + top(L))
      return table.get('pack')!(L)
    },
    // Both loop over a range of indices in one call; unpack's results are stack slots.
    move: (L) => {
      charge(1 + Math.max(0, integerArg(L, 3, 0) - integerArg(L, 2, 1) + 1))
      return table.get('move')!(L)
    },
    unpack: results(table.get('unpack')!, limits, (L) => {
      const n = type(L, 1) === lua.LUA_TTABLE ? lua.lua_rawlen(L, 1) : 0
      return Math.max(0, integerArg(L, 3, n) - integerArg(L, 2, 1) + 1)
    }),
  })

  newLibrary(L, lualib.LUA_MATHLIBNAME, Object.fromEntries(lib(lualib.LUA_MATHLIBNAME)))
  copyField(L, lualib.LUA_MATHLIBNAME, ['pi', 'huge', 'maxinteger', 'mininteger'])

  const utf8 = lib(lualib.LUA_UTF8LIBNAME)
  newLibrary(L, lualib.LUA_UTF8LIBNAME, {
    ...Object.fromEntries([...utf8].map(([k, f]) => [k, scanning(f)])),
    char: utf8.get('char')!,
    codepoint: results(utf8.get('codepoint')!, limits, stringRange, true),
  })
  copyField(L, lualib.LUA_UTF8LIBNAME, ['charpattern'])

  // coroutine: the script's main chunk is not a coroutine of its own.
  const co = lib(lualib.LUA_COLIBNAME)
  const yieldCo = co.get('yield')!
  const isyieldable = co.get('isyieldable')!
  newLibrary(L, lualib.LUA_COLIBNAME, {
    ...Object.fromEntries(co),
    yield: (L) => (L === script ? lauxlib.luaL_error(L, to_luastring('attempt to yield from outside a coroutine')) : yieldCo(L)),
    isyieldable: (L) => {
      if (L !== script) return isyieldable(L)
      lua.lua_pushboolean(L, false)
      return 1
    },
  })

  const os = lib(lualib.LUA_OSLIBNAME)
  newLibrary(L, lualib.LUA_OSLIBNAME, {
    time: os.get('time')!,
    clock: os.get('clock')!,
    difftime: os.get('difftime')!,
    date: (L) => {
      // A directive expands to at most ~30 bytes.
      if (type(L, 1) === lua.LUA_TSTRING) limits.ensureRoom(32 * lua.lua_rawlen(L, 1) + 64)
      return os.get('date')!(L)
    },
  })
}

// ------------------------------------------------------------ helpers

/** The C functions of the table at `idx`, by name. */
function cFunctions(L: LuaState, idx: number): Map<string, LuaCFunction> {
  const out = new Map<string, LuaCFunction>()
  idx = lua.lua_absindex(L, idx)
  lua.lua_pushnil(L)
  while (lua.lua_next(L, idx) !== 0) {
    const f = lua.lua_tocfunction(L, -1)
    if (f && type(L, -2) === lua.LUA_TSTRING) out.set(new TextDecoder().decode(lua.lua_tostring(L, -2)), f)
    lua.lua_pop(L, 1)
  }
  return out
}

function setFunctions(L: LuaState, fns: Record<string, LuaCFunction>): void {
  for (const [k, f] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, f)
    lua.lua_setfield(L, -2, to_luastring(k))
  }
}

/** A new table of `fns` as the global `name` (the library table luaopen made stays unreachable). */
function newLibrary(L: LuaState, name: string, fns: Record<string, LuaCFunction>): void {
  lua.lua_createtable(L, 0, Object.keys(fns).length)
  setFunctions(L, fns)
  lua.lua_setglobal(L, to_luastring(name))
}

/** Copies non-function fields of a library (math.pi) from the table luaopen made. */
function copyField(L: LuaState, lib: string, fields: string[]): void {
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, to_luastring('_LOADED'))
  lua.lua_getfield(L, -1, to_luastring(lib))
  lua.lua_getglobal(L, to_luastring(lib))
  for (const f of fields) {
    lua.lua_getfield(L, -2, to_luastring(f))
    lua.lua_setfield(L, -2, to_luastring(f))
  }
  lua.lua_pop(L, 3)
}

/** Bytes of the string (and number) arguments from..to. */
function argBytes(L: LuaState, from: number, to: number): number {
  let n = 0
  for (let i = from; i <= to; i++) if (type(L, i) === lua.LUA_TSTRING) n += lua.lua_rawlen(L, i)
  return n
}

function integerArg(L: LuaState, i: number, dflt: number): number {
  return type(L, i) === lua.LUA_TNUMBER ? lua.lua_tointeger(L, i) : dflt
}

/** How many positions f(s, i, j) covers (string.byte, utf8.codepoint: j defaults to i; negative counts from the end). */
function stringRange(L: LuaState): number {
  const len = lua.lua_isstring(L, 1) ? lua.lua_rawlen(L, 1) : 0
  const at = (p: number) => Math.min(Math.max(p < 0 ? len + p + 1 : p, 1), len)
  const i = integerArg(L, 2, 1)
  const j = integerArg(L, 3, i)
  return len === 0 ? 0 : Math.max(0, at(j) - at(i) + 1)
}

/** find, match, gmatch: scanning costs up to subject × pattern (the matcher's steps are charged as they happen). */
function patternCharged(f: LuaCFunction, limits: LuaLimits): LuaCFunction {
  return (L) => {
    limits.charge(1 + ((argBytes(L, 1, 1) + 1) * (argBytes(L, 2, 2) + 1)) / BYTES_PER_UNIT)
    return f(L)
  }
}

/** string.rep: the result's size is known before it is made. */
function checkedRep(f: LuaCFunction, limits: LuaLimits): LuaCFunction {
  return (L) => {
    const n = integerArg(L, 2, 0)
    if (n > 0 && lua.lua_isstring(L, 1)) limits.ensureRoom(n * lua.lua_rawlen(L, 1) + (n - 1) * (lua.lua_isstring(L, 3) ? lua.lua_rawlen(L, 3) : 0))
    return f(L)
  }
}

/** string.format: no more than the format's directives (≤ 99 wide) plus the arguments, quoted (%q) at most 4×. */
function checkedFormat(f: LuaCFunction, limits: LuaLimits): LuaCFunction {
  return (L) => {
    const fmt = lua.lua_isstring(L, 1) ? lua.lua_tostring(L, 1) : null
    if (fmt) {
      const quoted = new TextDecoder().decode(fmt).includes('%q') ? 4 : 1
      limits.ensureRoom(100 * fmt.length + quoted * argBytes(L, 2, top(L)) + 64 * top(L))
      limits.charge(1 + (fmt.length + argBytes(L, 2, top(L))) / BYTES_PER_UNIT)
    }
    return f(L)
  }
}

/**
 * string.gsub: with a string replacement the result is bounded in advance
 * (matches do not overlap, so %0–%9 copy at most the subject once each; a
 * position capture is a number); with a function or table, each value it
 * gives is counted as gsub collects it.
 */
function checkedGsub(f: LuaCFunction, limits: LuaLimits): LuaCFunction {
  return (L) => {
    const s = argBytes(L, 1, 1)
    limits.charge(1 + ((s + 1) * (argBytes(L, 2, 2) + 1)) / BYTES_PER_UNIT)
    const repl = type(L, 3)
    if (repl === lua.LUA_TSTRING || repl === lua.LUA_TNUMBER) {
      const text = new TextDecoder().decode(lua.lua_tostring(L, 3))
      const refs = (text.match(/%[0-9]/g) ?? []).length
      limits.ensureRoom(s + (s + 1) * (text.length - 2 * refs) + refs * 12 * (s + 1))
    } else if (repl === lua.LUA_TFUNCTION || repl === lua.LUA_TTABLE) {
      let total = s
      lua.lua_pushvalue(L, 3)
      lua.lua_pushcclosure(
        L,
        (L) => {
          // gsub calls this with the captures (the whole match if none).
          lua.lua_pushvalue(L, lua.lua_upvalueindex(1))
          if (repl === lua.LUA_TTABLE) {
            lua.lua_pushvalue(L, 1)
            lua.lua_gettable(L, -2)
          } else {
            lua.lua_insert(L, 1)
            lua.lua_call(L, top(L) - 1, 1)
          }
          if (lua.lua_isstring(L, -1)) {
            total += lua.lua_rawlen(L, -1)
            limits.ensureRoom(total)
          }
          return 1
        },
        1,
      )
      lua.lua_replace(L, 3)
    }
    return f(L)
  }
}

/** table.concat, counted as it goes (Lua's checks and messages). */
function tableConcat(L: LuaState, limits: LuaLimits): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE)
  const sep = type(L, 2) <= lua.LUA_TNIL ? new Uint8Array(0) : lauxlib.luaL_checklstring(L, 2)
  const first = type(L, 3) <= lua.LUA_TNIL ? 1 : lauxlib.luaL_checkinteger(L, 3)
  const last = type(L, 4) <= lua.LUA_TNIL ? lauxlib.luaL_len(L, 1) : lauxlib.luaL_checkinteger(L, 4)
  const parts: Uint8Array[] = []
  let total = 0
  for (let i = first; i <= last; i++) {
    lua.lua_geti(L, 1, i)
    if (!lua.lua_isstring(L, -1)) return lauxlib.luaL_error(L, to_luastring(`invalid value (at index ${i}) in table for 'concat'`))
    const s = lua.lua_tostring(L, -1)
    lua.lua_pop(L, 1)
    total += s.length + (i < last ? sep.length : 0)
    limits.charge(1 + (s.length + sep.length) / BYTES_PER_UNIT)
    limits.ensureRoom(total)
    parts.push(s)
    if (i < last && sep.length > 0) parts.push(sep)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  lua.lua_pushstring(L, out)
  return 1
}

/**
 * A call with `count` results (each a stack slot): charged per result, and
 * the slots must fit the cap. string.byte and utf8.codepoint give one result
 * unless given the end of a range (their third argument).
 */
function results(f: LuaCFunction, limits: LuaLimits, count: (L: LuaState) => number, oneUnlessRanged = false): LuaCFunction {
  return (L) => {
    if (oneUnlessRanged && top(L) < 3) return f(L)
    const n = count(L)
    limits.charge(1 + n)
    limits.ensureRoom(STACK_SLOT_BYTES * n)
    return f(L)
  }
}

/**
 * load: text chunks only (a binary chunk can break the VM's invariants),
 * whatever mode the script asks for; the compiled code counts towards the
 * memory cap. A custom environment is only a table the script already has.
 */
function textLoad(load: LuaCFunction, limits: LuaLimits): LuaCFunction {
  return (L) => {
    if (top(L) < 3) lua.lua_settop(L, 3)
    lua.lua_pushstring(L, to_luastring('t'))
    lua.lua_replace(L, 3)
    let source = 0
    if (lua.lua_isstring(L, 1)) {
      source = lua.lua_rawlen(L, 1)
      limits.ensureRoom(CODE_BYTES_PER_SOURCE_BYTE * source)
    } else if (type(L, 1) === lua.LUA_TFUNCTION) {
      // A reader function gives the chunk in pieces: count them as they come.
      lua.lua_pushvalue(L, 1)
      lua.lua_pushcclosure(
        L,
        (L) => {
          lua.lua_pushvalue(L, lua.lua_upvalueindex(1))
          lua.lua_call(L, 0, 1)
          if (lua.lua_isstring(L, -1)) {
            source += lua.lua_rawlen(L, -1)
            limits.ensureRoom(CODE_BYTES_PER_SOURCE_BYTE * source)
          }
          return 1
        },
        1,
      )
      lua.lua_replace(L, 1)
    }
    const n = load(L)
    limits.charge(source / 4)
    limits.grew(CODE_BYTES_PER_SOURCE_BYTE * source)
    return n
  }
}

function collectGarbage(L: LuaState, limits: LuaLimits): number {
  const opt = type(L, 1) <= lua.LUA_TNIL ? 'collect' : new TextDecoder().decode(lauxlib.luaL_checklstring(L, 1))
  switch (opt) {
    case 'collect':
    case 'step':
      limits.bytesHeld()
      lua.lua_pushinteger(L, 0)
      return 1
    case 'count':
      lua.lua_pushnumber(L, limits.bytesHeld() / 1024)
      return 1
    case 'isrunning':
      lua.lua_pushboolean(L, true)
      return 1
    default:
      return lauxlib.luaL_error(L, to_luastring(`collectgarbage: option '${opt.slice(0, 20)}' is not available to scenarios (collect, step, count, isrunning)`))
  }
}
