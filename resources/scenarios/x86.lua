-- x86.lua: an lx guest of x86-64 programs, Debian's busybox-static:amd64.
--
-- The board line below makes this a pc board (resources/boards/pc.json: an
-- x86-64 core) instead of arm-ve; lx runs programs of its board's
-- architecture, so this VM's `uname -m` says x86_64. Beside an aarch64 board in one lab:
--   l4lab web resources/scenarios/default.lua resources/scenarios/x86.lua
-- Debian's busybox is test material we may not ship: scripts/guests/fetch-debian.sh
-- fetches it into .cache/debian, and the lab makes the root file system from it
-- when the scenario starts (rom/busybox-amd64-rootfs.cpio).
--
-- l4lab board: file=pc
local L4 = require "L4"

local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 80 * L4.MiB)
local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)
L4.default_loader:start(
  { log = { "x86", "m" }, mem = mem, factory = kmem },
  "rom/lx --initrd rom/busybox-amd64-rootfs.cpio --init /bin/sh --mem 64M --hostname x86 -- -i")
