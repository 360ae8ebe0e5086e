/**
 * What /dev, /proc and /sys are under `l4lab exec` (issue 11, item 14):
 * lx's own, over the host's directories, so that a program sees lx's
 * machine and never the host's live devices, processes or sysfs. glibc
 * counts CPUs through /sys/devices/system/cpu: with the host's sysfs a
 * program found the host's CPUs while lx schedules it on one.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { BUSYBOX, CLI, program, run } from './harness'
import { requireBuilt } from '../support/built'

beforeAll(() => {
  requireBuilt()
  program('nprocs')
}, 120_000)

describe('l4lab exec: /dev, /proc and /sys are lx\'s', () => {
  it('every way of counting CPUs agrees with lx\'s one CPU (sysconf, get_nprocs, affinity, /proc/cpuinfo)', () => {
    const lab = run(process.execPath, [CLI, 'exec', program('nprocs')])
    expect(lab).toMatchObject({ status: 0, stderr: '' })
    expect(lab.stdout).toBe('sysconf online 1 configured 1 get_nprocs 1 get_nprocs_conf 1 affinity 1 cpuinfo 1\n')
  })

  it('/proc/mounts lists them as lx\'s file systems, and /sys is read-only', () => {
    const lab = run(process.execPath, [CLI, 'exec', '--rw', BUSYBOX, 'sh', '-c', `cat /proc/mounts; cat /sys/devices/system/cpu/online; echo 1 > /sys/devices/system/cpu/online; echo "write: $?"`])
    const mounts = lab.stdout.split('\n').filter((l) => / \/(dev|proc|sys) /.test(l))
    expect(mounts).toEqual(['devtmpfs /dev devtmpfs rw 0 0', 'proc /proc proc rw 0 0', 'sysfs /sys sysfs ro 0 0'])
    expect(lab.stdout).toContain('\n0\nwrite: 1\n')
    expect(lab.stderr).toBe("sh: can't create /sys/devices/system/cpu/online: Read-only file system\n")
  })
})

describe('l4lab exec: the private /tmp hides neither the program nor where it runs', () => {
  it('a program in /tmp itself, run from /tmp: it starts and sees its neighbours (the host\'s /tmp is shown)', () => {
    // Busybox runs as itself under a name that starts with "busybox".
    const prog = join('/tmp', `busybox-l4lab-${process.pid}`)
    const note = join('/tmp', `l4lab-note-${process.pid}`)
    copyFileSync(BUSYBOX, prog)
    writeFileSync(note, 'next to the program\n')
    try {
      expect(run(process.execPath, [CLI, 'exec', prog, 'echo', 'started'], { cwd: '/' })).toMatchObject({ status: 0, stdout: 'started\n', stderr: '' })
      expect(run(process.execPath, [CLI, 'exec', `./${basename(prog)}`, 'cat', basename(note)], { cwd: '/tmp' })).toMatchObject({ status: 0, stdout: 'next to the program\n', stderr: '' })
    } finally {
      rmSync(prog, { force: true })
      rmSync(note, { force: true })
    }
  })

  it('run from a directory in /tmp, the program sees that directory; the rest of the host\'s /tmp stays hidden', () => {
    const dir = mkdtempSync('/tmp/l4lab-cwd-')
    const other = mkdtempSync('/tmp/l4lab-other-')
    writeFileSync(join(dir, 'here'), 'in the working directory\n')
    try {
      const r = run(process.execPath, [CLI, 'exec', BUSYBOX, 'sh', '-c', `cat here; ls ${other}; ls /tmp`], { cwd: dir })
      const [here, ...listed] = r.stdout.trim().split('\n')
      expect(here).toBe('in the working directory')
      // The program's own directory is shown too when the checkout is in /tmp.
      expect(listed).toContain(basename(dir))
      expect(listed).not.toContain(basename(other))
      expect(r.stderr).toBe(`ls: ${other}: No such file or directory\n`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      rmSync(other, { recursive: true, force: true })
    }
  })
})
