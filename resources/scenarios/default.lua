-- default.lua: two isolated Linux guests, vm1 and vm2.
--
-- Each is an lx instance (an L4Linux-style Linux personality) whose processes
-- are L4 tasks running our own static aarch64 programs from rootfs.cpio (the
-- lab unpacks resources/guests/aarch64/rootfs.cpio.gz into the rom for it;
-- lx takes a gzip'd initrd as well).
-- Each VM gets its own console from cons, its own memory quota from moe (an
-- allocator with a limit: memory hogs stop there) and its own kernel-memory
-- quota (a child factory: fork bombs stop there), so that nothing vm1 does
-- can starve vm2.
--
-- gfx is an lx VM with a display (lx --fb): its init is /bin/mandel, a
-- Mandelbrot explorer of ours that draws on /dev/fb0 and reads keys and the
-- pointer from /dev/input/event0 and event1 (the lab's display view).
local L4 = require "L4"

local function vm(name, colour)
  local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 80 * L4.MiB)
  local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)
  L4.default_loader:start(
    { log = { name, colour }, mem = mem, factory = kmem },
    "rom/lx --initrd rom/rootfs.cpio --init /bin/sh --mem 64M --hostname " .. name .. " -- -l")
end

vm("vm1", "g")
vm("vm2", "c")

local function display_vm(name, colour)
  -- 32 MiB for lx: the rootfs, a 3 MiB framebuffer and mandel's picture.
  local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 40 * L4.MiB)
  local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)
  -- Priority 1, below the shells' 2: drawing takes what the consoles leave, so typing stays quick.
  L4.default_loader:start(
    { log = { name, colour }, mem = mem, factory = kmem, prio = 1 },
    "rom/lx --initrd rom/rootfs.cpio --init /bin/mandel --mem 32M --fb 1024x768 --hostname " .. name)
end

display_vm("gfx", "y")
