// default.lua starts each console's shell as a login shell: /etc/profile runs
// and /etc/motd greets before the first prompt, which stays "vm1:/# " (the
// shell is left in /, where the lab's tests and benches expect it).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bootDefault } from '../testing/default-scenario'

const motd = readFileSync(new URL('../../../guests/rootfs/etc/motd', import.meta.url), 'utf8')

describe('login on a console of default.lua', () => {
  it('shows /etc/motd before the first prompt and exports the profile’s environment', () => {
    const b = bootDefault('vm1')
    const text = b.out.get('vm1') ?? ''
    const greeting = text.indexOf('Welcome to l4lab.')
    expect(greeting).toBeGreaterThanOrEqual(0)
    expect(greeting).toBeLessThan(text.indexOf('vm1:/# '))
    // Every line of the file reaches the console (the tty turns \n into \r\n).
    expect(text).toContain(motd.replace(/\n/g, '\r\n'))
    const at = b.type('vm1', 'echo "$HOME $PATH"\r')
    b.until('vm1', /\r\n\/root \/bin\r\n[^]*vm1:\/# /, at)
  })
})
