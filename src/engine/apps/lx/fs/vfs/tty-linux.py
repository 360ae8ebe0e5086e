# Runs input sequences through a real Linux pty line discipline (used by
# tty-linux.test.ts). Reads JSON [{"input": [bytes...], "lflag_off": int,
# "iflag_off": int}] on stdin; writes JSON [{"echo": [bytes], "reads":
# [[bytes]...]}] on stdout.
import json, os, select, signal, sys, termios, time

IUTF8 = 0o40000  # not exported by every Python build

for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTOU, signal.SIGTTIN):
    signal.signal(s, signal.SIG_IGN)

def drain(fd, quiet=0.25, limit=5.0):
    out = b''
    end = time.time() + limit
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out

results = []
for case in json.load(sys.stdin):
    master, slave = os.openpty()
    t = termios.tcgetattr(slave)
    cc = t[6]
    # Linux's tty_std_termios, as lx's Tty starts.
    t[0] = termios.ICRNL | termios.IXON | IUTF8
    t[1] = (termios.OPOST | termios.ONLCR) & ~case.get('oflag_off', 0) | case.get('oflag_on', 0)
    t[3] = (termios.ISIG | termios.ICANON | termios.ECHO | termios.ECHOE | termios.ECHOK |
            termios.ECHOCTL | termios.ECHOKE | termios.IEXTEN)
    t[0] = (t[0] & ~case.get('iflag_off', 0)) | case.get('iflag_on', 0)
    t[3] = (t[3] & ~case.get('lflag_off', 0)) | case.get('lflag_on', 0)
    defaults = {termios.VINTR: 3, termios.VQUIT: 0x1c, termios.VERASE: 0x7f, termios.VKILL: 0x15,
                termios.VEOF: 4, termios.VTIME: 0, termios.VMIN: 1, termios.VSTART: 0x11,
                termios.VSTOP: 0x13, termios.VSUSP: 0x1a, termios.VEOL: 0, termios.VREPRINT: 0x12,
                termios.VDISCARD: 0x0f, termios.VWERASE: 0x17, termios.VLNEXT: 0x16, termios.VEOL2: 0}
    for k, v in defaults.items():
        cc[k] = bytes([v]) if (t[3] & termios.ICANON) or k not in (termios.VMIN, termios.VTIME) else v
    termios.tcsetattr(slave, termios.TCSANOW, t)
    os.set_blocking(slave, False)
    echo = b''
    for piece in case['pieces']:
        os.write(master, bytes(piece))
        # Wait for the echo of this piece, so that the next one arrives as a
        # separate keystroke (the line discipline has taken this one).
        echo += drain(master, quiet=0.1)
    if case.get('output'):
        os.write(slave, bytes(case['output']))
        echo += drain(master, quiet=0.1)
    reads = []
    for _ in range(64):
        try:
            b = os.read(slave, 4096)
        except BlockingIOError:
            break
        reads.append(list(b))
        if not b:
            # EOF marker (^D on an empty line); further reads may hold more lines.
            continue
    results.append({'echo': list(echo), 'reads': reads})
    os.close(master)
    os.close(slave)
json.dump(results, sys.stdout)
