#!/usr/bin/env python3
"""Drives a program inside a real pseudo-terminal for the sh line-editing tests.

Usage: pty_session.py STEPS_JSON -- COMMAND [ARGS...]
STEPS_JSON is a list of {"delay": s, "send": str, "expect": regex, "timeout": s};
"send" may hold escape sequences (cursor keys). Each step writes its bytes,
then reads the terminal until "expect" matches the output gathered since the
step began, with CSI control sequences removed. Prints {"ok": bool, "failed": index|null, "transcript": str} as
JSON and exits 0; the caller judges.
"""
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import fcntl
import time


# Control sequences (cursor moves, erase) are dropped before matching, so
# patterns describe the text as it appears.
CSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z~]')


def main():
    steps = json.loads(sys.argv[1])
    cmd = sys.argv[sys.argv.index('--') + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    transcript = b''
    failed = None
    for i, step in enumerate(steps):
        if step.get('delay'):
            time.sleep(step['delay'])
        if step.get('send'):
            os.write(fd, step['send'].encode())
        pattern = re.compile(step.get('expect', ''), re.S)
        deadline = time.time() + step.get('timeout', 10)
        seen = b''
        while not pattern.search(CSI.sub('', seen.decode('utf-8', 'replace'))):
            left = deadline - time.time()
            if left <= 0:
                failed = i
                break
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b''
            if not data:
                failed = i
                break
            seen += data
            transcript += data
        if failed is not None:
            break
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    print(json.dumps({'ok': failed is None, 'failed': failed,
                      'transcript': transcript.decode('utf-8', 'replace')}))


main()
