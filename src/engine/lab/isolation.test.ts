/**
 * Isolation between VMs (issue 5, item 6; issue 6's demos): vm1 runs into
 * its own memory and kernel-memory quotas, dies of a wild pointer, or is
 * stopped outright — and vm2 keeps answering every time.
 */
import { describe, expect, it } from 'vitest'
import { bootDefault, settle } from '../testing/default-scenario'

describe('VM isolation', () => {
  it('a memory hog in vm1 stops at vm1’s memory quota; vm2 answers', () => {
    const b = bootDefault()
    // The inspector knows each Linux process's task by VM, program and pid.
    const names = b.board.inspect().tasks.map((t) => t.name)
    expect(names).toEqual(expect.arrayContaining(['vm1', 'vm2', 'vm1:sh[1]', 'vm2:sh[1]']))
    let at = b.type('vm1', 'memhog\r')
    b.until('vm1', /memhog: allocated and touched \d+ MiB, then allocation failed/, at)
    b.until('vm1', /vm1:\/# (\x1b\[J)?$/, at)
    at = b.type('vm2', 'echo vm2 $((40+2))\r')
    b.until('vm2', /vm2 42/, at)
  })

  it('a fork bomb in vm1 runs out of vm1’s kernel memory (EAGAIN); vm2 answers', () => {
    const b = bootDefault()
    let at = b.type('vm1', 'forkbomb\r')
    b.until('vm1', /forkbomb: fork failed after \d+ children: Resource temporarily unavailable/, at)
    at = b.type('vm2', 'echo still here\r')
    b.until('vm2', /still here/, at)
    // vm1 recovers once the bomb's children are reaped.
    at = b.type('vm1', 'echo recovered\r')
    b.until('vm1', /recovered/, at)
  })

  it('fork bombs of every size come back: their children are reaped and the shell answers; vm2 answers meanwhile', () => {
    const b = bootDefault()
    // 123 children fitted before; from 124 on their page tables outgrew vm1's kernel memory and the VM livelocked.
    for (const n of ['123', '124', '250', '']) {
      const tag = `bomb-${n || 'all'}`
      const at = b.type('vm1', `forkbomb ${n}; echo ${tag} $?\r`)
      b.until('vm1', new RegExp(`forkbomb: reaped \\d+ children[^]*${tag} 0`), at)
      const text = (b.out.get('vm1') ?? '').slice(at)
      const forked = /forkbomb: (?:(\d+) children running|fork failed after (\d+) children: Resource temporarily unavailable)/.exec(text)
      expect(forked, text).not.toBeNull()
      const count = Number(forked![1] ?? forked![2])
      if (n === '123' || n === '124') expect(count).toBe(Number(n))
      expect(text).toContain(`forkbomb: reaped ${count} children`)
      const at2 = b.type('vm2', `echo vm2 after ${n || 'all'}\r`)
      b.until('vm2', new RegExp(`vm2 after ${n || 'all'}\r?\n`), at2)
    }
  })

  it('pipebench in vm1 ends after a second of its time with a rate its copying allows; vm2 answers meanwhile', () => {
    const b = bootDefault()
    // Without arguments it ran forever: lx's copies took no virtual time, so its one second never came.
    const at = b.type('vm1', 'pipebench; echo bench $?\r')
    const at2 = b.type('vm2', 'echo vm2 during\r')
    b.until('vm2', /vm2 during\r?\n/, at2)
    b.until('vm1', /pipebench: \d+ MiB in 1\.\d{3} s: (\d+)\.\d MiB\/s[^]*bench 0/, at)
    const rate = Number(/: (\d+)\.\d MiB\/s/.exec((b.out.get('vm1') ?? '').slice(at))![1])
    expect(rate).toBeGreaterThan(10)
    expect(rate).toBeLessThan(20_000)
  })

  it('crash in vm1 dies of SIGSEGV, the shell prompt returns, vm2 is untouched', () => {
    const b = bootDefault()
    const vm2Before = b.out.get('vm2')
    const at = b.type('vm1', 'crash\r')
    b.until('vm1', /Segmentation fault/, at)
    b.until('vm1', /vm1:\/# (\x1b\[J)?$/, at)
    expect(b.out.get('vm2')).toBe(vm2Before)
  })

  it('vm1 starts again fresh, as often as wanted, with its quotas given back; vm2 runs on', async () => {
    const b = bootDefault()
    let at = b.type('vm1', 'echo left-over > /tmp/mark; memhog\r')
    b.until('vm1', /memhog: allocated and touched \d+ MiB/, at)
    const used: number[] = []
    const objects: number[] = []
    for (let round = 0; round < 3; round++) {
      at = (b.out.get('vm1') ?? '').length
      expect(await settle(b.board, b.board.control('vm1', 'restart'))).toEqual({ ok: true })
      b.until('vm1', /vm1:\/# /, at)
      expect(b.states.get('vm1')).toBe('running')
      at = b.type('vm1', 'cat /tmp/mark; memhog\r')
      b.until('vm1', /No such file or directory[^]*memhog: allocated and touched (\d+) MiB, then allocation failed/, at)
      b.until('vm1', /vm1:\/# (\x1b\[J)?$/, at)
      const view = b.board.inspect()
      used.push(view.kernelMemory.used)
      objects.push(Object.values(view.objects).reduce((x, y) => x + y, 0))
    }
    // Nothing of the earlier runs stays behind: the second and third runs hold exactly what the first did.
    expect(used[2]).toBe(used[1])
    expect(objects[2]).toBe(objects[1])
    // Each run got its whole memory quota again (moe reclaimed the dead run's dataspace).
    const hogged = [...(b.out.get('vm1') ?? '').matchAll(/allocated and touched (\d+) MiB/g)].map((m) => Number(m[1]))
    expect(new Set(hogged).size).toBe(1)
    at = b.type('vm2', 'echo vm2 $((6*7))\r')
    b.until('vm2', /vm2 42/, at)

    expect(b.board.control('vm1', 'stop')).toEqual({ ok: true })
    for (let i = 0; i < 20; i++) b.board.run(20)
    expect(b.states.get('vm1')).toBe('stopped')
    at = (b.out.get('vm1') ?? '').length
    expect(await settle(b.board, b.board.control('vm1', 'start'))).toEqual({ ok: true })
    b.until('vm1', /vm1:\/# /, at)
    expect(b.board.control('vm1', 'start')).toEqual({ ok: false, error: 'vm1 is running' })
    expect(b.board.control('l4re', 'restart')).toEqual({ ok: false, error: 'the system log is not a VM' })
  })

  it('a VM alone starts again from rom modules nobody holds meanwhile (moe collects only what allocators made)', async () => {
    // With vm1 dead nothing holds rom/rootfs.cpio; the new lx's memory request makes moe collect.
    const b = bootDefault('vm1')
    for (let round = 0; round < 2; round++) {
      const at = (b.out.get('vm1') ?? '').length
      expect(await settle(b.board, b.board.control('vm1', 'restart'))).toEqual({ ok: true })
      b.until('vm1', /vm1:\/# /, at)
      const at2 = b.type('vm1', 'cat /etc/motd | wc -l\r')
      b.until('vm1', /\n\s*[1-9]\d*\s*\r?\n/, at2)
    }
  })

  it('stopping vm1’s lx task leaves vm2 running', () => {
    const b = bootDefault()
    expect(b.board.control('vm1', 'stop')).toEqual({ ok: true })
    for (let i = 0; i < 50; i++) b.board.run(20)
    expect(b.states.get('vm1')).toBe('stopped')
    const at = b.type('vm2', 'echo vm2 fine\r')
    b.until('vm2', /vm2 fine/, at)
  })
})
