/**
 * Job control on a VM's console (lx's tty with the caller's process group):
 * a background job that reads the terminal stops with SIGTTIN instead of
 * taking the shell's input; under `stty tostop` one that writes stops with
 * SIGTTOU; `fg` gives it the terminal and it goes on. And a background job
 * that only computes still lets the shell run.
 */
import { describe, expect, it } from 'vitest'
import { bootDefault } from '../testing/default-scenario'

describe('job control on the console', () => {
  it('a background reader stops (SIGTTIN), the shell keeps its input, fg resumes the reader', () => {
    const b = bootDefault('vm1')
    let at = b.type('vm1', 'cat &\r')
    b.until('vm1', /\[1\] \d+/, at)
    at = b.type('vm1', 'echo shell-got-it\r')
    b.until('vm1', /\r\nshell-got-it\r\n/, at)
    at = b.type('vm1', 'jobs\r')
    b.until('vm1', /\[1\]\+ +Stopped +cat/, at)
    at = b.type('vm1', 'fg\r')
    b.until('vm1', /\r\ncat\r\n/, at)
    at = b.type('vm1', 'to-cat\r')
    // The tty echoes the line, then cat writes it back.
    b.until('vm1', /to-cat\r\nto-cat\r\n/, at)
    at = b.type('vm1', '\x04')
    b.until('vm1', /vm1:\/# (\x1b\[J)?$/, at)
    at = b.type('vm1', 'echo status $?\r')
    b.until('vm1', /status 0/, at)
  })

  it('a background CPU hog does not keep the shell from answering: lx preempts it every tick', () => {
    const b = bootDefault('vm1')
    let at = b.type('vm1', 'spin &\r')
    b.until('vm1', /\[1\] \d+/, at)
    at = b.type('vm1', 'echo still-here\r')
    b.until('vm1', /\r\nstill-here\r\n/, at)
    at = b.type('vm1', 'kill %1; wait; echo reaped\r')
    b.until('vm1', /\r\nreaped\r\n/, at)
  })

  it('under tostop a background writer stops (SIGTTOU) until fg; without it, it writes', () => {
    const b = bootDefault('vm1')
    let at = b.type('vm1', 'stty tostop; echo from-bg &\r')
    b.until('vm1', /\[1\] \d+/, at)
    at = b.type('vm1', 'sleep 1; jobs\r')
    b.until('vm1', /\[1\]\+ +Stopped +echo from-bg/, at)
    expect((b.out.get('vm1') ?? '').slice(at)).not.toMatch(/\r\nfrom-bg\r\n/)
    at = b.type('vm1', 'fg\r')
    b.until('vm1', /\r\nfrom-bg\r\n/, at)
    at = b.type('vm1', 'stty -tostop; echo again-bg & sleep 1\r')
    b.until('vm1', /\r\nagain-bg\r\n/, at)
  })
})
