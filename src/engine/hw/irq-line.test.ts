import { describe, expect, it } from 'vitest'
import { InterruptLines } from './irq-line'

function bankWithLog(n: number): { bank: InterruptLines; log: string[] } {
  const bank = new InterruptLines(n)
  const log: string[] = []
  bank.attach((line, level) => log.push(`${line}${level ? '+' : '-'}`))
  return { bank, log }
}

describe('InterruptLines', () => {
  it('tells the sink of every change of level, and of nothing else', () => {
    const { bank, log } = bankWithLog(4)
    const l = bank.line(2)!
    l.set(true)
    l.set(true)
    l.set(false)
    l.set(false)
    l.set(true)
    expect(log).toEqual(['2+', '2-', '2+'])
    expect(bank.level(2)).toBe(true)
    expect(bank.level(1)).toBe(false)
    expect(bank.risings(2)).toBe(2)
  })

  it('pulse() is a rise and a fall', () => {
    const { bank, log } = bankWithLog(2)
    const l = bank.line(1)!
    l.pulse()
    l.pulse()
    expect(log).toEqual(['1+', '1-', '1+', '1-'])
    expect(bank.level(1)).toBe(false)
    expect(bank.risings(1)).toBe(2)
  })

  it('pulse() on a line held high is only the fall (a high line cannot rise)', () => {
    const { bank, log } = bankWithLog(1)
    bank.line(0)!.set(true)
    bank.line(0)!.pulse()
    expect(log).toEqual(['0+', '0-'])
    expect(bank.risings(0)).toBe(1)
  })

  it('keeps lines apart', () => {
    const { bank, log } = bankWithLog(3)
    bank.line(0)!.set(true)
    bank.line(2)!.set(true)
    bank.line(0)!.set(false)
    expect(log).toEqual(['0+', '2+', '0-'])
    expect([0, 1, 2].map((i) => bank.level(i))).toEqual([false, false, true])
  })

  it('gives no line for an index outside the bank, and ignores direct sets outside it', () => {
    const { bank, log } = bankWithLog(2)
    expect(bank.line(2)).toBeNull()
    expect(bank.line(-1)).toBeNull()
    expect(bank.line(0.5)).toBeNull()
    expect(bank.line(NaN)).toBeNull()
    bank.set(2, true)
    bank.set(-1, true)
    bank.set(0.5, true)
    bank.set(NaN, true)
    bank.pulse(7)
    expect(log).toEqual([])
    expect(bank.level(5)).toBe(false)
    expect(bank.risings(5)).toBe(0)
  })

  it('a sink attached late hears of the lines already high; a detached bank still keeps levels', () => {
    const bank = new InterruptLines(4)
    bank.line(1)!.set(true)
    bank.line(3)!.set(true)
    bank.line(3)!.set(false)
    const log: string[] = []
    bank.attach((line, level) => log.push(`${line}${level ? '+' : '-'}`))
    expect(log).toEqual(['1+'])
    bank.attach(null)
    bank.line(1)!.set(false)
    expect(log).toEqual(['1+'])
    expect(bank.level(1)).toBe(false)
  })

  it('lets the sink drive other lines from inside its callback (a cascaded controller)', () => {
    const bank = new InterruptLines(2)
    const log: string[] = []
    bank.attach((line, level) => {
      log.push(`${line}${level ? '+' : '-'}`)
      if (line === 0) bank.line(1)!.set(level)
    })
    bank.line(0)!.pulse()
    expect(log).toEqual(['0+', '1+', '0-', '1-'])
  })
})
