import { describe, expect, it } from 'vitest'
import { Aarch64Cpu } from './cpu'
import { Aarch64Context } from '../../../../cpu/aarch64/context'
import { CTX_BYTES } from '../../../../cpu/aarch64/core-layout'
import { Errno } from '../../uapi'

describe('lx on AArch64: the result register', () => {
  it('holds -EINTR only when the call returned exactly -EINTR, not another errno that rounds alike as a number', () => {
    const cpu = new Aarch64Cpu(new Aarch64Context(new ArrayBuffer(CTX_BYTES), 0))
    const eintr = (v: number) => {
      cpu.setReturn(v)
      return cpu.returnsEintr()
    }
    expect(eintr(-Errno.EINTR)).toBe(true)
    expect([-Errno.EAGAIN, -Errno.ERESTARTSYS, -1, 0, 4, 2 ** 53].map(eintr)).toEqual([false, false, false, false, false, false])
  })
})
