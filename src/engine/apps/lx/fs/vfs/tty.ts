/**
 * The console tty: Linux's N_TTY line discipline between a process and the
 * VM's console. Output (process writes and echo) goes through OPOST
 * processing to `write`; keys arrive through `input()`.
 *
 * Modelled on drivers/tty/n_tty.c: canonical mode collects a line with
 * ERASE, KILL, WERASE, REPRINT, LNEXT and EOF editing and hands it out one
 * line per read; non-canonical mode hands out bytes under VMIN/VTIME; ISIG
 * turns INTR/QUIT/SUSP into signals for the foreground process group
 * (flushing input unless NOFLSH); echo follows ECHO/ECHOE/ECHOK/ECHOKE/
 * ECHONL/ECHOCTL. Differences, on purpose: ^H erases like VERASE when
 * VERASE is DEL (terminals send either for Backspace); IXON's ^S/^Q are
 * consumed but do not stop output. Background job control (SIGTTIN,
 * SIGTTOU) needs the `caller` option, since read and write carry no caller.
 */
import { Errno } from './errno'
import { FileBase } from './file'
import {
  type Inode, type IoctlContext, type IoResult, type OpenFile, type UserMemory,
  FIONREAD, O_NONBLOCK, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, WaitQueue, canRead, canWrite,
} from './types'

// ---- ioctl requests (asm-generic/ioctls.h)
export const TCGETS = 0x5401
export const TCSETS = 0x5402
export const TCSETSW = 0x5403
export const TCSETSF = 0x5404
export const TCSBRK = 0x5409
export const TCXONC = 0x540a
export const TCFLSH = 0x540b
export const TIOCEXCL = 0x540c
export const TIOCNXCL = 0x540d
export const TIOCSCTTY = 0x540e
export const TIOCGPGRP = 0x540f
export const TIOCSPGRP = 0x5410
export const TIOCOUTQ = 0x5411
export const TIOCSTI = 0x5412
export const TIOCGWINSZ = 0x5413
export const TIOCSWINSZ = 0x5414
export const TIOCNOTTY = 0x5422
export const TIOCSETD = 0x5423
export const TIOCGETD = 0x5424
export const TCSBRKP = 0x5425
export const TIOCGSID = 0x5429
export const TCGETS2 = 0x802c542a
export const TCSETS2 = 0x402c542b
export const TCSETSW2 = 0x402c542c
export const TCSETSF2 = 0x402c542d
export const TIOCGPTN = 0x80045430
export const TIOCVHANGUP = 0x5437

// ---- c_cc indices
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7
export const VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14
export const VLNEXT = 15, VEOL2 = 16
export const NCCS = 19

// ---- c_iflag
export const IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, PARMRK = 0o10, INPCK = 0o20, ISTRIP = 0o40
export const INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IUCLC = 0o1000, IXON = 0o2000, IXANY = 0o4000
export const IXOFF = 0o10000, IMAXBEL = 0o20000, IUTF8 = 0o40000
// ---- c_oflag
export const OPOST = 0o1, OLCUC = 0o2, ONLCR = 0o4, OCRNL = 0o10, ONOCR = 0o20, ONLRET = 0o40
// ---- c_cflag
export const B38400 = 0o17, CSIZE = 0o60, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000, CLOCAL = 0o4000
// ---- c_lflag
export const ISIG = 0o1, ICANON = 0o2, XCASE = 0o4, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100
export const NOFLSH = 0o200, TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOPRT = 0o2000, ECHOKE = 0o4000
export const FLUSHO = 0o10000, PENDIN = 0o40000, IEXTEN = 0o100000

// TCFLSH arguments
export const TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2

// Signals the tty sends (asm-generic/signal.h)
export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGCONT = 18, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGWINCH = 28


/** The process issuing a read, write or ioctl, for job control (SIGTTIN / SIGTTOU). */
export interface TtyCaller {
  pgrp: number
  sid: number
  /** Is `sig` blocked or ignored by the caller? */
  ignored(sig: number): boolean
  /** Is the caller's process group orphaned (no parent in another group of the session)? */
  orphaned?: boolean
}

/** struct termios as TCGETS sees it on aarch64 (and x86_64: both use asm-generic termbits): four u32 flags, c_line, c_cc[19] (36 bytes); termios2 adds two u32 speeds. */
export const TERMIOS_SIZE = 36
export const TERMIOS2_SIZE = 44

/** Linux's N_TTY_BUF_SIZE: the most a line (or the raw queue) holds. */
const TTY_BUF = 4096

export interface Termios {
  iflag: number
  oflag: number
  cflag: number
  lflag: number
  line: number
  cc: Uint8Array
  ispeed: number
  ospeed: number
}

/** tty_std_termios: what a fresh Linux console starts with. */
export function defaultTermios(): Termios {
  const cc = new Uint8Array(NCCS)
  cc[VINTR] = 0x03
  cc[VQUIT] = 0x1c
  cc[VERASE] = 0x7f
  cc[VKILL] = 0x15
  cc[VEOF] = 0x04
  cc[VTIME] = 0
  cc[VMIN] = 1
  cc[VSTART] = 0x11
  cc[VSTOP] = 0x13
  cc[VSUSP] = 0x1a
  cc[VREPRINT] = 0x12
  cc[VDISCARD] = 0x0f
  cc[VWERASE] = 0x17
  cc[VLNEXT] = 0x16
  return {
    iflag: ICRNL | IXON | IUTF8,
    oflag: OPOST | ONLCR,
    cflag: B38400 | CS8 | CREAD | HUPCL,
    lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    line: 0,
    cc,
    ispeed: 38400,
    ospeed: 38400,
  }
}

export function encodeTermios(t: Termios, size = TERMIOS_SIZE): Uint8Array {
  const b = new Uint8Array(size)
  const dv = new DataView(b.buffer)
  dv.setUint32(0, t.iflag >>> 0, true)
  dv.setUint32(4, t.oflag >>> 0, true)
  dv.setUint32(8, t.cflag >>> 0, true)
  dv.setUint32(12, t.lflag >>> 0, true)
  b[16] = t.line
  b.set(t.cc.subarray(0, NCCS), 17)
  if (size >= TERMIOS2_SIZE) {
    dv.setUint32(36, t.ispeed >>> 0, true)
    dv.setUint32(40, t.ospeed >>> 0, true)
  }
  return b
}

export function decodeTermios(b: Uint8Array, old: Termios): Termios {
  const dv = new DataView(b.buffer, b.byteOffset, b.length)
  return {
    iflag: dv.getUint32(0, true),
    oflag: dv.getUint32(4, true),
    cflag: dv.getUint32(8, true),
    lflag: dv.getUint32(12, true),
    line: b[16],
    cc: b.slice(17, 17 + NCCS),
    ispeed: b.length >= TERMIOS2_SIZE ? dv.getUint32(36, true) : old.ispeed,
    ospeed: b.length >= TERMIOS2_SIZE ? dv.getUint32(40, true) : old.ospeed,
  }
}

export interface TtyOptions {
  /** The output sink: bytes for the VM's console. */
  write(bytes: Uint8Array): void
  /** Sends `sig` to process group `pgrp` (the caller's kill(-pgrp, sig)). */
  signalPgrp(pgrp: number, sig: number): void
  /**
   * The calling process, for background job control: a read from another
   * process group of the terminal's session raises SIGTTIN, and a write
   * under TOSTOP or a termios/pgrp change raises SIGTTOU, as Linux's
   * tty_check_change. Omitted: no background checks.
   */
  caller?: () => TtyCaller | null
  /** Virtual time in ms, for VTIME (default: VTIME waits count as expired at once). */
  clock?: () => number
  cols?: number
  rows?: number
}

interface Line {
  data: Uint8Array
  off: number
}

const isCtl = (c: number): boolean => c < 0x20 || c === 0x7f
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f

export class Tty {
  termios: Termios = defaultTermios()
  /** Foreground process group (0: none). */
  pgrp = 0
  /** Session whose controlling terminal this is (0: none). */
  sid = 0
  rows: number
  cols: number
  xpixel = 0
  ypixel = 0
  readonly waitq = new WaitQueue()

  /** Canonical mode: complete lines waiting to be read. */
  private lines: Line[] = []
  /** Canonical mode: the line being edited. */
  private edit: number[] = []
  /** Non-canonical mode: bytes waiting to be read. */
  private raw: number[] = []
  private rawHead = 0
  private lnext = false
  /** Output column, for erasing tabs. */
  private column = 0
  /** Column where the line being edited started. */
  private editColumn = 0
  /** When the last input byte arrived (VTIME's inter-byte timer). */
  private lastInputMs = 0

  constructor(private readonly opts: TtyOptions) {
    this.cols = opts.cols ?? 80
    this.rows = opts.rows ?? 24
  }

  private now(): number {
    return this.opts.clock ? this.opts.clock() : Infinity
  }

  private get canon(): boolean {
    return (this.termios.lflag & ICANON) !== 0
  }

  // --------------------------------------------------------------- output

  /** OPOST processing of bytes going to the console. */
  private opost(data: Uint8Array): Uint8Array {
    const t = this.termios
    if (!(t.oflag & OPOST)) {
      this.trackColumns(data)
      // A copy: the sink may keep the bytes, the writer may reuse its buffer.
      const copy = data.slice()
      this.opts.write(copy)
      return copy
    }
    // At most two bytes out per byte in (NL → CR NL).
    const out = new Uint8Array(data.length * 2)
    let o = 0
    if ((t.oflag & (OLCUC | ONLCR | OCRNL | ONOCR | ONLRET)) === ONLCR) {
      // The usual settings (what a program that writes a lot meets): only NL changes, and the
      // column depends on the bytes after the last line end alone, so it is counted for those.
      for (let k = 0; k < data.length; k++) {
        const c = data[k]
        if (c === 0x0a) out[o++] = 0x0d
        out[o++] = c
      }
      const lineEnd = Math.max(data.lastIndexOf(0x0a), data.lastIndexOf(0x0d))
      if (lineEnd >= 0) this.column = 0
      this.trackColumns(data.subarray(lineEnd + 1))
      const bytes = out.subarray(0, o)
      this.opts.write(bytes)
      return bytes
    }
    for (let k = 0; k < data.length; k++) {
      let c = data[k]
      if (c === 0x0a) {
        if (t.oflag & ONLCR) {
          out[o++] = 0x0d
          out[o++] = 0x0a
          this.column = 0
          continue
        }
        if (t.oflag & ONLRET) this.column = 0
      } else if (c === 0x0d) {
        if (t.oflag & ONOCR && this.column === 0) continue
        if (t.oflag & OCRNL) {
          if (t.oflag & ONLRET) this.column = 0
          out[o++] = 0x0a
          continue
        }
        this.column = 0
      } else if (c === 0x09) {
        this.column = (this.column | 7) + 1
      } else if (c === 0x08) {
        if (this.column > 0) this.column--
      } else if (t.oflag & OLCUC && c >= 0x61 && c <= 0x7a) {
        c -= 0x20
        this.column++
      } else if (!isCtl(c) && (c & 0xc0) !== 0x80) {
        this.column++ // UTF-8 continuation bytes take no column
      }
      out[o++] = c
    }
    const bytes = out.subarray(0, o)
    this.opts.write(bytes)
    return bytes
  }

  private trackColumns(data: Uint8Array): void {
    for (let k = 0; k < data.length; k++) {
      const c = data[k]
      if (c === 0x0d || c === 0x0a) this.column = 0
      else if (c === 0x09) this.column = (this.column | 7) + 1
      else if (c === 0x08) this.column = Math.max(0, this.column - 1)
      else if (!isCtl(c) && (c & 0xc0) !== 0x80) this.column++
    }
  }

  /** A process writes: output processing, all bytes accepted. */
  writeOutput(data: Uint8Array): number {
    this.opost(data)
    return data.length
  }

  private echoBytes(bytes: number[]): void {
    this.opost(Uint8Array.from(bytes))
  }

  /** Echo of one input character: controls as ^X under ECHOCTL (not TAB or NL). */
  private echoChar(c: number): void {
    const l = this.termios.lflag
    if (!(l & ECHO)) return
    if (l & ECHOCTL && isCtl(c) && c !== 0x09 && c !== 0x0a) this.echoBytes([0x5e, c ^ 0x40])
    else this.echoBytes([c])
  }

  // ---------------------------------------------------------------- input

  /**
   * How many more bytes the line discipline takes now (n_tty's receive
   * room): the console reads no more than this, and the rest waits in the
   * terminal (flow control) instead of being dropped here. A canonical
   * buffer without a whole line keeps taking input (what does not fit is
   * dropped, as n_tty does), or a reader waiting for that line and the
   * console waiting for the reader would wait for each other.
   */
  receiveRoom(): number {
    if (!this.canon) return TTY_BUF - (this.raw.length - this.rawHead)
    return this.lines.length === 0 ? Infinity : Math.max(0, TTY_BUF - 1 - this.canonHeld())
  }

  /** Keys from the console. */
  input(bytes: Uint8Array): void {
    for (const b of bytes) this.receive(b)
    this.waitq.wakeAll()
  }

  private receive(c0: number): void {
    const t = this.termios
    let c = c0
    if (t.iflag & ISTRIP) c &= 0x7f
    if (this.lnext) {
      this.lnext = false
      this.store(c, true)
      return
    }
    if (c === 0x0d) {
      if (t.iflag & IGNCR) return
      if (t.iflag & ICRNL) c = 0x0a
    } else if (c === 0x0a && t.iflag & INLCR) c = 0x0d
    const cc = t.cc
    const is = (i: number): boolean => cc[i] !== 0 && c === cc[i]
    if (t.lflag & ISIG) {
      let sig = 0
      if (is(VINTR)) sig = SIGINT
      else if (is(VQUIT)) sig = SIGQUIT
      else if (is(VSUSP)) sig = SIGTSTP
      if (sig) {
        if (!(t.lflag & NOFLSH)) this.flushInput()
        this.echoChar(c)
        if (this.pgrp > 0) this.opts.signalPgrp(this.pgrp, sig)
        return
      }
    }
    if (t.iflag & IXON && (is(VSTART) || is(VSTOP))) return
    if (t.lflag & IEXTEN && is(VLNEXT)) {
      this.lnext = true
      if (t.lflag & ECHO && t.lflag & ECHOCTL) this.echoBytes([0x5e, 0x08]) // "^" then back over it
      return
    }
    if (!this.canon) {
      this.store(c, true)
      return
    }
    const l = t.lflag
    const eraseKey = is(VERASE) || (c === 0x08 && cc[VERASE] === 0x7f)
    if (eraseKey || is(VKILL) || (l & IEXTEN && is(VWERASE))) {
      this.erase(eraseKey ? 'char' : is(VKILL) ? 'line' : 'word', c)
      return
    }
    if (is(VEOF)) {
      this.commitLine()
      return
    }
    if (l & IEXTEN && is(VREPRINT)) {
      if (l & ECHO) {
        this.echoChar(c)
        this.echoBytes([0x0a, ...this.edit])
      }
      return
    }
    if (c === 0x0a || is(VEOL) || (l & IEXTEN && is(VEOL2))) {
      if (l & ECHO) this.echoChar(c)
      else if (c === 0x0a && l & ECHONL) this.echoBytes([0x0a])
      this.edit.push(c)
      this.commitLine()
      return
    }
    this.store(c, true)
  }

  /** Adds an ordinary character to the edited line or the raw queue, with echo. */
  /** Bytes held for canonical reads (an end-of-file mark counts one, as n_tty stores a character for it). */
  private canonHeld(): number {
    let n = this.edit.length
    for (const ln of this.lines) n += Math.max(1, ln.data.length - ln.off)
    return n
  }

  private store(c: number, echo: boolean): void {
    if (this.canon) {
      // The read buffer holds 4096 bytes in all; one stays free for a line's end.
      if (this.canonHeld() >= TTY_BUF - 1) return
      if (this.edit.length === 0) this.editColumn = this.column
      this.edit.push(c)
    } else {
      if (this.raw.length - this.rawHead >= TTY_BUF) return
      this.raw.push(c)
      this.lastInputMs = this.now()
    }
    if (echo) this.echoChar(c)
  }

  /** Ends the edited line (its terminator already in `edit`, or none for EOF); dropped when the buffer is full. */
  private commitLine(): void {
    if (this.canonHeld() - this.edit.length + Math.max(1, this.edit.length) > TTY_BUF) {
      this.edit = []
      return
    }
    this.lines.push({ data: Uint8Array.from(this.edit), off: 0 })
    this.edit = []
  }

  /** ERASE / WERASE / KILL on the edited line, with the echo n_tty's eraser gives. */
  private erase(kind: 'char' | 'word' | 'line', key: number): void {
    const l = this.termios.lflag
    if (this.edit.length === 0) return
    if (kind === 'line' && !(l & ECHO)) {
      this.edit = []
      return
    }
    if (kind === 'line' && !(l & ECHOK && l & ECHOKE && l & ECHOE)) {
      // Without visual erase: echo the KILL character and, under ECHOK, a newline.
      this.edit = []
      this.echoChar(key)
      if (l & ECHOK) this.echoBytes([0x0a])
      return
    }
    let seenAlnum = false
    while (this.edit.length) {
      // One character: a UTF-8 lead byte and its continuation bytes.
      let start = this.edit.length - 1
      if (this.termios.iflag & IUTF8) while (start > 0 && (this.edit[start] & 0xc0) === 0x80) start--
      const c = this.edit[start]
      if (kind === 'word') {
        if (isAlnum(c)) seenAlnum = true
        else if (seenAlnum) break
      }
      this.edit.length = start
      if (l & ECHO) this.echoErase(c)
      if (kind === 'char') break
    }
  }

  private echoErase(c: number): void {
    const l = this.termios.lflag
    if (!(l & ECHOE)) {
      this.echoChar(this.termios.cc[VERASE])
      return
    }
    let width = 1
    if (c === 0x09) {
      // Back to where the tab started: replay the line from its start column.
      let col = this.editColumn
      for (const x of this.edit) {
        if (x === 0x09) col = (col | 7) + 1
        else if (isCtl(x)) col += l & ECHOCTL ? 2 : 0
        else if ((x & 0xc0) !== 0x80) col++
      }
      width = Math.max(0, this.column - col)
      this.echoBytes(new Array(width).fill(0x08))
      return
    }
    // A control character took two columns as ^X, or none when echoed raw.
    if (isCtl(c)) width = l & ECHOCTL ? 2 : 0
    const seq: number[] = []
    for (let k = 0; k < width; k++) seq.push(0x08, 0x20, 0x08)
    this.echoBytes(seq)
  }

  private flushInput(): void {
    this.lines = []
    this.edit = []
    this.raw = []
    this.rawHead = 0
    this.lnext = false
  }

  // ---------------------------------------------------------------- reads

  /** Bytes a read could take now (FIONREAD). */
  available(): number {
    if (this.canon) return this.lines.reduce((n, ln) => n + ln.data.length - ln.off, 0)
    return this.raw.length - this.rawHead
  }

  /**
   * tty_check_change: 0 to go on, -EIO, or 1 after signalling the caller's
   * (background) group; the caller then waits (read/write) or restarts (ioctl).
   */
  private jobControl(sig: number): number {
    const c = this.opts.caller ? this.opts.caller() : null
    if (!c || this.sid === 0 || c.sid !== this.sid) return 0
    if (this.pgrp === 0 || c.pgrp === this.pgrp) return 0
    if (c.ignored(sig)) return sig === SIGTTIN ? -Errno.EIO : 0
    if (c.orphaned) return -Errno.EIO
    this.opts.signalPgrp(c.pgrp, sig)
    return 1
  }

  /** A write by a process: SIGTTOU for background writers under TOSTOP, then output processing. */
  write(data: Uint8Array): IoResult {
    if (this.termios.lflag & TOSTOP) {
      const j = this.jobControl(SIGTTOU)
      if (j < 0) return j
      if (j > 0) return { block: this.waitq }
    }
    return this.writeOutput(data)
  }

  /** A read by an open file; `state` keeps that file's VTIME deadline. */
  read(buf: Uint8Array, nonblock: boolean, state: { deadline: number | null }): IoResult {
    const j = this.jobControl(SIGTTIN)
    if (j < 0) return j
    if (j > 0) return { block: this.waitq }
    if (buf.length === 0) return 0
    if (this.canon) {
      state.deadline = null
      const ln = this.lines[0]
      if (!ln) return nonblock ? -Errno.EAGAIN : { block: this.waitq }
      const n = Math.min(buf.length, ln.data.length - ln.off)
      buf.set(ln.data.subarray(ln.off, ln.off + n))
      ln.off += n
      if (ln.off >= ln.data.length) this.lines.shift()
      return n
    }
    const have = this.raw.length - this.rawHead
    const vmin = this.termios.cc[VMIN]
    const vtime = this.termios.cc[VTIME] * 100
    const take = (): number => {
      state.deadline = null
      const n = Math.min(buf.length, have)
      for (let k = 0; k < n; k++) buf[k] = this.raw[this.rawHead + k]
      this.rawHead += n
      if (this.rawHead > 1024 && this.rawHead * 2 > this.raw.length) {
        this.raw = this.raw.slice(this.rawHead)
        this.rawHead = 0
      }
      return n
    }
    const want = Math.min(vmin, buf.length)
    if (have > 0 && have >= want) return take()
    if (nonblock) return have > 0 ? take() : -Errno.EAGAIN
    if (vtime === 0) {
      if (vmin === 0) return take() // polling read: whatever there is, maybe 0
      return { block: this.waitq }
    }
    const now = this.now()
    if (vmin === 0) {
      // A read timer from the start of the read.
      if (have > 0) return take()
      if (state.deadline === null) state.deadline = now + vtime
      if (now >= state.deadline) return take()
      return { block: this.waitq, timeoutMs: state.deadline - now }
    }
    // An inter-byte timer, started by the first byte.
    if (have === 0) return { block: this.waitq }
    const deadline = this.lastInputMs + vtime
    if (now >= deadline) return take()
    return { block: this.waitq, timeoutMs: deadline - now }
  }

  /**
   * As n_tty's input_available_p(tty, poll): in non-canonical mode with
   * VMIN > 0 and VTIME = 0, POLLIN needs VMIN bytes (what a read would wait for).
   */
  poll(): number {
    const t = this.termios
    const amt = !this.canon && t.cc[VTIME] === 0 && t.cc[VMIN] > 0 ? t.cc[VMIN] : 1
    const readable = this.canon ? this.lines.length > 0 : this.raw.length - this.rawHead >= amt
    return (readable ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM
  }

  // ---------------------------------------------------------- window, etc.

  /** The console was resized: update the size and send SIGWINCH to the foreground group. */
  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return
    this.cols = cols
    this.rows = rows
    if (this.pgrp > 0) this.opts.signalPgrp(this.pgrp, SIGWINCH)
  }

  /** The session leader `sid` exits: its terminal hangs up its foreground group and is free again. */
  hangupSession(sid: number): void {
    if (this.sid !== sid || sid === 0) return
    if (this.pgrp > 0) {
      this.opts.signalPgrp(this.pgrp, SIGHUP)
      this.opts.signalPgrp(this.pgrp, SIGCONT)
    }
    this.sid = 0
    this.pgrp = 0
  }

  private setTermios(t: Termios): void {
    const wasCanon = this.canon
    this.termios = t
    const canon = this.canon
    if (wasCanon && !canon) {
      // Lines and the partial line become plain input bytes.
      const pending: number[] = []
      for (const ln of this.lines) for (let k = ln.off; k < ln.data.length; k++) pending.push(ln.data[k])
      pending.push(...this.edit)
      this.raw = [...this.raw.slice(this.rawHead), ...pending].slice(0, TTY_BUF)
      this.rawHead = 0
      this.lines = []
      this.edit = []
      this.lastInputMs = this.now()
    } else if (!wasCanon && canon) {
      // Raw bytes become the start of the line being edited.
      this.edit = this.raw.slice(this.rawHead, this.rawHead + TTY_BUF - 1)
      this.editColumn = this.column
      this.raw = []
      this.rawHead = 0
    }
    this.waitq.wakeAll()
  }

  ioctl(cmd: number, arg: number, mem: UserMemory, ctx?: IoctlContext): number {
    const put = (b: Uint8Array): number => (mem.write(arg, b) ? 0 : -Errno.EFAULT)
    const u32 = (v: number): Uint8Array => {
      const b = new Uint8Array(4)
      new DataView(b.buffer).setInt32(0, v | 0, true)
      return b
    }
    const getInt = (): number | null => {
      const b = mem.read(arg, 4)
      return b && b.length === 4 ? new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true) : null
    }
    const owned = (): boolean => !ctx || this.sid === ctx.sid
    // Changes of a terminal by a background process raise SIGTTOU first (tty_check_change).
    if (cmd === TCSETS || cmd === TCSETSW || cmd === TCSETSF || cmd === TCSETS2 || cmd === TCSETSW2 || cmd === TCSETSF2 ||
      cmd === TIOCSPGRP || cmd === TCFLSH || cmd === TCXONC) {
      const j = this.jobControl(SIGTTOU)
      if (j < 0) return j
      if (j > 0) return -Errno.ERESTARTSYS
    }
    switch (cmd) {
      case TCGETS:
        return put(encodeTermios(this.termios))
      case TCGETS2:
        return put(encodeTermios(this.termios, TERMIOS2_SIZE))
      case TCSETS:
      case TCSETSW:
      case TCSETSF:
      case TCSETS2:
      case TCSETSW2:
      case TCSETSF2: {
        const size = cmd === TCSETS || cmd === TCSETSW || cmd === TCSETSF ? TERMIOS_SIZE : TERMIOS2_SIZE
        const b = mem.read(arg, size)
        if (!b || b.length !== size) return -Errno.EFAULT
        if (cmd === TCSETSF || cmd === TCSETSF2) this.flushInput()
        this.setTermios(decodeTermios(b, this.termios))
        return 0
      }
      case TIOCGWINSZ: {
        const b = new Uint8Array(8)
        const dv = new DataView(b.buffer)
        dv.setUint16(0, this.rows, true)
        dv.setUint16(2, this.cols, true)
        dv.setUint16(4, this.xpixel, true)
        dv.setUint16(6, this.ypixel, true)
        return put(b)
      }
      case TIOCSWINSZ: {
        const b = mem.read(arg, 8)
        if (!b || b.length !== 8) return -Errno.EFAULT
        const dv = new DataView(b.buffer, b.byteOffset, 8)
        this.xpixel = dv.getUint16(4, true)
        this.ypixel = dv.getUint16(6, true)
        this.resize(dv.getUint16(2, true), dv.getUint16(0, true))
        return 0
      }
      case TIOCGPGRP:
        if (!owned()) return -Errno.ENOTTY
        return put(u32(this.pgrp))
      case TIOCSPGRP: {
        if (!owned()) return -Errno.ENOTTY
        const pg = getInt()
        if (pg === null) return -Errno.EFAULT
        if (pg < 0) return -Errno.EINVAL
        if (ctx?.pgrpInSession && !ctx.pgrpInSession(pg, ctx.sid)) return -Errno.EPERM
        this.pgrp = pg
        // Background readers waiting on SIGTTIN may be in the foreground now.
        this.waitq.wakeAll()
        return 0
      }
      case TIOCGSID:
        if (!owned() || this.sid === 0) return -Errno.ENOTTY
        return put(u32(this.sid))
      case TIOCSCTTY: {
        if (!ctx) return 0
        if (this.sid === ctx.sid) return 0
        if (ctx.pid !== ctx.sid) return -Errno.EPERM // only a session leader acquires a terminal
        if (this.sid !== 0 && !(arg === 1 && ctx.uid === 0)) return -Errno.EPERM
        this.sid = ctx.sid
        this.pgrp = ctx.pgrp
        return 0
      }
      case TIOCNOTTY:
        if (!owned()) return -Errno.ENOTTY
        if (ctx && ctx.pid === ctx.sid) this.hangupSession(ctx.sid)
        return 0
      case FIONREAD:
        return put(u32(this.available()))
      case TIOCOUTQ:
        return put(u32(0))
      case TCFLSH:
        if (arg < 0 || arg > 2) return -Errno.EINVAL
        if (arg === TCIFLUSH || arg === TCIOFLUSH) this.flushInput()
        return 0
      case TCSBRK:
      case TCSBRKP:
      case TCXONC:
      case TIOCEXCL:
      case TIOCNXCL:
        return 0
      case TIOCGETD:
        return put(u32(0))
      case TIOCSETD:
        return getInt() === 0 ? 0 : -Errno.EINVAL
      case TIOCVHANGUP:
        return ctx && ctx.uid !== 0 ? -Errno.EPERM : 0
      default:
        return -Errno.ENOTTY
    }
  }

  /** An open file description of this tty on `inode`. */
  open(inode: Inode, flags: number): OpenFile {
    return new TtyFile(this, inode, flags)
  }
}

/** An open tty. */
export class TtyFile extends FileBase {
  private readonly state = { deadline: null as number | null }
  override readonly waitq: WaitQueue
  constructor(readonly tty: Tty, inode: Inode, flags: number) {
    super(inode, flags)
    this.waitq = tty.waitq
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    return this.tty.read(buf, (this.flags & O_NONBLOCK) !== 0, this.state)
  }
  override write(data: Uint8Array): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    return this.tty.write(data)
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory, ctx?: IoctlContext): number {
    return this.tty.ioctl(cmd, arg, mem, ctx)
  }
  override poll(): number {
    return this.tty.poll()
  }
}
