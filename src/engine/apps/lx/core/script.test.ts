import { describe, expect, it } from 'vitest'
import { BINPRM_BUF_SIZE, parseShebang } from './script'

const enc = new TextEncoder()
const parse = (s: string) => parseShebang(enc.encode(s))
const ENOEXEC = -8

describe('#! lines as binfmt_script reads them', () => {
  it('the interpreter and one optional argument, spaces inside kept', () => {
    expect(parse('#!/bin/sh\n')).toEqual({ interp: '/bin/sh', arg: null })
    expect(parse('#! /bin/sh  -e  -x \nrest')).toEqual({ interp: '/bin/sh', arg: '-e  -x' })
    expect(parse('#!\t/bin/sh\ta\tb\t\n')).toEqual({ interp: '/bin/sh', arg: 'a\tb' })
    expect(parse('#!/bin/sh a\0b\n')).toEqual({ interp: '/bin/sh', arg: 'a' })
  })

  it('no script: a file not starting with #!', () => {
    expect(parse('hello')).toBeNull()
    expect(parse('#')).toBeNull()
    expect(parse('\x7fELF')).toBeNull()
  })

  it('a line without a newline: taken to the end of the buffer (zeros past the file)', () => {
    expect(parse('#!/bin/sh')).toEqual({ interp: '/bin/sh', arg: null })
    // The zero after the space ends an empty argument, as Linux passes it.
    expect(parse('#!/bin/sh ')).toEqual({ interp: '/bin/sh', arg: '' })
    expect(parse('#!')).toEqual({ interp: '', arg: null })
  })

  it('ENOEXEC without an interpreter, or with one cut off by the buffer', () => {
    expect(parse('#!\n')).toBe(ENOEXEC)
    expect(parse('#!   \n')).toBe(ENOEXEC)
    expect(parse(`#!/${'a'.repeat(BINPRM_BUF_SIZE)}`)).toBe(ENOEXEC)
    expect(parse(`#!/${'a'.repeat(BINPRM_BUF_SIZE)}\n`)).toBe(ENOEXEC)
  })

  it('a long argument is cut at the buffer; the interpreter is not', () => {
    const r = parse(`#!/bin/sh ${'x'.repeat(400)}\n`)
    expect(r).toEqual({ interp: '/bin/sh', arg: 'x'.repeat(BINPRM_BUF_SIZE - 1 - '#!/bin/sh '.length) })
  })
})
