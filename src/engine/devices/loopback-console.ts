/**
 * The console loopback device: a test device with no guest behind it. It
 * echoes what is typed, edits the line (backspace, ^U), and on Enter answers
 * with the line it received, so the whole path UI → transport → engine worker
 * → UI can be exercised before any guest runs. Kept as a plumbing test device.
 * Input is handled as it comes (no queue); the line holds at most LINE_MAX
 * bytes, the rest of a longer one is dropped with a bell.
 *
 * Device tree: `console@N { compatible = "l4lab,loopback-console"; }` (no
 * registers, no interrupt: the lab's terminal is wired to it directly).
 */
import type { Device, DeviceContext, DeviceModel } from './device'

const enc = new TextEncoder()
const dec = new TextDecoder()

export const LOOPBACK_PROMPT = 'loopback> '
/** The longest line it keeps (N_TTY_BUF_SIZE less the newline): a paste without newlines cannot grow it further. */
export const LINE_MAX = 4095
const BEL = Uint8Array.of(0x07)

export class LoopbackConsole implements Device {
  readonly compatible = LOOPBACK_CONSOLE
  private line: number[] = []
  /** 0: text; 1: after ESC; 2: inside a CSI sequence (ESC [ … final byte). */
  private escape = 0
  private cols = 80
  private rows = 24

  constructor(
    readonly name: string,
    /** Where its output goes (the lab's terminal for it); the session connects it. */
    public out: (data: Uint8Array) => void = () => {},
  ) {}

  /** The greeting printed when the device starts. */
  greet(): void {
    this.emit(`\x1b[1m${this.name}\x1b[0m: console loopback device (a test device that echoes lines)\r\n${LOOPBACK_PROMPT}`)
  }

  resize(cols: number, rows: number): void {
    this.cols = cols
    this.rows = rows
  }

  input(data: Uint8Array): void {
    let rang = false
    for (const b of data) {
      if (this.escape === 1) {
        this.escape = b === 0x5b ? 2 : 0
        continue
      }
      if (this.escape === 2) {
        // Cursor keys and the like are not line editing here: skip to the final byte.
        if (b >= 0x40 && b <= 0x7e) this.escape = 0
        continue
      }
      if (b === 0x0d || b === 0x0a) {
        const text = dec.decode(new Uint8Array(this.line))
        this.line = []
        if (text === 'size') this.emit(`\r\nterminal ${this.cols}x${this.rows}\r\n${LOOPBACK_PROMPT}`)
        else this.emit(`\r\nloopback: ${text}\r\n${LOOPBACK_PROMPT}`)
      } else if (b === 0x7f || b === 0x08) {
        if (this.line.length > 0) {
          // Drop a whole UTF-8 sequence: continuation bytes are 10xxxxxx.
          while (this.line.length > 0 && (this.line[this.line.length - 1] & 0xc0) === 0x80) this.line.pop()
          this.line.pop()
          this.emit('\b \b')
        }
      } else if (b === 0x15) {
        // ^U: kill the line, as a tty in canonical mode does.
        this.emit('\b \b'.repeat(dec.decode(new Uint8Array(this.line)).length))
        this.line = []
      } else if (b === 0x1b) {
        this.escape = 1
      } else if (b >= 0x20 || b === 0x09) {
        // As N_TTY's canonical line: a full line takes no more, and the terminal beeps (IMAXBEL), once per delivery.
        if (this.line.length >= LINE_MAX) {
          if (!rang) this.out(BEL)
          rang = true
        } else {
          this.line.push(b)
          this.out(Uint8Array.of(b))
        }
      }
    }
  }

  private emit(text: string): void {
    this.out(enc.encode(text))
  }
}

const LOOPBACK_CONSOLE = 'l4lab,loopback-console'

export const loopbackConsoleModel: DeviceModel<LoopbackConsole> = {
  compatible: LOOPBACK_CONSOLE,
  summary: 'a terminal that echoes lines (a plumbing test device)',
  needs: { irq: false, region: false },
  create: (ctx: DeviceContext) => new LoopbackConsole(ctx.name),
}
