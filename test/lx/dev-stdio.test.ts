/**
 * /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N under
 * `l4lab exec` against qemu-aarch64: opening them opens again what the fd
 * is (magic links to the open file's inode, as Linux's proc_fd_link): the
 * host's stdin pipe or file, the host's stdout and stderr, and the guest's
 * own pipes and files; also for writing with O_CREAT|O_TRUNC (`>`) and
 * O_APPEND (`>>`), and the links' modes (lr-x for a read-only fd). The
 * standard streams are real pipes here (Node's are sockets, which Linux
 * cannot open again).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUSYBOX, WORK, prepareReference, sameViaPipes as same } from './harness'

beforeAll(prepareReference, 300_000)

describe('/dev/std* and /proc/self/fd/N: l4lab exec = qemu-aarch64', () => {
  it('stdin a pipe: cat /dev/stdin, read, /proc/self/fd/0, /dev/fd/0, and writing into it', () => {
    for (const script of [
      'cat /dev/stdin',
      'read x < /dev/stdin; echo "read $x"; cat /proc/self/fd/0',
      'read x; echo "read $x"; read y < /dev/fd/0; echo "then $y"; echo more > /dev/stdin; cat',
    ]) {
      const { lab, qemu } = same(BUSYBOX, ['sh', '-c', script], { input: 'line one\nline two\nline three\n' })
      expect({ script, ...lab }).toEqual({ script, ...qemu })
      expect(qemu.stdout).toContain('line three\n')
    }
  })

  it('stdin a file', () => {
    mkdirSync(WORK, { recursive: true })
    const file = join(WORK, 'stdin.txt')
    writeFileSync(file, 'from a file\nsecond line\n')
    const { lab, qemu } = same(BUSYBOX, ['sh', '-c', 'cat /dev/stdin; echo end'], { stdinFile: file })
    expect(lab).toEqual(qemu)
    expect(qemu.stdout).toContain('from a file\n')
  })

  it('writing to /dev/stdout, /dev/stderr, /dev/fd/1, /proc/self/fd/N; fds that are the guest’s own pipes and files', () => {
    const script = [
      'echo out > /dev/stdout; echo err > /dev/stderr; echo fd1 > /proc/self/fd/1; echo dev-fd >> /dev/fd/1',
      '{ echo inner > /dev/stdout; } | tr a-z A-Z',
      'exec 3>&1; echo three > /proc/self/fd/3',
      'echo tee | tee /dev/stderr',
      'd=$(mktemp -d); (echo first; echo second > /dev/stdout) > $d/f; cat $d/f; (echo first; echo second >> /dev/stdout) > $d/f; cat $d/f; rm -r $d',
    ].join('\n')
    const { lab, qemu } = same(BUSYBOX, ['sh', '-c', script])
    expect(lab).toEqual(qemu)
    expect(qemu.stdout).toBe('out\nfd1\ndev-fd\nINNER\nthree\ntee\nsecond\nfirst\nsecond\n')
    expect(qemu.stderr).toBe('err\ntee\n')
  })

  it('the modes of /proc/self/fd links follow the fds’ access', () => {
    const script = 'exec 4</dev/null 5<>/dev/null 6>/dev/null; ls -l /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/4 /proc/self/fd/5 /proc/self/fd/6 | cut -c1-10'
    const { lab, qemu } = same(BUSYBOX, ['sh', '-c', script], { input: 'x\n' })
    expect(lab).toEqual(qemu)
    expect(qemu.stdout).toBe('lr-x------\nl-wx------\nlr-x------\nlrwx------\nl-wx------\n')
  })
})
