import { describe, expect, it } from 'vitest'
import { Errno } from './errno'
import {
  Tty, TCGETS, TCSETS, TCSETSF, TCGETS2, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCSCTTY, TIOCGSID, TIOCNOTTY,
  TCFLSH, TCIFLUSH, ICANON, ECHO, ISIG, VMIN, VTIME, SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGHUP, decodeTermios,
  encodeTermios, defaultTermios, ICRNL, OPOST, IGNCR, INLCR, ECHOCTL, ECHONL, NOFLSH, TERMIOS_SIZE,
} from './tty'
import { type Inode, type IoResult, type OpenFile, type UserMemory, FIONREAD, O_NONBLOCK, O_RDWR, POLLIN, POLLOUT } from './types'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** A flat user memory of 4 KiB for ioctl arguments. */
function memory(): UserMemory & { bytes: Uint8Array } {
  const bytes = new Uint8Array(4096)
  return {
    bytes,
    read: (a, n) => (a >= 0 && a + n <= bytes.length ? bytes.slice(a, a + n) : null),
    write: (a, d) => {
      if (a < 0 || a + d.length > bytes.length) return false
      bytes.set(d, a)
      return true
    },
  }
}

function setup(clock?: () => number): { tty: Tty; f: OpenFile; out: () => string; signals: Array<[number, number]>; mem: ReturnType<typeof memory> } {
  let output = ''
  const signals: Array<[number, number]> = []
  const tty = new Tty({ write: (b) => (output += dec.decode(b)), signalPgrp: (p, s) => signals.push([p, s]), clock })
  const f = tty.open({} as Inode, O_RDWR)
  return {
    tty, f, signals, mem: memory(),
    out: () => {
      const o = output
      output = ''
      return o
    },
  }
}

function read(f: OpenFile, n = 100): string | IoResult {
  const b = new Uint8Array(n)
  const r = f.read(b)
  return typeof r === 'number' && r >= 0 ? dec.decode(b.subarray(0, r)) : r
}

const key = (s: string): Uint8Array => enc.encode(s)

describe('tty: canonical mode', () => {
  it('collects a line with echo, CR → NL, and hands it out on NL', () => {
    const { tty, f, out } = setup()
    expect(typeof f.read(new Uint8Array(10))).toBe('object') // blocks
    expect(f.poll()).toBe(POLLOUT | 0x100)
    tty.input(key('echo hi'))
    expect(out()).toBe('echo hi')
    expect(typeof f.read(new Uint8Array(10))).toBe('object')
    tty.input(key('\r'))
    expect(out()).toBe('\r\n')
    expect(f.poll() & POLLIN).toBe(POLLIN)
    expect(read(f, 4)).toBe('echo') // a short buffer takes part of the line
    expect(read(f)).toBe(' hi\n')
    tty.input(key('a\nb\n'))
    expect(read(f)).toBe('a\n') // one line per read
    expect(read(f)).toBe('b\n')
  })

  it('edits: ERASE (DEL and ^H), KILL, WERASE, with visual echo', () => {
    const { tty, f, out } = setup()
    tty.input(key('abc\x7f\x08d\n'))
    expect(read(f)).toBe('ad\n')
    expect(out()).toBe('abc\b \b\b \bd\r\n')
    tty.input(key('hello world\x15bye\n'))
    expect(read(f)).toBe('bye\n')
    tty.input(key('ls /usr/bin\x17lib\n'))
    expect(read(f)).toBe('ls /usr/lib\n')
    out()
    tty.input(key('x\x03'))
    // Erasing an echoed control character takes two columns.
    tty.termios.lflag &= ~ISIG
    tty.input(key('\x01\x7f\n'))
    expect(out()).toBe('x^C^A\b \b\b \b\r\n')
    expect(read(f)).toBe('\n')
    tty.input(key('é\x7f\n')) // a UTF-8 character erases whole
    expect(read(f)).toBe('\n')
    tty.input(key('\t\x7fz\n'))
    expect(read(f)).toBe('z\n')
  })

  it('holds at most 4096 bytes of unread input, lines and EOF marks included', () => {
    const { tty, f } = setup()
    tty.termios.lflag &= ~ECHO
    for (let k = 0; k < 3000; k++) tty.input(key('line\n\x04'))
    let lines = 0
    let bytes = 0
    let eofs = 0
    for (let k = 0; k < 5000; k++) {
      const r = f.read(new Uint8Array(100))
      if (typeof r !== 'number') break
      if (r === 0) eofs++
      else {
        lines++
        bytes += r
      }
    }
    expect(bytes + eofs).toBeLessThanOrEqual(4096)
    expect(lines).toBeGreaterThan(600)
  })

  it('EOF: ^D on an empty line reads 0, mid-line ends the line without a newline', () => {
    const { tty, f } = setup()
    tty.input(key('abc\x04'))
    expect(read(f)).toBe('abc')
    tty.input(key('\x04'))
    expect(read(f)).toBe('')
    expect(typeof f.read(new Uint8Array(10))).toBe('object')
  })

  it('^C, ^\\ and ^Z signal the foreground group, echo ^C and flush the line', () => {
    const { tty, f, out, signals } = setup()
    tty.pgrp = 42
    tty.input(key('partial\x03'))
    expect(signals).toEqual([[42, SIGINT]])
    expect(out()).toBe('partial^C')
    tty.input(key('\x1c\x1a'))
    expect(signals.slice(1)).toEqual([[42, SIGQUIT], [42, SIGTSTP]])
    tty.input(key('next\n'))
    expect(read(f)).toBe('next\n')
    // NOFLSH keeps the line; without ISIG ^C is data.
    tty.termios.lflag |= NOFLSH
    tty.input(key('keep\x03\n'))
    expect(read(f)).toBe('keep\n')
    tty.termios.lflag &= ~ISIG
    tty.input(key('\x03\n'))
    expect(read(f)).toBe('\x03\n')
  })

  it('input flags ICRNL / INLCR / IGNCR and echo flags ECHONL / ECHOCTL', () => {
    const { tty, f, out } = setup()
    tty.termios.iflag = IGNCR
    tty.input(key('a\rb\n'))
    expect(read(f)).toBe('ab\n')
    tty.termios.iflag = INLCR | ICRNL
    tty.input(key('c\r'))
    expect(read(f)).toBe('c\n')
    tty.termios.iflag = ICRNL
    tty.termios.lflag = (tty.termios.lflag & ~ECHO) | ECHONL
    out()
    tty.input(key('secret\n'))
    expect(out()).toBe('\r\n')
    tty.termios.lflag |= ECHO
    tty.termios.lflag &= ~ECHOCTL
    tty.termios.lflag &= ~ISIG
    tty.input(key('\x01\n'))
    expect(out()).toBe('\x01\r\n')
    read(f)
  })

  it('output: ONLCR under OPOST, raw without', () => {
    const { tty, f, out } = setup()
    f.write(key('a\nb\n'))
    expect(out()).toBe('a\r\nb\r\n')
    tty.termios.oflag &= ~OPOST
    f.write(key('a\nb\n'))
    expect(out()).toBe('a\nb\n')
  })

  it('output: the column after a large write counts from its last line end (a tab typed there erases back to it)', () => {
    const { tty, f, out } = setup()
    f.write(key('x'.repeat(5000) + '\nab\rxyz'))
    expect(out()).toBe('x'.repeat(5000) + '\r\nab\rxyz')
    tty.input(key('\t\x7f\n'))
    expect(read(f)).toBe('\n')
    // The tab went from column 3 to 8; erasing it backs up five columns.
    expect(out()).toBe('\t\b\b\b\b\b\r\n')
  })
})

describe('tty: non-canonical mode', () => {
  it('VMIN=1 VTIME=0 returns bytes as they come; no echo without ECHO', () => {
    const { tty, f, out, mem } = setup()
    const t = defaultTermios()
    t.lflag &= ~(ICANON | ECHO)
    mem.write(0, encodeTermios(t))
    expect(f.ioctl(TCSETS, 0, mem)).toBe(0)
    expect(typeof f.read(new Uint8Array(4))).toBe('object')
    tty.input(key('\x1b[A'))
    expect(out()).toBe('')
    expect(read(f, 2)).toBe('\x1b[')
    expect(read(f, 2)).toBe('A')
    tty.input(key('\x7f'))
    expect(read(f)).toBe('\x7f') // no editing in raw mode
    expect(f.ioctl(FIONREAD, 0, mem)).toBe(0)
    expect(mem.bytes[0]).toBe(0)
  })

  it('VMIN waits for that many bytes; VMIN=0 VTIME=0 polls', () => {
    const { tty, f } = setup()
    tty.termios.lflag &= ~ICANON
    tty.termios.cc[VMIN] = 3
    tty.input(key('ab'))
    expect(typeof f.read(new Uint8Array(10))).toBe('object')
    expect(read(f, 2)).toBe('ab') // a buffer smaller than VMIN is satisfied by fewer
    tty.input(key('cde'))
    expect(read(f)).toBe('cde')
    tty.termios.cc[VMIN] = 0
    expect(read(f)).toBe('')
    // poll as n_tty: with VMIN > 0 and no VTIME, readable only once VMIN bytes are there.
    tty.termios.cc[VMIN] = 2
    tty.input(key('f'))
    expect(f.poll() & POLLIN).toBe(0)
    tty.termios.cc[VTIME] = 1
    expect(f.poll() & POLLIN).toBe(POLLIN)
    tty.termios.cc[VTIME] = 0
    tty.input(key('g'))
    expect(f.poll() & POLLIN).toBe(POLLIN)
    expect(read(f)).toBe('fg')
    tty.termios.cc[VMIN] = 0
    f.flags |= O_NONBLOCK
    tty.termios.cc[VMIN] = 1
    expect(f.read(new Uint8Array(1))).toBe(-Errno.EAGAIN)
  })

  it('VTIME: a read timer with VMIN=0, an inter-byte timer with VMIN>0', () => {
    let now = 1000
    const { tty, f } = setup(() => now)
    tty.termios.lflag &= ~ICANON
    tty.termios.cc[VMIN] = 0
    tty.termios.cc[VTIME] = 5 // 500 ms
    expect(f.read(new Uint8Array(4))).toMatchObject({ timeoutMs: 500 })
    now += 200
    expect(f.read(new Uint8Array(4))).toMatchObject({ timeoutMs: 300 })
    now += 300
    expect(read(f)).toBe('')
    tty.termios.cc[VMIN] = 4
    expect(f.read(new Uint8Array(4))).toEqual({ block: tty.waitq }) // no timer before the first byte
    tty.input(key('xy'))
    now += 100
    expect(f.read(new Uint8Array(4))).toMatchObject({ timeoutMs: 400 })
    now += 400
    expect(read(f)).toBe('xy')
  })

  it('switching modes carries pending input over', () => {
    const { tty, f, mem } = setup()
    tty.input(key('half'))
    const t = defaultTermios()
    t.lflag &= ~ICANON
    mem.write(0, encodeTermios(t))
    f.ioctl(TCSETS, 0, mem)
    expect(read(f)).toBe('half')
    tty.input(key('raw'))
    mem.write(0, encodeTermios(defaultTermios()))
    f.ioctl(TCSETS, 0, mem)
    tty.input(key('\x7f\n'))
    expect(read(f)).toBe('ra\n')
    tty.input(key('junk'))
    mem.write(0, encodeTermios(defaultTermios()))
    expect(f.ioctl(TCSETSF, 0, mem)).toBe(0) // flushes
    tty.input(key('ok\n'))
    expect(read(f)).toBe('ok\n')
    tty.input(key('more\n'))
    expect(f.ioctl(TCFLSH, TCIFLUSH, mem)).toBe(0)
    expect(typeof f.read(new Uint8Array(4))).toBe('object')
  })
})

describe('tty: ioctls', () => {
  it('TCGETS has the aarch64 struct termios layout and round-trips', () => {
    const { f, mem } = setup()
    expect(f.ioctl(TCGETS, 100, mem)).toBe(0)
    const b = mem.bytes.slice(100, 100 + TERMIOS_SIZE)
    const dv = new DataView(b.buffer)
    // Linux's defaults: c_iflag ICRNL|IXON|IUTF8, c_oflag OPOST|ONLCR, c_cflag B38400|CS8|CREAD|HUPCL, c_lflag 0x8a3b
    expect([dv.getUint32(0, true), dv.getUint32(4, true), dv.getUint32(8, true), dv.getUint32(12, true)])
      .toEqual([0o40000 | 0o2000 | 0o400, 5, 0o2277, 0x8a3b])
    expect(b[16]).toBe(0)
    expect([...b.subarray(17, 17 + 17)]).toEqual([3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0])
    const t = decodeTermios(b, defaultTermios())
    t.lflag = ISIG
    t.cc[VMIN] = 7
    mem.write(200, encodeTermios(t))
    expect(f.ioctl(TCSETS, 200, mem)).toBe(0)
    expect(f.ioctl(TCGETS, 300, mem)).toBe(0)
    expect(mem.bytes.slice(300, 336)).toEqual(mem.bytes.slice(200, 236))
    expect(f.ioctl(TCGETS2, 400, mem)).toBe(0)
    expect(new DataView(mem.bytes.buffer).getUint32(400 + 36, true)).toBe(38400)
    expect(f.ioctl(TCGETS, 4090, mem)).toBe(-Errno.EFAULT)
    expect(f.ioctl(0x1234, 0, mem)).toBe(-Errno.ENOTTY)
  })

  it('window size: TIOCGWINSZ / TIOCSWINSZ / resize send SIGWINCH', () => {
    const { tty, f, mem, signals } = setup()
    tty.pgrp = 9
    expect(f.ioctl(TIOCGWINSZ, 0, mem)).toBe(0)
    const dv = new DataView(mem.bytes.buffer)
    expect([dv.getUint16(0, true), dv.getUint16(2, true)]).toEqual([24, 80])
    tty.resize(132, 50)
    expect(signals).toEqual([[9, SIGWINCH]])
    tty.resize(132, 50)
    expect(signals.length).toBe(1)
    f.ioctl(TIOCGWINSZ, 0, mem)
    expect([dv.getUint16(0, true), dv.getUint16(2, true)]).toEqual([50, 132])
    dv.setUint16(16, 30, true)
    dv.setUint16(18, 100, true)
    expect(f.ioctl(TIOCSWINSZ, 16, mem)).toBe(0)
    expect([tty.rows, tty.cols]).toEqual([30, 100])
    expect(signals.length).toBe(2)
  })

  it('job control: TIOCSCTTY, TIOCSPGRP, TIOCGPGRP, TIOCGSID, TIOCNOTTY', () => {
    const { tty, f, mem, signals } = setup()
    const leader = { pid: 1, pgrp: 1, sid: 1, uid: 0, pgrpInSession: (pg: number, sid: number) => sid === 1 && (pg === 1 || pg === 5) }
    const other = { pid: 7, pgrp: 7, sid: 7, uid: 1000 }
    expect(f.ioctl(TIOCGPGRP, 0, mem, leader)).toBe(-Errno.ENOTTY) // not its terminal yet
    expect(f.ioctl(TIOCSCTTY, 0, mem, { ...leader, pid: 2 })).toBe(-Errno.EPERM) // not a session leader
    expect(f.ioctl(TIOCSCTTY, 0, mem, leader)).toBe(0)
    expect([tty.sid, tty.pgrp]).toEqual([1, 1])
    expect(f.ioctl(TIOCSCTTY, 0, mem, other)).toBe(-Errno.EPERM) // another session's terminal
    const dv = new DataView(mem.bytes.buffer)
    dv.setInt32(0, 5, true)
    expect(f.ioctl(TIOCSPGRP, 0, mem, leader)).toBe(0)
    dv.setInt32(0, 6, true)
    expect(f.ioctl(TIOCSPGRP, 0, mem, leader)).toBe(-Errno.EPERM)
    expect(f.ioctl(TIOCSPGRP, 0, mem, other)).toBe(-Errno.ENOTTY)
    expect(f.ioctl(TIOCGPGRP, 8, mem, leader)).toBe(0)
    expect(dv.getInt32(8, true)).toBe(5)
    expect(f.ioctl(TIOCGSID, 8, mem, leader)).toBe(0)
    expect(dv.getInt32(8, true)).toBe(1)
    expect(f.ioctl(TIOCNOTTY, 0, mem, leader)).toBe(0)
    expect(signals).toEqual([[5, SIGHUP], [5, 18]])
    expect([tty.sid, tty.pgrp]).toEqual([0, 0])
    // Root may steal a terminal with arg 1.
    f.ioctl(TIOCSCTTY, 0, mem, other)
    expect(f.ioctl(TIOCSCTTY, 1, mem, { pid: 3, pgrp: 3, sid: 3, uid: 0 })).toBe(0)
    expect(tty.sid).toBe(3)
  })
})

describe('tty: background job control', () => {
  it('SIGTTIN for background reads, SIGTTOU for writes under TOSTOP and for termios changes', async () => {
    const { SIGTTIN, SIGTTOU, TOSTOP } = await import('./tty')
    const signals: Array<[number, number]> = []
    let caller = { pgrp: 7, sid: 1, ignored: (_s: number) => false, orphaned: false }
    const tty = new Tty({ write: () => {}, signalPgrp: (p, s) => signals.push([p, s]), caller: () => caller })
    tty.sid = 1
    tty.pgrp = 5
    const f = tty.open({} as Inode, O_RDWR)
    const mem = memory()
    tty.input(key('line\n'))
    expect(f.read(new Uint8Array(10))).toEqual({ block: tty.waitq })
    expect(signals).toEqual([[7, SIGTTIN]])
    expect(f.write(key('out'))).toBe(3) // no TOSTOP: background output is allowed
    mem.write(0, encodeTermios(tty.termios))
    expect(f.ioctl(TCSETS, 0, mem, { pid: 7, pgrp: 7, sid: 1, uid: 0 })).toBe(-Errno.ERESTARTSYS)
    expect(signals[1]).toEqual([7, SIGTTOU])
    tty.termios.lflag |= TOSTOP
    expect(f.write(key('out'))).toEqual({ block: tty.waitq })
    caller = { ...caller, ignored: (s) => s === SIGTTIN || s === SIGTTOU }
    expect(f.read(new Uint8Array(10))).toBe(-Errno.EIO)
    expect(f.write(key('out'))).toBe(3)
    caller = { ...caller, ignored: () => false, orphaned: true }
    expect(f.read(new Uint8Array(10))).toBe(-Errno.EIO)
    // In the foreground (or outside the session) everything goes through.
    caller = { pgrp: 5, sid: 1, ignored: () => false, orphaned: false }
    expect(read(f)).toBe('line\n')
    caller = { pgrp: 9, sid: 9, ignored: () => false, orphaned: false }
    expect(f.write(key('x'))).toBe(1)
    expect(signals.length).toBe(3)
  })
})
