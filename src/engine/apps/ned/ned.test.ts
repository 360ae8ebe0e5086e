/**
 * ned's scenario Lua (issue 11): what a script can reach (item 3), what it
 * may use up (item 8), and how its errors read (item 14). Each case runs a
 * scenario on a board, as the lab does, and reads ned's log.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ScenarioSession } from '../../lab/scenario-session'
import type { SessionSink } from '../../lab/session'
import { bootDefault } from '../../testing/default-scenario'

const dec = new TextDecoder()
const root = new URL('../../../../', import.meta.url)

/** Boots `source` as rom/NAME and runs the board until it is idle (virtual time unpaced, a fake wall clock). */
function scenario(source: string, name = 'test.lua', ramMiB = 32) {
  const out = new Map<string, string>()
  /** Every console's output in the order it was written, as [console, text]. */
  const order: [string, string][] = []
  const sink: SessionSink = {
    consoleOutput: (vm, data) => {
      const text = dec.decode(data)
      out.set(vm, (out.get(vm) ?? '') + text)
      order.push([vm, text])
    },
    vmsChanged: () => {},
    statusChanged: () => {},
  }
  let wall = 0
  const board = new ScenarioSession({ kind: 'scenario', scenario: { name, source }, paced: false, ramMiB }, sink, () => (wall += 0.01))
  for (let i = 0; i < 20_000; i++) if (board.run(50) === Infinity) break
  const log = () => (out.get('l4re') ?? '').replace(/\r/g, '')
  const nedRuns = () => board.inspect().tasks.some((t) => t.name === 'ned')
  return { board, out, order, log, nedRuns }
}

/** What ned printed for the script (its own lines, "ned: running …", left out). */
function printed(log: string): string {
  return log
    .split('\n')
    .filter((l) => l && !l.startsWith('ned: running') && !l.startsWith('moe:'))
    .join('\n')
}

// A binary chunk header (string.dump is gone, so it is written by hand): enough for load to see "\27Lua".
const BINARY = String.raw`"\27Lua\83\0\25\147\13\10\26\10\4\8\4\8\8\120\86\0\0\0\0\0\0\0\0\0\0\0\40\119\64"`

describe('scenario Lua reaches nothing of the host (issue 11, item 3)', () => {
  // [route, script, what ned's log must show]
  const escapes: [string, string, RegExp][] = [
    ['require "os" (the real os stays in package.loaded)', 'print(pcall(require, "os"))', /^false\tmodule 'os' not found: a scenario can require only "L4" and "vmm"$/],
    ['require "io"', 'print(pcall(require, "io"))', /^false\tmodule 'io' not found/],
    ['require "debug"', 'print(pcall(require, "debug"))', /^false\tmodule 'debug' not found/],
    ['require "package"', 'print(pcall(require, "package"))', /^false\tmodule 'package' not found/],
    ['require of a host module (fs, child_process)', 'print(pcall(require, "fs")) print(pcall(require, "child_process"))', /^false\tmodule 'fs' not found[^\n]*\nfalse\tmodule 'child_process' not found/],
    ['require of a host path', 'print(pcall(require, "/etc/passwd"))', /^false\tmodule '\/etc\/passwd' not found/],
    ['require "js" (fengari\'s JavaScript bridge)', 'print(type(js), pcall(require, "js"))', /^nil\tfalse\tmodule 'js' not found/],
    ['package, package.loadlib (loads host .js files)', 'print(type(package), pcall(function() return package.loadlib("/x.js", "*") end))', /^nil\tfalse\trom\/test\.lua:1: attempt to index a nil value \(global 'package'\)$/],
    ['package.loaded / package.searchers', 'print(pcall(function() return package.loaded.os.execute end)) print(pcall(function() return package.searchers[2] end))', /^false\t[^\n]*global 'package'\)\nfalse\t[^\n]*global 'package'\)$/],
    ['os.execute, remove, rename, exit, getenv, tmpname, setlocale', 'print(type(os.execute), type(os.remove), type(os.rename), type(os.exit), type(os.getenv), type(os.tmpname), type(os.setlocale))', /^nil\tnil\tnil\tnil\tnil\tnil\tnil$/],
    ['what os has left', 'print(type(os.time()), type(os.clock()), type(os.date("%Y")), os.difftime(2, 1))', /^number\tnumber\tstring\t1\.0$/],
    ['io.*', 'print(type(io), pcall(function() return io.open("/etc/passwd") end))', /^nil\tfalse\t[^\n]*global 'io'/],
    ['debug.*', 'print(type(debug), pcall(function() return debug.getregistry() end))', /^nil\tfalse\t[^\n]*global 'debug'/],
    ['dofile, loadfile', 'print(type(dofile), type(loadfile))', /^nil\tnil$/],
    ['string.dump (binary chunks)', 'print(type(string.dump), type(("").dump))', /^nil\tnil$/],
    ['load of a binary chunk', `print(load(${BINARY}))`, /^nil\tattempt to load a binary chunk \(mode is 't'\)$/],
    ['load of a binary chunk asking for mode "b"', `print(load(${BINARY}, "x", "b"))`, /^nil\tattempt to load a binary chunk \(mode is 't'\)$/],
    ['load of a binary chunk from a reader', `local s = ${BINARY} print(load(function() local c = s s = nil return c end, "x", "bt"))`, /^nil\tattempt to load a binary chunk \(mode is 't'\)$/],
    ['load with a custom environment sees only that table', 'print(load("return os, require, print, x", "c", "t", { x = 5 })())', /^nil\tnil\tnil\t5$/],
    ['load with a nil environment', 'print(pcall(load("return print", "c", "t", nil)))', /^false\t[^\n]*attempt to index a nil value/],
    ['load of text still works', 'print(load("return 1 + 1")())', /^2$/],
    ['getmetatable("") (the string library\'s metatable)', 'print(getmetatable(""), pcall(function() return getmetatable("").__index end))', /^false\tfalse\t[^\n]*attempt to index a boolean value/],
    ['setmetatable on a string', 'print(pcall(setmetatable, "", {}))', /^false\tbad argument #1 to 'setmetatable' \(table expected, got string\)$/],
    ['getmetatable of an L4 capability', 'local L4 = require "L4" print(getmetatable(L4.Env.factory), L4.Env.factory, L4.Env.factory.__cap)', /^false\tcap<factory>\tnil$/],
    ['rawget / rawset on an L4 capability', 'local L4 = require "L4" print(pcall(rawset, L4.Env.rom, "__cap", 1)) print(pcall(rawget, L4.Env.rom, "__cap"))', /^false\tbad argument #1 to 'rawset' \(table expected, got L4\.Cap\)\nfalse\tbad argument #1 to 'rawget' \(table expected, got L4\.Cap\)$/],
    ['setmetatable on an L4 capability', 'local L4 = require "L4" print(pcall(setmetatable, L4.Env.rom, {}))', /^false\tbad argument #1 to 'setmetatable' \(table expected, got L4\.Cap\)$/],
    ['a capability made up from a table', 'local L4 = require "L4" L4.default_loader:start({ caps = { server = { __cap = 1, __rights = 63, __kind = "task" } } }, "rom/hello-server")', /^ned: error: rom\/test\.lua:1: caps\.server: not a capability$/],
    ['a capability made up from a table, to create with', 'local L4 = require "L4" print(pcall(L4.Env.factory.create, { __cap = 1, __rights = 63, __kind = "factory" }, L4.Proto.Factory, 4096))', /^false\tcreate: not a capability$/],
    ['rawset on the L4 module changes only the script\'s own tables', 'local L4 = require "L4" rawset(L4, "Env", {}) print(pcall(function() return L4.default_loader:start({}, "rom/hello-server") end))', /^true\tcap<task>$/],
    ['a method called on a made-up capability', 'local L4 = require "L4" print(pcall(L4.Env.rom.m, { __cap = 3 }, "r"))', /^false\tnot a capability \(call it as cap:m\(\.\.\.\)\)$/],
    ['collectgarbage\'s modes', 'print(collectgarbage("count") > 0, collectgarbage(), collectgarbage("step")) print(pcall(collectgarbage, "stop")) print(pcall(collectgarbage, "setpause", 1))', /^true\t0\t0\nfalse\tcollectgarbage: option 'stop' is not available to scenarios \(collect, step, count, isrunning\)\nfalse\tcollectgarbage: option 'setpause'/],
    ['an L4 call from inside a coroutine (ned resumes only the script)', 'local L4 = require "L4" print(coroutine.wrap(function() return pcall(L4.default_loader.new_channel, L4.default_loader) end)())', /^false\t[^\n]*L4 calls can be made only from the scenario itself, not from inside a coroutine$/],
    ['coroutine.running() resumed from the script', 'print(coroutine.resume(coroutine.running()))', /^false\tcannot resume non-suspended coroutine$/],
    ['coroutines themselves still work', 'local c = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) print(c(1), c(5), coroutine.isyieldable())', /^2\t10\tfalse$/],
    ['print with __tostring (run as Lua, under the limits)', 'print(setmetatable({}, { __tostring = function() return "T" end }), 1, nil, true)', /^T\t1\tnil\ttrue$/],
    ['print with a __tostring that returns no string', 'print(pcall(print, setmetatable({}, { __tostring = function() return {} end })))', /^false\t'__tostring' must return a string$/],
    ['error objects with metatables stay values', 'local e = setmetatable({}, { __index = function() return "x" end }) print(select(2, pcall(error, e)) == e)', /^true$/],
  ]
  it.each(escapes)('%s', (_route, script, expected) => {
    const s = scenario(script)
    // (A line of ned's log matches.)
    expect(printed(s.log())).toMatch(new RegExp(expected.source, 'm'))
    expect(s.nedRuns()).toBe(true)
  })

  it('gives a scenario exactly the libraries docs/kernel.md lists', () => {
    const s = scenario(
      [
        'local names = {}',
        'for k, v in pairs(_G) do',
        '  if type(v) == "table" and k ~= "_G" then',
        '    local ks = {} for k2 in pairs(v) do ks[#ks + 1] = k2 end table.sort(ks)',
        '    names[#names + 1] = k .. "{" .. table.concat(ks, ",") .. "}"',
        '  else names[#names + 1] = k .. ":" .. type(v) end',
        'end',
        'table.sort(names) print(table.concat(names, " "))',
      ].join('\n'),
    )
    expect(printed(s.log()).split(' ')).toEqual([
      '_G:table',
      '_VERSION:string',
      'assert:function',
      'collectgarbage:function',
      'coroutine{create,isyieldable,resume,running,status,wrap,yield}',
      'error:function',
      'getmetatable:function',
      'ipairs:function',
      'load:function',
      'math{abs,acos,asin,atan,ceil,cos,deg,exp,floor,fmod,huge,log,max,maxinteger,min,mininteger,modf,pi,rad,random,randomseed,sin,sqrt,tan,tointeger,type,ult}',
      'next:function',
      'os{clock,date,difftime,time}',
      'pairs:function',
      'pcall:function',
      'print:function',
      'rawequal:function',
      'rawget:function',
      'rawlen:function',
      'rawset:function',
      'require:function',
      'select:function',
      'setmetatable:function',
      'string{byte,char,find,format,gmatch,gsub,len,lower,match,rep,reverse,sub,upper}',
      'table{concat,insert,move,pack,remove,sort,unpack}',
      'tonumber:function',
      'tostring:function',
      'type:function',
      'utf8{char,charpattern,codepoint,codes,len,offset}',
      'xpcall:function',
    ])
  })

  it('runs the shipped scenarios unchanged: hello.lua, busybox.lua (its script), default.lua (to both prompts)', () => {
    const hello = scenario(readFileSync(new URL('resources/scenarios/hello.lua', root), 'utf8'), 'hello.lua')
    expect(hello.out.get('client')).toContain('hello-client: done')
    expect(hello.log()).not.toContain('error')
    // busybox.lua's rootfs comes from Debian at run time; without it lx fails, but the script itself runs through.
    const busybox = scenario(readFileSync(new URL('resources/scenarios/busybox.lua', root), 'utf8'), 'busybox.lua', 320)
    expect(busybox.log()).not.toContain('ned: error')
    expect([...busybox.out.keys()]).toEqual(expect.arrayContaining(['vm1', 'vm2']))
    const dflt = bootDefault()
    expect(dflt.out.get('l4re')).not.toContain('ned: error')
  })
})

describe('scenario Lua runs under an instruction budget and a memory cap (issue 11, item 8)', () => {
  const ERR = /^ned: error: (.*)$/m
  // [what, script, the error ned reports]
  const runaways: [string, string, string][] = [
    ['while true do end', 'local L4 = require "L4"\nprint("looping")\nwhile true do end', 'rom/test.lua:3: instruction budget of 20000000 exceeded'],
    ['a loop of calls', 'local x = 0\nlocal function f(x) return x + 1 end while true do x = f(x) end', 'rom/test.lua:2: instruction budget of 20000000 exceeded'],
    ['a table that grows without end', 'local t = {}\nlocal i = 0\nwhile true do i = i + 1; t[i] = { i } end', 'rom/test.lua:3: memory cap of 64 MiB exceeded'],
    ['a string that doubles', 'local s = "x"\nfor i = 1, 40 do s = s .. s end', 'rom/test.lua:2: memory cap of 64 MiB exceeded'],
    ['string.rep of a gigabyte (refused before it is made)', 'print(#string.rep("x", 1e9))', 'rom/test.lua:1: memory cap of 64 MiB exceeded'],
    ['table.concat of many copies', 'local s = ("x"):rep(2^20)\nlocal t = {}\nfor i = 1, 100 do t[i] = s end\nprint(#table.concat(t))', 'rom/test.lua:4: memory cap of 64 MiB exceeded'],
    ['gsub with a replacement that multiplies', 'local s = ("x"):rep(2^20)\nprint(#(("y"):rep(1000):gsub("y", s)))', 'rom/test.lua:2: memory cap of 64 MiB exceeded'],
    ['gsub with a function that multiplies', 'local s = ("x"):rep(2^20)\nprint(#(("y"):rep(1000):gsub("y", function() return s end)))', 'rom/test.lua:2: memory cap of 64 MiB exceeded'],
    ['load of a huge chunk', 'local src = ("x = 1 "):rep(2^20)\nprint(load(src))', 'rom/test.lua:2: memory cap of 64 MiB exceeded'],
    ['many coroutines', 'local cs = {}\nfor i = 1, 1e7 do cs[i] = coroutine.create(function() end) end', 'rom/test.lua:2: memory cap of 64 MiB exceeded'],
    ['many closures', 'local fs = {}\nfor i = 1, 1e7 do fs[i] = function() return i end end', 'rom/test.lua:2: memory cap of 64 MiB exceeded'],
    ['exponential backtracking in one string.find call', 'print(string.find(("a"):rep(40), ("a*"):rep(40) .. "b"))', 'rom/test.lua:1: instruction budget of 20000000 exceeded'],
    ['a loop that pcall catches, in a loop', 'while true do\n  pcall(function() while true do end end)\nend', 'rom/test.lua:2: instruction budget of 20000000 exceeded'],
    ['growth that pcall catches, in a loop', 'local s = ("x"):rep(2^20)\nwhile true do\n  pcall(function() local t = {} for i = 1, 1e9 do t[i] = s .. i end end)\nend', 'rom/test.lua:3: memory cap of 64 MiB exceeded'],
    ['a loop after pcall caught an error (fengari disables hooks there)', 'pcall(error, "x")\nlocal x = 0\nwhile true do x = x + 1 end', 'rom/test.lua:3: instruction budget of 20000000 exceeded'],
    ['a loop inside a coroutine', 'local c = coroutine.wrap(function()\n  while true do end\nend)\nprint(pcall(c))\nwhile true do end', 'rom/test.lua:2: instruction budget of 20000000 exceeded'],
    ['a loop in an xpcall message handler', 'print(xpcall(error, function() while true do end end))\nwhile true do end', 'rom/test.lua:1: instruction budget of 20000000 exceeded'],
  ]
  it.each(runaways)('fails %s with file:line', (_what, script, message) => {
    const s = scenario(script)
    expect(s.log()).toMatch(ERR)
    expect(ERR.exec(s.log())![1]).toBe(message)
    expect(s.log()).toContain('ned: the scenario stopped; programs it started run on')
    expect(s.nedRuns()).toBe(true)
  })

  it('lets the programs a scenario started run while it computes (the script pauses every slice)', () => {
    const s = scenario(
      [
        'local L4 = require "L4"',
        'local ch = L4.default_loader:new_channel()',
        'L4.default_loader:start({ caps = { server = ch:svr() }, log = { "server", "c" } }, "rom/hello-server")',
        'L4.default_loader:start({ caps = { server = ch }, log = { "client", "g" } }, "rom/hello-client 3")',
        'local x = 0',
        'for i = 1, 3000000 do x = x ~ i end',
        'print("computed")',
      ].join('\n'),
    )
    const at = (vm: string, text: string) => s.order.findIndex(([v, t]) => v === vm && t.includes(text))
    expect(at('l4re', 'computed')).toBeGreaterThan(0)
    expect(at('client', 'hello-client: done')).toBeGreaterThan(0)
    // The client got its answers while the script was still computing.
    expect(at('client', 'hello-client: done')).toBeLessThan(at('l4re', 'computed'))
  })

  it('does not hold the engine while a script runs to its budget: the script pauses every 100k units of work', () => {
    const out = new Map<string, string>()
    let wall = 0
    const board = new ScenarioSession(
      { kind: 'scenario', scenario: { name: 'loop.lua', source: 'while true do end' }, paced: false, ramMiB: 32 },
      { consoleOutput: (vm, d) => out.set(vm, (out.get(vm) ?? '') + dec.decode(d)), vmsChanged: () => {}, statusChanged: () => {} },
      () => (wall += 0.01),
    )
    const start = board.booted.kernel.now
    for (let i = 0; i < 20_000 && !(out.get('l4re') ?? '').includes('ned: error'); i++) board.run(20)
    expect(out.get('l4re')).toContain('instruction budget of 20000000 exceeded')
    // Each pause is a 1 ms sleep in virtual time, in which the board runs its other threads:
    // a budget of 20M units makes at least 199 of them (no timing is measured, virtual time is exact).
    expect(board.booted.kernel.now - start).toBeGreaterThanOrEqual(199e6)
  })

  it('lets a legitimate scenario do a fair amount of work within the limits', () => {
    const s = scenario(
      [
        'local t = {}',
        'for i = 1, 20000 do t[i] = ("vm%d"):format(i) end',
        'local words = {}',
        'for w in table.concat(t, " "):gmatch("%S+") do words[#words + 1] = w end',
        'table.sort(words)',
        // Calls whose cost does not grow with a long argument are not charged by its length.
        'local long, n = ("x"):rep(2^20), 0',
        'for i = 1, 5000 do if #long + long:len() + long:byte(1, 2) + #long:sub(1, 3) == 2097275 then n = n + 1 end end',
        'print(#words, words[1], n, collectgarbage("count") < 64 * 1024)',
      ].join('\n'),
    )
    expect(printed(s.log())).toBe('20000\tvm1\t5000\ttrue')
  })
})

describe('scenario errors read clearly (issue 11, item 14)', () => {
  // [what, script, ned's error line]
  const errors: [string, string, string][] = [
    ['a top-level coroutine.yield()', 'print("before")\ncoroutine.yield()\nprint("after")', 'rom/test.lua:2: attempt to yield from outside a coroutine'],
    ['a top-level coroutine.yield with values', 'coroutine.yield(1, 2, 3)', 'rom/test.lua:1: attempt to yield from outside a coroutine'],
    ['an error object that is a table', 'error({ code = 1 })', 'rom/test.lua:1: (error object is a table value)'],
    ['an error object that is nil', 'local x = 1\nerror()', 'rom/test.lua:2: (error object is a nil value)'],
    ['an error object with a __tostring', 'error(setmetatable({}, { __tostring = function() return "a custom error" end }))', 'rom/test.lua:1: a custom error'],
    ['an error object whose __tostring errors', 'error(setmetatable({}, { __tostring = function() error("broken") end }))', 'rom/test.lua:1: (error object is a table value; its __tostring failed: rom/test.lua:1: broken)'],
    ['an error object whose __tostring returns a table', 'error(setmetatable({}, { __tostring = function() return {} end }))', "rom/test.lua:1: (error object is a table value; its __tostring failed: '__tostring' must return a string)"],
    ['an error object whose __tostring returns nothing', 'error(setmetatable({}, { __tostring = function() end }))', "rom/test.lua:1: (error object is a table value; its __tostring failed: '__tostring' must return a string)"],
    ['an error object whose __tostring loops', 'error(setmetatable({}, { __tostring = function() while true do end end }))', 'rom/test.lua:1: (error object is a table value; its __tostring failed: rom/test.lua:1: instruction budget of 20000000 exceeded)'],
    ['an error object whose __tostring yields', 'error(setmetatable({}, { __tostring = function() coroutine.yield() end }))', 'rom/test.lua:1: (error object is a table value; its __tostring failed: attempt to yield from outside a coroutine)'],
    ['an error object whose __tostring starts a program', 'local L4 = require "L4"\nerror(setmetatable({}, { __tostring = function() L4.default_loader:start({}, "rom/hello-server") return "x" end }))', 'rom/test.lua:2: (error object is a table value; its __tostring failed: rom/test.lua:2: L4 calls can be made only from the scenario itself, not from inside a coroutine)'],
    ['an error object that is a capability', 'local L4 = require "L4"\nerror(L4.Env.rom)', 'rom/test.lua:2: cap<ns>'],
    ['an error inside a coroutine, rethrown', 'local ok, e = coroutine.resume(coroutine.create(function() error({}) end))\nerror(e)', 'rom/test.lua:2: (error object is a table value)'],
  ]
  it.each(errors)('%s', (_what, script, message) => {
    const s = scenario(script)
    expect(s.log()).toContain(`ned: error: ${message}\n`)
    expect(s.log()).toContain('ned: the scenario stopped; programs it started run on')
    expect(s.log()).not.toContain('after')
    // ned is still there (no JavaScript exception killed it), and answers on its control console.
    expect(s.nedRuns()).toBe(true)
  })
})

describe('memory sizes in scenario Lua are exact past 4 GiB (issue 11, item 14)', () => {
  const ERR = /^ned: error: (.*)$/m
  const error = (script: string) => ERR.exec(scenario(`local L4 = require "L4"\n${script}`).log())?.[1]

  it('L4.KiB, L4.MiB and L4.GiB make sizes Lua’s 32-bit integers cannot hold', () => {
    const s = scenario('local L4 = require "L4"\nprint(4 * L4.GiB + 100 * L4.MiB, 8 * L4.GiB, 64 * L4.KiB)')
    expect(printed(s.log())).toBe('4399824896.0\t8589934592.0\t65536.0')
  })

  it.each([
    ['4 GiB + 100 MiB', '4 * L4.GiB + 100 * L4.MiB', /^rom\/test\.lua:2: not enough memory for a 4196 MiB allocator \(4399824896 bytes; this allocator has \d+ MiB left\)$/],
    ['8 GiB', '8 * L4.GiB', /^rom\/test\.lua:2: not enough memory for a 8 GiB allocator \(8589934592 bytes; this allocator has \d+ MiB left\)$/],
  ])('an allocator of %s is asked for exactly and refused with the sizes', (_what, size, message) => {
    expect(error(`L4.Env.mem_alloc:create(L4.Proto.Factory, ${size})`)).toMatch(message)
  })

  it('a kernel-memory factory of 8 GiB is refused with its size', () => {
    expect(error('L4.Env.factory:create(L4.Proto.Factory, 8 * L4.GiB)')).toBe('rom/test.lua:2: out of kernel memory (factory quota) for a factory of 8 GiB (8589934592 bytes)')
  })

  it.each([
    ['4 GiB in integers (wraps to 0)', '4 * 1024 * 1024 * 1024', 'rom/test.lua:2: a limit of 0 bytes: Lua integers are 32-bit here and wrap past 2 GiB; write sizes as 4 * L4.GiB'],
    ['3 GiB in integers (wraps negative)', '3 * 1024 * 1024 * 1024', 'rom/test.lua:2: a limit of -1073741824 bytes: Lua integers are 32-bit here and wrap past 2 GiB; write sizes as 4 * L4.GiB'],
    ['a fraction', '1.5', 'rom/test.lua:2: a limit of 1.5 bytes: a limit is a whole number of bytes'],
  ])('%s is an error at its line, not a smaller quota', (_what, size, message) => {
    expect(error(`L4.Env.mem_alloc:create(L4.Proto.Factory, ${size})`)).toBe(message)
    expect(error(`L4.Env.factory:create(L4.Proto.Factory, ${size})`)).toBe(message)
  })

  it('a quota that fits is made', () => {
    const s = scenario('local L4 = require "L4"\nprint(L4.Env.mem_alloc:create(L4.Proto.Factory, 4 * L4.MiB), L4.Env.factory:create(L4.Proto.Factory, 64 * L4.KiB))')
    expect(printed(s.log())).toBe('cap<mem>\tcap<factory>')
  })
})

describe('the precompiled prelude', () => {
  it('is the prelude of this checkout: compiling prelude.ts now gives the same chunk', async () => {
    const { lua, lauxlib, to_luastring } = await import('fengari')
    const { NED_PRELUDE, PRELUDE_CHUNK_NAME } = await import('./prelude')
    const { preludeChunk } = await import('./prelude-chunk')
    const L = lauxlib.luaL_newstate()
    expect(lauxlib.luaL_loadbuffer(L, to_luastring(NED_PRELUDE), null, to_luastring(PRELUDE_CHUNK_NAME))).toBe(lua.LUA_OK)
    const parts: number[] = []
    lua.lua_dump(L, (_L, bytes, size) => (parts.push(...bytes.subarray(0, size)), 0), null, false)
    expect(Uint8Array.from(parts)).toEqual(preludeChunk())
  })

  it('loaded from the chunk, raises its errors at the calling script line', () => {
    const s = scenario('local L4 = require "L4"\nL4.Env.factory:m("rwx")\n')
    expect(s.log()).toMatch(/rom\/test\.lua:2: unknown right 'x' in "rwx"/)
  })
})
