/**
 * The l4lab command line: the same engine as the desktop app, driven
 * headless for scripting and tests. See ../../docs/cli.md and DESIGN.md's
 * "Command line".
 */
import { labVersion } from './paths'
import { commandHelp } from './help'

/** The help text; a function, so that a command that does not print it does not read package.json for its version. */
const usage = (): string => `l4lab ${labVersion()} — a lab for guest-OS virtualization on an L4Re-style microkernel

Usage:
  l4lab web [--port N] [SCENARIO.lua | --loopback]
                              serve the lab to a browser on 127.0.0.1 (prints the URL with its token)
  l4lab run [SCENARIO.lua] [--timeout S] [--expect REGEX] [--send [VM:][+MS:]TEXT]…
                              run a scenario headless; console lines print as "name| text";
                              exits 1 when the scenario fails (its error on stderr),
                              --expect never matches or --timeout (default 30 s) passes
  l4lab exec [--arch aarch64|x86_64] [--rw] [--stats] ELF [ARGS…]
                              run a static aarch64 or x86-64 Linux program under lx, with the host's files
                              (ELF: a path, or a name looked up in PATH)
  l4lab vm --board arm-ve --kernel IMAGE [--initrd FILE] [--dtb FILE] [--append ARGS]
           [--mem MiB] [--cpus N] [--disk FILE[,ro]]…
                              boot an unmodified Linux kernel in a VM under uvmm, as qemu -kernel
                              does; its console is stdio (^A x quits)
  l4lab bench ipc|cpu [--no-jit]  measure the kernel's IPC or the CPU core (key: value unit lines)
  l4lab bench boot [SCENARIO] [--rounds=N]
                              wall ms from a board's start to each guest's shell prompt
  l4lab bench console|ui      console MB/s at the engine worker; the lab in Chromium
  l4lab --version             print the version
  l4lab --help                print this help
  l4lab COMMAND --help        print a command's own help

`

/** Node's base64 decoder, lent to the engine for the binaries it embeds as text (src/engine/util/base64.ts). */
const nodeBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'))

/** A command that runs the engine in this process, imported with the engine's host decoder in place. */
async function withEngine<T>(command: Promise<T>): Promise<T> {
  const [engine, loaded] = await Promise.all([import('../engine/exec'), command])
  engine.useHostBase64(nodeBase64)
  return loaded
}

/**
 * Each command is imported when it runs, so a process loads what its command
 * uses: `l4lab exec` does not parse fengari (ned's Lua), ws or the lab
 * server, which cost it about a third of its start (esbuild puts each
 * command in its own chunk; scripts/build/node.mjs).
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const help = command === undefined ? null : commandHelp(command, rest)
  if (help !== null) {
    process.stdout.write(help)
    return 0
  }
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(usage())
      return 0
    case '-V':
    case '--version':
      process.stdout.write(`${labVersion()}\n`)
      return 0
    case 'web':
      return (await import('./web')).webCommand(rest)
    case 'run':
      return (await withEngine(import('./run'))).runCommand(rest)
    case 'exec':
      return (await withEngine(import('./exec'))).execCommand(rest)
    case 'vm':
      return (await withEngine(import('./vm'))).vmCommand(rest)
    case 'bench':
      return (await withEngine(import('./bench'))).benchCommand(rest)
    default:
      process.stderr.write(`l4lab: unknown command '${command}'\n\n${usage()}`)
      return 2
  }
}

// A reader that goes away (`l4lab bench boot | head -1`) ends us quietly, as SIGPIPE ends a C program;
// output that cannot be written (a full disk, /dev/full) ends us with one line.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(141)
  process.stderr.write(`l4lab: cannot write the output: ${e.message}\n`)
  process.exit(1)
})

/**
 * What l4lab did not foresee still ends in one line: a stack trace tells a
 * user nothing, and a developer asks for it with L4LAB_DEBUG=1.
 */
function internalError(e: unknown): void {
  const debug = Boolean(process.env.L4LAB_DEBUG)
  const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e)
  process.stderr.write(`l4lab: internal error: ${text}${debug ? '' : ' (L4LAB_DEBUG=1 shows where)'}\n`)
  process.exitCode = 1
}
process.on('uncaughtException', (e) => {
  internalError(e)
  process.exit(1)
})

main(process.argv.slice(2)).then((code) => {
  if (code !== -1) process.exitCode = code
}, internalError)
