/** The part of fengari (Lua 5.3 in JavaScript) ned uses. */
declare module 'fengari' {
  export type LuaState = { readonly __luaState: unique symbol }
  export type LuaString = Uint8Array
  /** What a hook or lua_getinfo reports of a stack level. */
  export class lua_Debug {
    currentline: number
    short_src: LuaString | null
  }
  export type LuaCFunction = (L: LuaState) => number
  export const lua: {
    LUA_OK: number
    LUA_YIELD: number
    LUA_ERRRUN: number
    LUA_MULTRET: number
    LUA_TNONE: number
    LUA_TNIL: number
    LUA_TBOOLEAN: number
    LUA_TNUMBER: number
    LUA_TSTRING: number
    LUA_TTABLE: number
    LUA_TFUNCTION: number
    LUA_TUSERDATA: number
    LUA_TTHREAD: number
    LUA_REGISTRYINDEX: number
    LUA_MASKCOUNT: number
    lua_Debug: typeof lua_Debug
    lua_pushthread(L: LuaState): boolean
    lua_newthread(L: LuaState): LuaState
    lua_resume(L: LuaState, from: LuaState | null, nargs: number): number
    lua_yield(L: LuaState, n: number): number
    lua_isyieldable(L: LuaState): boolean
    lua_sethook(L: LuaState, f: ((L: LuaState, ar: lua_Debug) => void) | null, mask: number, count: number): void
    lua_getstack(L: LuaState, level: number, ar: lua_Debug): number
    lua_getinfo(L: LuaState, what: LuaString, ar: lua_Debug): number
    lua_atnativeerror(L: LuaState, f: LuaCFunction): LuaCFunction | null
    lua_gettop(L: LuaState): number
    lua_settop(L: LuaState, n: number): void
    lua_pop(L: LuaState, n: number): void
    lua_insert(L: LuaState, idx: number): void
    lua_remove(L: LuaState, idx: number): void
    lua_replace(L: LuaState, idx: number): void
    lua_xmove(from: LuaState, to: LuaState, n: number): void
    lua_type(L: LuaState, idx: number): number
    lua_typename(L: LuaState, t: number): LuaString
    lua_next(L: LuaState, idx: number): number
    lua_pushnil(L: LuaState): void
    lua_pushnumber(L: LuaState, n: number): void
    lua_pushinteger(L: LuaState, n: number): void
    lua_pushboolean(L: LuaState, b: boolean): void
    lua_pushstring(L: LuaState, s: LuaString): void
    lua_pushvalue(L: LuaState, idx: number): void
    lua_pushcfunction(L: LuaState, f: LuaCFunction): void
    lua_pushcclosure(L: LuaState, f: LuaCFunction, n: number): void
    lua_upvalueindex(i: number): number
    lua_getupvalue(L: LuaState, funcindex: number, n: number): LuaString | null
    lua_createtable(L: LuaState, narr: number, nrec: number): void
    lua_newuserdata(L: LuaState, size: number): Record<string, unknown>
    lua_touserdata(L: LuaState, idx: number): unknown
    lua_tocfunction(L: LuaState, idx: number): LuaCFunction | null
    lua_topointer(L: LuaState, idx: number): unknown
    lua_setmetatable(L: LuaState, idx: number): void
    lua_getmetatable(L: LuaState, idx: number): number
    lua_setfield(L: LuaState, idx: number, k: LuaString): void
    lua_getfield(L: LuaState, idx: number, k: LuaString): number
    lua_rawgeti(L: LuaState, idx: number, n: number): number
    lua_rawlen(L: LuaState, idx: number): number
    lua_setglobal(L: LuaState, name: LuaString): void
    lua_pushglobaltable(L: LuaState): void
    lua_gettable(L: LuaState, idx: number): number
    lua_geti(L: LuaState, idx: number, i: number): number
    lua_getglobal(L: LuaState, name: LuaString): number
    lua_tonumber(L: LuaState, idx: number): number
    lua_tointeger(L: LuaState, idx: number): number
    lua_toboolean(L: LuaState, idx: number): boolean
    lua_tostring(L: LuaState, idx: number): LuaString
    lua_isstring(L: LuaState, idx: number): boolean
    lua_call(L: LuaState, nargs: number, nresults: number): void
    /** Writes the function on top of the stack as a binary chunk, piece by piece; `writer` returns 0 to go on. */
    lua_dump(L: LuaState, writer: (L: LuaState, bytes: Uint8Array, size: number, data: unknown) => number, data: unknown, strip: boolean): number
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number
    lua_isinteger(L: LuaState, idx: number): boolean
    lua_absindex(L: LuaState, idx: number): number
    lua_error(L: LuaState): number
  }
  export const lauxlib: {
    luaL_newstate(): LuaState
    luaL_loadbuffer(L: LuaState, buf: LuaString, sz: number | null, name: LuaString): number
    /** `mode`: "t" text only, "b" binary chunks only, "bt" either. */
    luaL_loadbufferx(L: LuaState, buf: LuaString, sz: number | null, name: LuaString, mode: LuaString | null): number
    luaL_requiref(L: LuaState, name: LuaString, f: LuaCFunction, glb: number): void
    luaL_traceback(L: LuaState, L1: LuaState, msg: LuaString | null, level: number): void
    luaL_newmetatable(L: LuaState, tname: LuaString): number
    luaL_setmetatable(L: LuaState, tname: LuaString): void
    luaL_testudata(L: LuaState, idx: number, tname: LuaString): Record<string, unknown> | null
    luaL_getmetafield(L: LuaState, obj: number, e: LuaString): number
    luaL_tolstring(L: LuaState, idx: number): LuaString
    luaL_error(L: LuaState, fmt: LuaString): number
    luaL_where(L: LuaState, level: number): void
    luaL_checktype(L: LuaState, arg: number, t: number): void
    luaL_checklstring(L: LuaState, arg: number): LuaString
    luaL_checkinteger(L: LuaState, arg: number): number
    luaL_len(L: LuaState, idx: number): number
  }
  type LuaOpen = LuaCFunction
  export const lualib: {
    luaL_openlibs(L: LuaState): void
    luaopen_base: LuaOpen
    luaopen_coroutine: LuaOpen
    luaopen_table: LuaOpen
    luaopen_os: LuaOpen
    luaopen_string: LuaOpen
    luaopen_math: LuaOpen
    luaopen_utf8: LuaOpen
    LUA_COLIBNAME: string
    LUA_TABLIBNAME: string
    LUA_OSLIBNAME: string
    LUA_STRLIBNAME: string
    LUA_MATHLIBNAME: string
    LUA_UTF8LIBNAME: string
  }
  export function to_luastring(s: string): LuaString
  export function to_jsstring(s: LuaString): string
}

/**
 * fengari's object classes, which ned's resource accounting reads and
 * instruments (lua-limits.ts; written against fengari 0.1.5). Only the
 * fields it uses are declared.
 */
declare module 'fengari/src/lobject.js' {
  import type { Proto } from 'fengari/src/lfunc.js'
  import type { Table } from 'fengari/src/ltable.js'
  export class TValue {
    type: number
    value: unknown
  }
  export class LClosure {
    p: Proto | null
    upvals: (TValue | undefined)[]
  }
  export class CClosure {
    upvalue: TValue[]
  }
  export class Udata {
    metatable: Table | null
    uservalue: TValue
  }
}
declare module 'fengari/src/lstring.js' {
  export class TString {
    realstring: Uint8Array
    /** The table key made from the contents, once the string has been a key. */
    hash: string | null
  }
}
declare module 'fengari/src/ltable.js' {
  import type { TValue } from 'fengari/src/lobject.js'
  export interface TableEntry {
    key: TValue
    value: TValue
    n: TableEntry | undefined
  }
  export class Table {
    strong: Map<unknown, TableEntry>
    f: TableEntry | undefined
    metatable: Table | null
  }
}
declare module 'fengari/src/lfunc.js' {
  import type { TValue } from 'fengari/src/lobject.js'
  import type { TString } from 'fengari/src/lstring.js'
  export class Proto {
    k: TValue[]
    p: Proto[]
    code: unknown[]
    source: TString | null
  }
}
declare module 'fengari/src/lstate.js' {
  import type { TValue } from 'fengari/src/lobject.js'
  import type { Table } from 'fengari/src/ltable.js'
  /** Not exported by fengari: reached from a thread (l_G). */
  export interface global_State {
    mainthread: lua_State
    l_registry: TValue
    /** Metatables of the basic types (the string metatable among them). */
    mt: (Table | null | undefined)[]
  }
  export class lua_State {
    l_G: global_State
    stack: (TValue | undefined)[]
    /** Instructions left before the count hook runs (1: before the next one). */
    hookcount: number
    /** The running call. */
    ci: { callstatus: number }
    /** 0 while a hook runs (hooks do not nest). */
    allowhook: number
  }
}
