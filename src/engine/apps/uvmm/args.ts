/**
 * uvmm's command line, as ned's `vmm.start_vm` (or `l4lab vm`) builds it:
 *
 *   uvmm --kernel rom/Image [--initrd rom/F] [--dtb rom/F] [--mem 256M]
 *        [--cpus N] [--disk rom/F[,ro]]… [--no-rng] [--id NAME] [--epoch S]
 *        [--display WxH] [-- kernel command line…]
 *
 * `--display` gives the VM a PL111 panel of that size (width a multiple of
 * 16 up to 1024, height up to 1024: what the PL111's PPL and LPP fields
 * hold) and a virtio keyboard and tablet for its input.
 *
 * Words after `--` are the guest kernel's command line (ned splits command
 * lines at blanks, so the command line comes last rather than quoted).
 */
export interface UvmmArgs {
  kernel: string
  initrd: string | null
  dtb: string | null
  bootargs: string
  memBytes: number
  cpus: number
  disks: { name: string; readOnly: boolean }[]
  rng: boolean
  id: string
  /** The RTC's time at boot (ms since the epoch): fixed by default, so runs are reproducible; `l4lab vm` gives the host's. */
  epochMs: number
  /** The panel of the VM's PL111 display, or null for none. */
  display: { width: number; height: number } | null
}

/** At most this many vCPUs (the GICv3 redistributor frames we lay out, and Aff0 of MPIDR). */
export const MAX_VCPUS = 8
const MIN_MEM = 32 << 20
const MAX_MEM = 2048 * 2 ** 20

const rom = (name: string): string => name.replace(/^rom\//, '')

export function parseUvmmArgs(args: readonly string[]): UvmmArgs | string {
  const out: UvmmArgs = { kernel: '', initrd: null, dtb: null, bootargs: 'console=ttyAMA0', memBytes: 256 << 20, cpus: 1, disks: [], rng: true, id: 'vm', epochMs: 1_767_225_600_000, display: null }
  for (let i = 1; i < args.length; i++) {
    const a = args[i]
    const v = (): string => args[++i] ?? ''
    switch (a) {
      case '--kernel': out.kernel = rom(v()); break
      case '--initrd': out.initrd = rom(v()); break
      case '--dtb': out.dtb = rom(v()); break
      case '--id': out.id = v(); break
      case '--no-rng': out.rng = false; break
      case '--epoch': {
        const sec = Number(v())
        if (!Number.isFinite(sec) || sec < 0) return '--epoch: seconds since 1970'
        out.epochMs = sec * 1000
        break
      }
      case '--rng': out.rng = true; break
      case '--display': {
        const d = parseDisplay(v())
        if (typeof d === 'string') return d
        out.display = d
        break
      }
      case '--mem': {
        const m = /^(\d+)([KMG]?)$/i.exec(v())
        if (!m) return '--mem: a size such as 256M'
        out.memBytes = Number(m[1]) * ({ '': 1, K: 1024, M: 1 << 20, G: 1 << 30 } as Record<string, number>)[m[2].toUpperCase()]
        break
      }
      case '--cpus': {
        const n = Number(v())
        if (!Number.isInteger(n) || n < 1 || n > MAX_VCPUS) return `--cpus: 1 to ${MAX_VCPUS}`
        out.cpus = n
        break
      }
      case '--disk': {
        const [name, ...opts] = v().split(',')
        if (!name) return '--disk: rom/FILE[,ro]'
        const bad = opts.find((o) => o !== 'ro' && o !== 'rw')
        if (bad) return `--disk ${name}: unknown option ${bad} (ro or rw)`
        out.disks.push({ name: rom(name), readOnly: opts.includes('ro') })
        break
      }
      case '--':
        out.bootargs = args.slice(i + 1).join(' ')
        i = args.length
        break
      default:
        return `unknown option ${a}`
    }
  }
  if (!out.kernel) return 'no kernel: give --kernel rom/Image'
  if (out.memBytes % (2 << 20) !== 0) return '--mem must be a multiple of 2M'
  if (out.memBytes < MIN_MEM || out.memBytes > MAX_MEM) return `--mem: from ${MIN_MEM / 2 ** 20}M to ${MAX_MEM / 2 ** 20}M`
  return out
}

/** The largest panel a PL111 can drive: PPL is 6 bits of 16 pixels, LPP 10 bits of lines. */
export const MAX_DISPLAY = { width: 1024, height: 1024 } as const

function parseDisplay(text: string): { width: number; height: number } | string {
  const m = /^(\d+)x(\d+)$/.exec(text)
  if (!m) return '--display: a size such as 1024x768'
  const width = Number(m[1])
  const height = Number(m[2])
  if (width < 16 || width > MAX_DISPLAY.width || width % 16 !== 0) return `--display ${text}: the width must be a multiple of 16 from 16 to ${MAX_DISPLAY.width} (the PL111's PPL field)`
  if (height < 1 || height > MAX_DISPLAY.height) return `--display ${text}: the height must be from 1 to ${MAX_DISPLAY.height} (the PL111's LPP field)`
  return { width, height }
}
