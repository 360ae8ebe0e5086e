/**
 * Each command's own help: `l4lab COMMAND --help` (or -h) prints it on stdout
 * and exits 0. For exec only the options before the program count, so that
 * `l4lab exec prog --help` asks the program, not l4lab.
 */
const HELP: Record<string, string> = {
  web: `usage: l4lab web [--port N] [SCENARIO.lua… | --loopback]

Serves the lab to a browser on 127.0.0.1 and prints its URL with the access
token; runs until Ctrl+C (SIGINT) or SIGTERM.

  -p, --port N     the port (default 8731; 0 picks a free one)
  --loopback       the loopback board instead of a scenario
  SCENARIO.lua…    one board per scenario (default resources/scenarios/default.lua);
                   a scenario whose board line says file=pc runs on an x86-64 board
`,
  run: `usage: l4lab run [SCENARIO.lua] [--timeout S] [--expect REGEX] [--send [VM:][+MS:]TEXT]…

Runs a scenario headless and prints each console line as "name| text".

  -t, --timeout S        stop after S seconds (default 30)
  -e, --expect REGEX     exit 0 at the first console line that matches
  -s, --send [VM:][+MS:]TEXT
                         type TEXT into VM's console (default: the first),
                         MS milliseconds after the previous send; repeatable

Exit status: 0 ok, 1 the scenario failed or --expect never matched before
the timeout, 2 a bad command line.
`,
  exec: `usage: l4lab exec [--arch aarch64|x86_64] [--rw] [--stats] [--strace] [--] ELF [ARGS…]

Runs a static aarch64 or x86-64 Linux program under lx, with the host's files: read-
only unless --rw, with a private /tmp (the program's directory and the
working directory stay visible), lx's own /proc, /sys and /dev. ELF is a
path, or a name looked up in PATH.

  --arch A         the program's architecture, aarch64 or x86_64 (default:
                   the ELF header's e_machine; aarch64 for anything else)
  --rw             let the program change the host's files
  --stats          print instructions, MIPS, system calls and page faults on stderr
  --strace         print lx's kernel log (every system call) on stderr
  --               the end of l4lab's options

Exit status: the program's, 128 + N when signal N ended it, 126 when it
cannot be started (the reason on stderr), 127 when it does not exist,
2 a bad command line.
`,
  vm: `usage: l4lab vm --board arm-ve --kernel IMAGE [--initrd FILE] [--dtb FILE]
                [--append ARGS] [--mem MiB] [--cpus N] [--disk FILE[,ro]]…

Boots an unmodified Linux kernel (an arm64 Image, plain or gzip'd) in a VM
under uvmm on our microkernel, as qemu-system-aarch64 -kernel does: the
arm64 boot protocol, a generated device tree (or --dtb), PSCI, the GICv3,
the generic timer, PL011, PL031 and virtio-mmio devices laid out as QEMU's
virt machine. The guest's serial port and hvc0 are stdin/stdout (a raw
terminal when stdin is one; ^A x quits, ^A ^A sends ^A).

  --board arm-ve   the board (the only one today)
  --kernel IMAGE   the kernel
  --initrd FILE    an initramfs
  --dtb FILE       a device tree instead of the generated one (/chosen is set)
  --append ARGS    the kernel command line (default console=ttyAMA0)
  --mem MiB        guest RAM (default 256; 512M and 1G work too)
  --cpus N         vCPUs, 1 to 8 (default 1)
  --disk FILE[,ro] a virtio-blk disk backed by FILE (written in place unless ro);
                   repeatable: vda, vdb, …

Exit status: 0 when the guest powers off or resets (or ^A x), 1 when it
cannot boot or crashes (the reason on stderr), 2 a bad command line.
`,
  bench: `usage: l4lab bench ipc [--runs=N] [--round-trips=N] | cpu [--arch aarch64|x86_64] [--no-jit] [--no-qemu] [--rounds=N]
                   | boot [SCENARIO] [--rounds=N] | vm [--no-qemu] [--rounds=N] | vms [--vms=N] [--busybox]
                   | console [SCENARIO] [--mb=N] [--rounds=N] | ui [SCENARIO] [--mb=N] [--keys=N] [--renderer=webgl|dom|auto]

Measures and prints "key: value unit" lines.

  ipc            the kernel's IPC round trip (median and range over --runs=N fresh kernels,
                 default 10, of --round-trips=N each, default 2000000) and map/unmap
  cpu            the AArch64 core on our benchmark program (MIPS, seconds per part);
                 with qemu-aarch64 installed, the same program under it in the same
                 run, alternating, and each part's ratio_vs_qemu (best of --rounds=N,
                 default 3); --no-jit: the interpreter alone; --no-qemu: ours only;
                 --arch x86_64: the x86-64 core (under lx) against qemu-x86_64
  boot           wall milliseconds from a board's start to each guest's shell prompt
                 (default scenario default.lua; --rounds=N, 1..100, default 5), and
                 where the time went: boot.phase.NAME_ms lines that add up to the round
  vms            host memory per pv VM: N lx VMs (--vms=N, default 8; --busybox for
                 Debian's busybox) booted to their prompts in one board, RSS growth
                 beyond the wasm memory (guest RAM) per VM
  vm             Debian's arm64 kernel with our initramfs under l4lab vm and, in the same
                 run alternating, qemu-system-aarch64: ms to our init's first line and to
                 power-off (best of --rounds=N, default 3), the ratios, and ours' instructions,
                 VM exits by kind and compile time
  console        MB/s of a guest's console output arriving at the engine worker's host side
                 (default.lua: vm1 writes --mb=N MB, default 8, while vm2 runs; then both
                 write at once), median of --rounds=N (default 3) after a warm-up round
  ui             the lab in Chromium (playwright-core; /usr/bin/chromium or L4LAB_CHROMIUM):
                 ui.prompts_ms, ui.echo_ms (median of --keys=N), ui.console_mb_s (--mb=N MB,
                 default 16, to the xterm) and ui.fb_fps (n/a without a VM display)
`,
}

/** The command's help when `args` asks for it, else null. */
export function commandHelp(command: string, args: string[]): string | null {
  const text = HELP[command]
  if (!text) return null
  const asks = (a: string) => a === '--help' || a === '-h'
  if (command === 'exec') {
    for (const a of args) {
      if (asks(a)) return text
      if (a === '--' || !a.startsWith('-') || a === '-') return null
    }
    return null
  }
  return args.some(asks) ? text : null
}
