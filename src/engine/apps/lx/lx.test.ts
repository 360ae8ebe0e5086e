import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { runLx, withFiles as withRootfsFiles } from '../../testing/run-lx'

const rootfs = readFileSync(new URL('../../../../resources/guests/aarch64/rootfs.cpio.gz', import.meta.url))

const withFiles = (files: Record<string, [string, number]>) => withRootfsFiles(rootfs, files)

describe('lx runs static aarch64 Linux programs', () => {
  it('echo prints its arguments and exits 0', () => {
    const r = runLx(rootfs, ['/bin/echo', 'hello', 'from', 'lx'])
    expect(r.log).not.toMatch(/lx: |error/)
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('hello from lx\n')
    expect(r.status).toBe(0)
  })

  it('/dev/stdin, /dev/stdout and /dev/stderr open the process’s fds 0, 1 and 2 again', () => {
    const r = runLx(rootfs, ['/bin/sh', '-c', 'echo out > /dev/stdout; echo err > /dev/stderr; cat /dev/stdin; echo fd > /proc/self/fd/1'], { stdin: 'in\n' })
    expect(r.stdout).toBe('out\nin\nfd\n')
    expect(r.stderr).toBe('err\n')
  })

  it('numbers devices and inodes per VM: two runs in one engine see the same st_dev and st_ino', () => {
    const run = () => {
      // fd 0 and 2 are host streams, fd 1 a pipe; /proc shows their inode numbers.
      const r = runLx(rootfs, ['/bin/sh', '-c', 'ls -l /proc/self/fd | cat'], { stdin: '' })
      const vfs = r.board.outcome!.lx.files.vfs
      const devs = ['/', '/tmp', '/dev', '/proc'].map((p) => vfs.stat(vfs.root, p, { uid: 0, gid: 0 }))
      return { fds: r.stdout, devs: devs.map((st) => (typeof st === 'number' ? st : st.dev)), pipes: vfs.pipefs.dev }
    }
    const first = run()
    expect(first.fds).toMatch(/0 -> anon_inode:\[2\][^]*1 -> anon_inode:\[2\][^]*2 -> anon_inode:\[4\]/)
    expect(run()).toEqual(first)
  })

  it('runs #! scripts: as init, from our sh by path and through PATH, nested', () => {
    const fs = withFiles({
      'bin/hello': ['#!/bin/echo from-shebang\necho not this\n', 0o755],
      'bin/shscript': ['#!/bin/sh\necho "sh: $0 $1"\n', 0o755],
      'bin/nested': ['#!/bin/hello\n', 0o755],
    })
    const init = runLx(fs, ['/bin/hello', 'a', 'b'])
    expect(init.stdout).toBe('from-shebang /bin/hello a b\n')
    expect(init.status).toBe(0)
    const sh = runLx(fs, ['/bin/sh', '-c', '/bin/hello a; shscript x; nested y'])
    expect(sh.stderr).toBe('')
    expect(sh.stdout).toBe('from-shebang /bin/hello a\nsh: /bin/shscript x\nfrom-shebang /bin/hello /bin/nested y\n')
  })
})
