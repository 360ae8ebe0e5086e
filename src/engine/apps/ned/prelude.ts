/**
 * The Lua side of ned's L4 module, after L4Re ned's lua/L4.lua: capability
 * objects with :m(rights) and :svr(), factories with :create(), loaders
 * with :start(), :startv() and :new_channel(). Primitives that need the
 * kernel are JavaScript functions that yield the script's coroutine; they
 * return ok plus results or false plus a message, and the wrappers raise the
 * error at the caller's line (error level 2), so messages read
 * "rom/scenario.lua:12: …".
 *
 * Capabilities are userdata that ned makes (`Cap` is their __index): a
 * script can pass them on and narrow their rights, but not make one up or
 * change the slot one names.
 *
 * Rights strings as ned has them: r w s d n c.
 */
/** The chunk name the prelude is compiled under (what its own error messages name). */
export const PRELUDE_CHUNK_NAME = '=ned-prelude'

export const NED_PRELUDE = String.raw`
local prim, env, Cap = ...

print = prim.print

local RIGHTS = { r = 4, w = 1, s = 2, d = 8, n = 16, c = 32 }

local function rights_of(spec)
  if type(spec) == "number" then return spec end
  if type(spec) ~= "string" then error("rights must be a string like \"rws\"", 3) end
  local r = 0
  for ch in spec:gmatch(".") do
    local bit = RIGHTS[ch]
    if not bit then error("unknown right '" .. ch .. "' in \"" .. spec .. "\" (use r w s d n c)", 3) end
    r = r | bit
  end
  return r
end

--- The same object with fewer rights.
function Cap:m(spec)
  local c, why = prim.derive(self, rights_of(spec))
  if not c then error(why, 2) end
  return c
end

--- The server side of a channel: all rights, including binding it (n).
function Cap:svr()
  local c, why = prim.derive(self, 0x3f, true)
  if not c then error(why, 2) end
  return c
end

--- Objects made by a factory or a memory allocator: create(L4.Proto.Factory, limit) and the like.
function Cap:create(proto, ...)
  local ok, c = prim.create(self, proto, ...)
  if not ok then error(c, 2) end
  return c
end

local Proto = {
  Irq = -1, PageFault = -2, Exception = -5, Sigma0 = -6, Kobject = -10, Task = -11,
  Thread = -12, Log = -13, Scheduler = -14, Factory = -15, Vm = -16,
  Dataspace = 0x4000, Namespace = 0x4001,
}

local Env = env

local Loader = {}
Loader.__index = Loader

function Loader.new(opts)
  opts = opts or {}
  return setmetatable({
    factory = opts.factory or Env.factory,
    mem = opts.mem or Env.mem_alloc,
    log_fab = opts.log_fab or Env.log_fab,
    scheduler = opts.scheduler or Env.scheduler,
  }, Loader)
end

local function split(cmdline)
  local argv = {}
  for w in tostring(cmdline):gmatch("%S+") do argv[#argv + 1] = w end
  return argv
end

--- start(opts, "rom/prog arg …"): a program in a new task; returns its task capability.
function Loader:start(opts, cmdline)
  if type(cmdline) ~= "string" then error("start: the command line must be a string", 2) end
  local ok, task = prim.start(self, opts or {}, split(cmdline))
  if not ok then error(task, 2) end
  return task
end

--- startv(opts, "rom/prog", "arg", …): the same with the arguments apart.
function Loader:startv(opts, prog, ...)
  local argv = { prog, ... }
  for i = 1, #argv do argv[i] = tostring(argv[i]) end
  local ok, task = prim.start(self, opts or {}, argv)
  if not ok then error(task, 2) end
  return task
end

--- new_channel(): an IPC gate to connect programs (the server binds it).
function Loader:new_channel()
  local ok, ch = prim.channel(self)
  if not ok then error(ch, 2) end
  return prim.derive(ch, ~16), ch
end

local L4 = {
  -- Floats: Lua integers are 32-bit in fengari, so 4 * 1024 * 1024 * 1024 wraps; 4 * L4.GiB does not.
  KiB = 1024.0, MiB = 1048576.0, GiB = 1073741824.0,
  Proto = Proto,
  Env = Env,
  Loader = Loader,
  default_loader = Loader.new({}),
  cap = nil,
}

--- vmm, after L4Re's uvmm.lua: a virtual machine running an unmodified
--- Linux kernel under uvmm, with its own memory and kernel-memory quotas.
local vmm = {}

local function want(opts, key, kind)
  local v = opts[key]
  if v ~= nil and type(v) ~= kind then error("start_vm: " .. key .. " must be a " .. kind, 3) end
  return v
end

--- start_vm{ id, kernel, mem (MiB, default 256), cpus, ramdisk, dtb, bootargs, disks = { "rom/F[,ro]", … }, rng, display = "WxH", log, color }
function vmm.start_vm(opts)
  if type(opts) ~= "table" then error("start_vm: give a table such as { id = \"vm1\", kernel = \"rom/Image\" }", 2) end
  local id = want(opts, "id", "string")
  if not id or not id:match("^[%w_.-]+$") then error("start_vm: id must be a name (letters, digits, _ . -)", 2) end
  local kernel = want(opts, "kernel", "string")
  if not kernel then error("start_vm: no kernel (kernel = \"rom/Image\")", 2) end
  local mem = want(opts, "mem", "number") or 256
  if mem < 32 or mem % 2 ~= 0 then error("start_vm: mem is MiB, an even number of at least 32", 2) end
  local cpus = want(opts, "cpus", "number") or 1
  local argv = { "rom/uvmm", "--id", id, "--kernel", kernel, "--mem", string.format("%dM", mem), "--cpus", string.format("%d", cpus) }
  local function add(...) for _, a in ipairs({ ... }) do argv[#argv + 1] = a end end
  if want(opts, "ramdisk", "string") then add("--initrd", opts.ramdisk) end
  if want(opts, "dtb", "string") then add("--dtb", opts.dtb) end
  for i, d in ipairs(want(opts, "disks", "table") or {}) do
    if type(d) ~= "string" then error("start_vm: disks[" .. i .. "] must be a string \"rom/F[,ro]\"", 2) end
    add("--disk", d)
  end
  if opts.rng == false then add("--no-rng") end
  local display = want(opts, "display", "string")
  if display then
    if not display:match("^%d+x%d+$") then error("start_vm: display is a size such as \"1024x768\"", 2) end
    add("--display", display)
  end
  add("--")
  for w in tostring(want(opts, "bootargs", "string") or "console=ttyAMA0"):gmatch("%S+") do add(w) end
  -- The guest's RAM and uvmm's own data come from a quota of its own, page tables and threads from another.
  local mem_alloc = opts.mem_alloc or Env.mem_alloc:create(Proto.Factory, (mem + 16) * 1048576.0)
  local factory = opts.factory or Env.factory:create(Proto.Factory, 8 * 1048576.0)
  local log = opts.log or { id, want(opts, "color", "string") or "y" }
  local ok, task = prim.start(L4.default_loader, { log = log, mem = mem_alloc, factory = factory }, argv)
  if not ok then error(task, 2) end
  return task
end

--- The modules a scenario can load.
function require(name)
  if name == "L4" then return L4 end
  if name == "vmm" then return vmm end
  error("module '" .. tostring(name) .. "' not found: a scenario can require only \"L4\" and \"vmm\"", 2)
end
`
