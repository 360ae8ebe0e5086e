/**
 * What /dev, /proc and /sys are under `l4lab exec` (issue 11, item 14):
 * lx's own, over the host's directories, so that a program sees lx's
 * machine and never the host's live devices, processes or sysfs. glibc
 * counts CPUs through /sys/devices/system/cpu: with the host's sysfs a
 * program found the host's CPUs while lx schedules it on one.
 */
import { beforeAll, describe, expect, it } from 'vitest'
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
