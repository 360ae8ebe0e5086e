// The demo programs (guests/demos) under qemu-aarch64, bounded by their
// arguments so they end: spin for a time, memhog and forkbomb up to a limit.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it, beforeAll } from 'vitest'
import { BIN, QEMU, ensureBuilt, run, toolsPresent } from './helpers'

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0

describe.skipIf(!toolsPresent)('demo programs under qemu-aarch64', () => {
  beforeAll(() => ensureBuilt())

  it('spin -r reports iterations per second and stops after the time given', () => {
    const r = run('spin', ['-r', '1.2'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^spin: \d+ iterations\/s\nspin: \d+ iterations in 1\.\d s\n$/)
  })

  it('memhog allocates and touches memory up to its limit and reports it', () => {
    const r = run('memhog', ['48'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('memhog: 16 MiB\nmemhog: 32 MiB\nmemhog: 48 MiB\nmemhog: allocated and touched 48 MiB, reached the limit given\n')
    expect(run('memhog', ['-s', '8', '20']).stdout).toBe('memhog: 16 MiB\nmemhog: allocated and touched 16 MiB, reached the limit given\n')
  })

  it.skipIf(!hasPrlimit)('memhog stops when allocation fails and still exits 0', () => {
    // An address-space limit on qemu itself (prlimit from util-linux) makes
    // the guest's mmap fail, as a VM's quota will.
    const r = spawnSync('prlimit', ['--as=600000000', QEMU, join(BIN, 'memhog')], { encoding: 'utf8', timeout: 30_000 })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/memhog: allocated and touched \d+ MiB, then allocation failed\n$/)
  })

  it('forkbomb forks up to its limit, then reaps every child', () => {
    const r = run('forkbomb', ['12'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('forkbomb: 12 children running (limit given)\nforkbomb: reaped 12 children\n')
  })

  it('crash dies of SIGSEGV', () => {
    const r = run('crash')
    expect(r.signal).toBe('SIGSEGV')
    expect(r.stdout).toBe('crash: writing to address 0xdead0000\n')
  })

  it('pipebench moves the data through a pipe and reports MiB/s', () => {
    const r = run('pipebench', ['8'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^pipebench: 8 MiB in \d+\.\d{3} s: \d+\.\d MiB\/s\n$/)
  })

  it('pipebench and sysbench without arguments run for about a second', () => {
    expect(run('pipebench').stdout).toMatch(/^pipebench: \d+ MiB in \d+\.\d{3} s: \d+\.\d MiB\/s\n$/)
    expect(run('sysbench').stdout).toMatch(/^sysbench: \d+ getpid calls \(pid \d+\) in \d+\.\d{3} s: \d+ calls\/s, \d+ ns\/call\n$/)
  })

  it('sysbench reports getpid round trips per second', () => {
    const r = run('sysbench', ['20000'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^sysbench: 20000 getpid calls \(pid \d+\) in \d+\.\d{3} s: \d+ calls\/s, \d+ ns\/call\n$/)
  })
})
