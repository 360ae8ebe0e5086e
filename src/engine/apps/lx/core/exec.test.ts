import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { runLx, withFiles } from '../../../testing/run-lx'
import { elf } from '../../../testing/elf-image'
import { EM_X86_64 } from '../../../formats/elf'
import { describeExecFailure } from './exec-failure'

const rootfs = readFileSync(new URL('../../../../../resources/guests/aarch64/rootfs.cpio.gz', import.meta.url))

const fs = withFiles(rootfs, {
  'bin/dynamic': [elf({ interp: '/lib/ld-linux-aarch64.so.1' }), 0o755],
  'bin/x86': [elf({ machine: EM_X86_64 }), 0o755],
  'bin/arm32': [elf({ cls: 1 }), 0o755],
  'bin/truncated': [elf().subarray(0, 100), 0o755],
  'bin/text': ['echo not a program\n', 0o755],
  'bin/data': [elf(), 0o644],
  'bin/badinterp': ['#!/bin/x86\n', 0o755],
  'bin/bss4g': [elf({ memsz: 4 * 2 ** 30 + 100 * 2 ** 20 }), 0o755],
  'bin/bss8g': [elf({ memsz: 8 * 2 ** 30 }), 0o755],
})

/** What init's failure to start tells the host: the reason, and a shell's exit status. */
function start(path: string) {
  const r = runLx(fs, [path])
  const o = r.board.outcome
  return { reason: o?.failure ? describeExecFailure(o.failure) : null, status: o ? o.status >> 8 : null, log: r.log }
}

describe('a program lx cannot start says why (issue 11, item 11)', () => {
  it.each([
    ['/bin/dynamic', 'ENOEXEC: dynamically linked programs are not supported (static executables only)', 126],
    ['/bin/x86', 'ENOEXEC: not an aarch64 program (x86-64)', 126],
    ['/bin/arm32', 'ENOEXEC: a 32-bit ELF file (64-bit programs only)', 126],
    ['/bin/truncated', 'ENOEXEC: truncated ELF file (100 bytes; its program headers end at byte 120)', 126],
    ['/bin/text', 'ENOEXEC: not an ELF file', 126],
    ['/etc', 'EACCES: a directory, not a program', 126],
    ['/bin/data', 'EACCES: no permission to execute it (mode 0644)', 126],
    ['/bin/badinterp', 'ENOEXEC: interpreter /bin/x86: not an aarch64 program (x86-64)', 126],
    ['/no/such/file', 'ENOENT: no such file or directory', 127],
    ['/bin/bss4g', 'ENOMEM: its writable segments need 4196 MiB, more than the VM\'s memory can commit', 126],
    ['/bin/bss8g', 'ENOMEM: its writable segments need 8192 MiB, more than the VM\'s memory can commit', 126],
  ])('%s: %s, status %d', (path, reason, status) => {
    const r = start(path)
    expect(r.reason).toBe(reason)
    expect(r.status).toBe(status)
    // The host reports it (once); lx does not say it again on its log.
    expect(r.log).not.toContain('cannot start')
  })
})

describe('execve inside lx', () => {
  it('returns Linux’s errno to the program and logs lx’s reason in the kernel log (dmesg)', () => {
    const r = runLx(fs, ['/bin/sh', '-c', '/bin/dynamic; echo "status $?"'])
    expect(r.stdout).toBe('status 126\n')
    expect(r.stderr).toMatch(/Exec format error/)
    expect(r.board.outcome!.lx.kmsgLog.text()).toContain('lx: exec /bin/dynamic: ENOEXEC: dynamically linked programs are not supported (static executables only)')
  })
})
