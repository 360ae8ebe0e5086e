import { describe, expect, it } from 'vitest'
import { numberedTable, unimplemented } from '../core/syscall'
import { genericCalls } from './generic-calls'
import { syscalls as arm64 } from './aarch64/syscalls'
import { syscalls as x86_64 } from './x86_64/syscalls'
import { Nr as ArmNr } from './aarch64/unistd'
import { Nr as X86Nr } from './x86_64/unistd'

describe('system call tables', () => {
  it('put every generic call at its number on both architectures', () => {
    for (const name of Object.keys(genericCalls) as (keyof typeof genericCalls)[]) {
      expect(arm64[ArmNr[name]], name).toBe(genericCalls[name])
      // x86-64 replaces fcntl, openat and clone (open flags, argument order) with its own.
      if (name !== 'fcntl' && name !== 'openat' && name !== 'clone') expect(x86_64[X86Nr[name]], name).toBe(genericCalls[name])
    }
    expect(x86_64[X86Nr.clone]).not.toBe(genericCalls.clone)
    expect(x86_64[X86Nr.open]).toBeDefined()
    expect(arm64.filter(Boolean).length).toBe(Object.keys(genericCalls).length)
  })

  it('refuse a call without a number, and two calls at one number', () => {
    expect(() => numberedTable({ read: 0 }, { read: unimplemented, stat: unimplemented })).toThrow(/stat, which has no number/)
    expect(() => numberedTable({ read: 0, write: 0 }, { read: unimplemented, write: unimplemented })).toThrow(/two system calls at number 0 \(write\)/)
  })
})
