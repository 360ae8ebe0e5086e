-- busybox.lua: two isolated lx guests running Debian's busybox-static.
--
-- Debian's busybox is test material we may not ship: scripts/guests/fetch-debian.sh
-- fetches it into .cache/debian, and the lab builds the guests' root file
-- system from it when the scenario starts (rom/busybox-rootfs.cpio: /bin/busybox
-- with a link per applet, /etc, /tmp, /dev, /proc).
local L4 = require "L4"

local function vm(name, colour)
  local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 80 * L4.MiB)
  local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)
  L4.default_loader:start(
    { log = { name, colour }, mem = mem, factory = kmem },
    "rom/lx --initrd rom/busybox-rootfs.cpio --init /bin/sh --mem 64M --hostname " .. name .. " -- -i")
end

vm("vm1", "g")
vm("vm2", "c")
