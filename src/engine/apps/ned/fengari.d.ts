/** The part of fengari (Lua 5.3 in JavaScript) ned uses. */
declare module 'fengari' {
  export type LuaState = { readonly __luaState: unique symbol }
  export type LuaString = Uint8Array
  export const lua: {
    LUA_OK: number
    LUA_YIELD: number
    LUA_TNIL: number
    LUA_TBOOLEAN: number
    LUA_TNUMBER: number
    LUA_TSTRING: number
    LUA_TTABLE: number
    LUA_REGISTRYINDEX: number
    lua_newthread(L: LuaState): LuaState
    lua_resume(L: LuaState, from: LuaState | null, nargs: number): number
    lua_yield(L: LuaState, n: number): number
    lua_gettop(L: LuaState): number
    lua_settop(L: LuaState, n: number): void
    lua_pop(L: LuaState, n: number): void
    lua_type(L: LuaState, idx: number): number
    lua_next(L: LuaState, idx: number): number
    lua_pushnil(L: LuaState): void
    lua_pushnumber(L: LuaState, n: number): void
    lua_pushinteger(L: LuaState, n: number): void
    lua_pushboolean(L: LuaState, b: boolean): void
    lua_pushstring(L: LuaState, s: LuaString): void
    lua_pushvalue(L: LuaState, idx: number): void
    lua_pushcfunction(L: LuaState, f: (L: LuaState) => number): void
    lua_createtable(L: LuaState, narr: number, nrec: number): void
    lua_setfield(L: LuaState, idx: number, k: LuaString): void
    lua_getfield(L: LuaState, idx: number, k: LuaString): number
    lua_setglobal(L: LuaState, name: LuaString): void
    lua_tonumber(L: LuaState, idx: number): number
    lua_tointeger(L: LuaState, idx: number): number
    lua_toboolean(L: LuaState, idx: number): boolean
    lua_tostring(L: LuaState, idx: number): LuaString
    lua_call(L: LuaState, nargs: number, nresults: number): void
    lua_isinteger(L: LuaState, idx: number): boolean
    lua_absindex(L: LuaState, idx: number): number
  }
  export const lauxlib: {
    luaL_newstate(): LuaState
    luaL_loadbuffer(L: LuaState, buf: LuaString, sz: number | null, name: LuaString): number
    luaL_requiref(L: LuaState, name: LuaString, f: (L: LuaState) => number, glb: number): void
    luaL_traceback(L: LuaState, L1: LuaState, msg: LuaString | null, level: number): void
  }
  type LuaOpen = (L: LuaState) => number
  export const lualib: {
    luaL_openlibs(L: LuaState): void
    luaopen_base: LuaOpen
    luaopen_package: LuaOpen
    luaopen_coroutine: LuaOpen
    luaopen_table: LuaOpen
    luaopen_os: LuaOpen
    luaopen_string: LuaOpen
    luaopen_math: LuaOpen
    luaopen_utf8: LuaOpen
    LUA_LOADLIBNAME: string
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
