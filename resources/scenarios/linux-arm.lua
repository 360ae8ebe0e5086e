-- linux-arm.lua: two unmodified Linux VMs and an lx guest on one board.
--
-- vm1 and vm2 run Debian's arm64 cloud kernel (linux-image-cloud-arm64,
-- fetched by scripts/guests/fetch-debian.sh, never committed) under uvmm,
-- each with our initramfs (Debian's busybox-static, the kernel's virtio
-- modules and our init: guests/linux-arm64) and a virtio-blk disk of its
-- own; `npm run build` makes them in build/guests/linux-arm64. Beside them,
-- lx1 is an lx guest, as in default.lua. Each VM has its own memory and
-- kernel-memory quota: powering one off or crashing it leaves the others
-- running.
--
-- vm2 has a display (display = "WxH": a PL111 colour LCD controller and a
-- virtio keyboard and tablet in uvmm; docs/display.md): the kernel's own
-- amba-clcd driver draws fbcon on it — the boot log (console=tty0), then a
-- shell on tty1 that the display's keyboard types into.
--
-- l4lab board: ram=768M
local L4 = require "L4"
local vmm = require "vmm"

local function linux(id, colour, display)
  vmm.start_vm {
    id = id,
    color = colour,
    mem = 192,
    cpus = 1,
    kernel = "rom/Image",
    ramdisk = "rom/initramfs.cpio.gz",
    disks = { "rom/disk.img" },
    display = display,
    -- The last console is the serial one (/dev/console: the init's report and shell).
    bootargs = (display and "console=tty0 " or "") .. "console=ttyAMA0 l4lab.hostname=" .. id,
  }
end

linux("vm1", "g")
linux("vm2", "c", "1024x768")

local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 80 * L4.MiB)
local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)
L4.default_loader:start(
  { log = { "lx1", "y" }, mem = mem, factory = kmem },
  "rom/lx --initrd rom/rootfs.cpio --init /bin/sh --mem 64M --hostname lx1")
