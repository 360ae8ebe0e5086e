/**
 * A file dropped on an lx VM's console lands in its /tmp, whole, in the
 * pieces the lab sends; what cannot be written says why.
 */
import { describe, expect, it } from 'vitest'
import { bootDefault } from '../testing/default-scenario'

const enc = new TextEncoder()

describe('dropping a file into a VM', () => {
  it('writes the pieces at their offsets; the guest reads the file back', () => {
    const { board, out, until, type } = bootDefault('vm1')
    expect(board.putFile('vm1', 'notes.txt', 0, enc.encode('first line\n'))).toEqual({ ok: true, path: '/tmp/notes.txt' })
    expect(board.putFile('vm1', 'notes.txt', 11, enc.encode('second line\n'))).toEqual({ ok: true, path: '/tmp/notes.txt' })
    const at = type('vm1', 'cat /tmp/notes.txt; wc -c < /tmp/notes.txt; ls -l /tmp\n')
    until('vm1', /23\r\n[^]*vm1:\/# /, at)
    const shown = (out.get('vm1') ?? '').slice(at)
    expect(shown).toContain('first line\r\nsecond line\r\n23\r\n')
    expect(shown).toMatch(/-rw-r--r-- .* 23 .*notes\.txt/)
    // Dropped again: offset 0 starts the file afresh.
    board.putFile('vm1', 'notes.txt', 0, enc.encode('new\n'))
    const again = type('vm1', 'cat /tmp/notes.txt\n')
    until('vm1', /\r\nnew\r\n\r?vm1:\/# /, again)
  })

  it('refuses names that are not one file in /tmp, VMs that are not lx, and more than the VM’s tmpfs holds', () => {
    const { board } = bootDefault('vm1')
    expect(board.putFile('vm1', '../etc/passwd', 0, enc.encode('x'))).toEqual({ ok: false, error: 'cannot name a file "../etc/passwd" in /tmp' })
    expect(board.putFile('vm1', '..', 0, enc.encode('x')).ok).toBe(false)
    expect(board.putFile('vm1', '', 0, enc.encode('x')).ok).toBe(false)
    expect(board.putFile('nosuch', 'a', 0, enc.encode('x'))).toEqual({ ok: false, error: 'nosuch is not running' })
    // A piece far out (a client may send any offset) is refused or written sparsely, never a host failure.
    const far = board.putFile('vm1', 'far', 2 ** 50, enc.encode('x'))
    expect(far.ok ? far.path : far.error).toMatch(/^\/tmp\/far/)
    // default.lua: --mem 64M, a tmpfs of half of it.
    const r = board.putFile('vm1', 'big', 0, new Uint8Array(40 << 20))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error).toMatch(/^\/tmp\/big: (only \d+ bytes fit \(No space left on device\)|No space left on device)$/)
  })
})
