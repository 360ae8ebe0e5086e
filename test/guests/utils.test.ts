// Known-answer tests for the utilities in guests/bin, run under qemu-aarch64.
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, run, tempDir, toolsPresent } from './helpers'

describe.skipIf(!toolsPresent)('guest utilities under qemu-aarch64', () => {
  let dir: string
  beforeAll(() => {
    ensureBuilt()
    dir = tempDir('utils')
    writeFileSync(join(dir, 'fruit.txt'), 'banana\napple\ncherry\napple\nBanana\n')
    writeFileSync(join(dir, 'nums.txt'), '10\n9\n100\n-1\n2.5\n')
  })

  it('true and false', () => {
    expect(run('true').status).toBe(0)
    expect(run('false').status).toBe(1)
  })

  it('echo', () => {
    expect(run('echo', ['a', 'b  c']).stdout).toBe('a b  c\n')
    expect(run('echo', ['-n', 'x']).stdout).toBe('x')
    expect(run('echo', ['-e', 'a\\tb\\n\\0101']).stdout).toBe('a\tb\nA\n')
    expect(run('echo', ['-e', 'stop\\cnever']).stdout).toBe('stop')
  })

  it('printf formats integers, floats, strings and escapes, reusing the format', () => {
    expect(run('printf', ['%5.2f|%-4s|%x|%c|%b\\n', '3.14159', 'ab', '255', 'xyz', 'a\\tb']).stdout).toBe(' 3.14|ab  |ff|x|a\tb\n')
    expect(run('printf', ['%s=%d\\n', 'a', '1', 'b', '2']).stdout).toBe('a=1\nb=2\n')
    expect(run('printf', ['%e %g %G %05d %+i %o %#x\\n', '12345.678', '0.0001', '1e-10', '42', '7', '8', '255']).stdout)
      .toBe('1.234568e+04 0.0001 1E-10 00042 +7 10 0xff\n')
    const bad = run('printf', ['%d\\n', 'zz'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('invalid number')
  })

  it('cat, cat -n and stdin', () => {
    expect(run('cat', [join(dir, 'fruit.txt')]).stdout).toBe('banana\napple\ncherry\napple\nBanana\n')
    expect(run('cat', ['-n', '-'], { input: 'x\ny\n' }).stdout).toBe('     1\tx\n     2\ty\n')
    const missing = run('cat', [join(dir, 'nope')])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/^cat: .*nope: No such file or directory\n$/)
  })

  it('wc', () => {
    expect(run('wc', [join(dir, 'fruit.txt')]).stdout).toBe(`      5       5      33 ${join(dir, 'fruit.txt')}\n`)
    expect(run('wc', ['-l'], { input: 'a b\nc\n' }).stdout).toBe('2\n')
    expect(run('wc', ['-w', '-c'], { input: 'a b\nc\n' }).stdout).toBe('      3       6\n')
  })

  it('head and tail', () => {
    const input = Array.from({ length: 15 }, (_, i) => `l${i + 1}`).join('\n') + '\n'
    expect(run('head', [], { input }).stdout.split('\n').length).toBe(11)
    expect(run('head', ['-n', '2'], { input }).stdout).toBe('l1\nl2\n')
    expect(run('head', ['-3'], { input }).stdout).toBe('l1\nl2\nl3\n')
    expect(run('head', ['-c', '4'], { input }).stdout).toBe('l1\nl')
    expect(run('tail', ['-n', '2'], { input }).stdout).toBe('l14\nl15\n')
    expect(run('tail', ['-1'], { input: 'a\nb' }).stdout).toBe('b')
    expect(run('tail', ['-n', '+14'], { input }).stdout).toBe('l14\nl15\n')
    expect(run('tail', ['-c', '4'], { input }).stdout).toBe('l15\n')
    expect(run('tail', [], { input }).stdout.startsWith('l6\n')).toBe(true)
  })

  it('grep: fixed strings, regular expressions, -i -v -n -c -l -q', () => {
    const f = join(dir, 'fruit.txt')
    expect(run('grep', ['apple', f]).stdout).toBe('apple\napple\n')
    expect(run('grep', ['-n', '^b', f]).stdout).toBe('1:banana\n')
    expect(run('grep', ['-in', '^b', f]).stdout).toBe('1:banana\n5:Banana\n')
    expect(run('grep', ['-c', '-v', 'an', f]).stdout).toBe('3\n')
    expect(run('grep', ['a.a', f]).stdout).toBe('banana\nBanana\n')
    expect(run('grep', ['^[abc][a-z]*y$', f]).stdout).toBe('cherry\n')
    expect(run('grep', ['-E', 'p+le', f]).stdout).toBe('apple\napple\n')
    expect(run('grep', ['p\\+le', f]).stdout).toBe('apple\napple\n')
    expect(run('grep', ['-F', 'a.a', f]).status).toBe(1)
    expect(run('grep', ['[^a-z]', f]).stdout).toBe('Banana\n')
    expect(run('grep', ['-l', 'cherry', f, f]).stdout).toBe(`${f}\n${f}\n`)
    expect(run('grep', ['-q', 'cherry', f]).stdout).toBe('')
    expect(run('grep', ['-q', 'cherry', f]).status).toBe(0)
    expect(run('grep', ['zzz', f]).status).toBe(1)
    expect(run('grep', ['x', join(dir, 'nope')]).status).toBe(2)
    expect(run('grep', ['b.*a$'], { input: 'ba\nbxa\nab\n' }).stdout).toBe('ba\nbxa\n')
  })

  it('sort and uniq', () => {
    const f = join(dir, 'fruit.txt')
    expect(run('sort', [f]).stdout).toBe('Banana\napple\napple\nbanana\ncherry\n')
    expect(run('sort', ['-r', '-u', f]).stdout).toBe('cherry\nbanana\napple\nBanana\n')
    expect(run('sort', ['-f', f]).stdout).toBe('apple\napple\nBanana\nbanana\ncherry\n')
    expect(run('sort', ['-n', join(dir, 'nums.txt')]).stdout).toBe('-1\n2.5\n9\n10\n100\n')
    expect(run('uniq', [], { input: 'a\na\nb\na\n' }).stdout).toBe('a\nb\na\n')
    expect(run('uniq', ['-c'], { input: 'a\na\nb\n' }).stdout).toBe('      2 a\n      1 b\n')
    expect(run('uniq', ['-d'], { input: 'a\na\nb\n' }).stdout).toBe('a\n')
    expect(run('uniq', ['-u'], { input: 'a\na\nb\n' }).stdout).toBe('b\n')
  })

  it('hexdump -C and the default word format', () => {
    expect(run('hexdump', ['-C'], { input: 'hello, world\n' }).stdout).toBe(
      '00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a           |hello, world.|\n0000000d\n')
    expect(run('hexdump', [], { input: 'abc' }).stdout).toBe('0000000 6261 0063\n0000003\n')
    const zeros = run('hexdump', ['-C'], { input: Buffer.alloc(64) }).stdout
    expect(zeros).toBe('00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000040\n')
  })

  it('mkdir, touch, cp, mv, ln, rm on a scratch directory', () => {
    const d = join(dir, 'fs')
    expect(run('mkdir', ['-p', join(d, 'a', 'b')]).status).toBe(0)
    expect(statSync(join(d, 'a', 'b')).isDirectory()).toBe(true)
    expect(run('mkdir', [join(d, 'a')]).stderr).toContain('File exists')
    expect(run('touch', [join(d, 'a', 'f')]).status).toBe(0)
    expect(existsSync(join(d, 'a', 'f'))).toBe(true)
    writeFileSync(join(d, 'src.txt'), 'payload\n')
    expect(run('cp', [join(d, 'src.txt'), join(d, 'copy.txt')]).status).toBe(0)
    expect(readFileSync(join(d, 'copy.txt'), 'utf8')).toBe('payload\n')
    expect(run('cp', ['-r', join(d, 'a'), join(d, 'a2')]).status).toBe(0)
    expect(existsSync(join(d, 'a2', 'f'))).toBe(true)
    expect(run('cp', [join(d, 'a'), join(d, 'a3')]).status).toBe(1)
    expect(run('mv', [join(d, 'copy.txt'), join(d, 'moved.txt')]).status).toBe(0)
    expect(existsSync(join(d, 'copy.txt'))).toBe(false)
    expect(run('mv', [join(d, 'moved.txt'), join(d, 'a')]).status).toBe(0)
    expect(existsSync(join(d, 'a', 'moved.txt'))).toBe(true)
    expect(run('ln', ['-s', 'src.txt', join(d, 'sym')]).status).toBe(0)
    expect(lstatSync(join(d, 'sym')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(d, 'sym'))).toBe('src.txt')
    expect(run('ln', [join(d, 'src.txt'), join(d, 'hard')]).status).toBe(0)
    expect(statSync(join(d, 'hard')).nlink).toBe(2)
    expect(run('rm', [join(d, 'a')]).stderr).toContain('Is a directory')
    expect(run('rm', ['-r', join(d, 'a'), join(d, 'a2')]).status).toBe(0)
    expect(existsSync(join(d, 'a'))).toBe(false)
    expect(run('rm', [join(d, 'nope')]).status).toBe(1)
    expect(run('rm', ['-f', join(d, 'nope')]).status).toBe(0)
  })

  it.skipIf(!existsSync('/dev/shm'))('mv across file systems copies and removes', () => {
    const shm = mkdtempSync('/dev/shm/l4lab-mv-')
    try {
      mkdirSync(join(shm, 'tree', 'sub'), { recursive: true })
      writeFileSync(join(shm, 'tree', 'sub', 'f'), 'moved\n', { mode: 0o750 })
      symlinkSync('sub/f', join(shm, 'tree', 'link'))
      const target = join(dir, 'xdev')
      const r = run('mv', [join(shm, 'tree'), target])
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(readFileSync(join(target, 'sub', 'f'), 'utf8')).toBe('moved\n')
      expect(statSync(join(target, 'sub', 'f')).mode & 0o777).toBe(0o750)
      expect(readlinkSync(join(target, 'link'))).toBe('sub/f')
      expect(existsSync(join(shm, 'tree'))).toBe(false)
    } finally {
      rmSync(shm, { recursive: true, force: true })
    }
  })

  it('tee, tr, cut, basename, dirname', () => {
    const t1 = join(dir, 'tee1'), t2 = join(dir, 'tee2')
    expect(run('tee', [t1, t2], { input: 'data\n' }).stdout).toBe('data\n')
    expect(readFileSync(t1, 'utf8') + readFileSync(t2, 'utf8')).toBe('data\ndata\n')
    expect(run('tee', ['-a', t1], { input: 'more\n' }).status).toBe(0)
    expect(readFileSync(t1, 'utf8')).toBe('data\nmore\n')
    expect(run('tr', ['a-z', 'A-Z'], { input: 'hello, world\n' }).stdout).toBe('HELLO, WORLD\n')
    expect(run('tr', ['-s', ' '], { input: 'a   b  c\n' }).stdout).toBe('a b c\n')
    expect(run('tr', ['-d', 'l\\n'], { input: 'hello\nall\n' }).stdout).toBe('heoa')
    expect(run('tr', ['abc', 'x'], { input: 'aabbcd' }).stdout).toBe('xxxxxd')
    expect(run('cut', ['-d:', '-f1,3'], { input: 'a:b:c\nd:e:f\nnodelim\n' }).stdout).toBe('a:c\nd:f\nnodelim\n')
    expect(run('cut', ['-s', '-d:', '-f2-'], { input: 'a:b:c\nnodelim\n' }).stdout).toBe('b:c\n')
    expect(run('cut', ['-c', '2-4,6'], { input: 'abcdefg\n' }).stdout).toBe('bcdf\n')
    expect(run('cut', ['-f', '2'], { input: 'x\ty\tz\n' }).stdout).toBe('y\n')
    expect(run('basename', ['/a/b/c.txt', '.txt']).stdout).toBe('c\n')
    expect(run('basename', ['/a/b/']).stdout).toBe('b\n')
    expect(run('basename', ['/']).stdout).toBe('/\n')
    expect(['/a/b/c', 'a', '/a', 'a/b//', '/'].map((p) => run('dirname', [p]).stdout).join('')).toBe('/a/b\n.\n/\na\n/\n')
  })

  it('stty refuses a non-terminal', () => {
    const r = run('stty', [], { input: '' })
    expect(r.status).toBe(1)
    expect(r.stderr).toBe('stty: standard input: Inappropriate ioctl for device\n')
  })

  it('ls, ls -a, ls -l', () => {
    const d = join(dir, 'ls')
    mkdirSync(join(d, 'sub'), { recursive: true })
    writeFileSync(join(d, 'b.txt'), '12345')
    writeFileSync(join(d, '.hidden'), '')
    expect(run('ls', [d]).stdout).toBe('b.txt\nsub\n')
    expect(run('ls', ['-a', d]).stdout).toBe('.\n..\n.hidden\nb.txt\nsub\n')
    const long = run('ls', ['-l', d]).stdout.split('\n')
    expect(long[0]).toMatch(/^total \d+$/)
    expect(long[1]).toMatch(/^-rw-r--r-- +1 \S+ +\S+ +5 \w{3} [ \d]\d (\d\d:\d\d| \d{4}) b\.txt$/)
    expect(long[2]).toMatch(/^drwxr-xr-x +2 .* sub$/)
    expect(run('ls', [join(d, 'nope')]).status).toBe(2)
  })

  it('seq, yes, env, uname, date, sleep, sync, clear', () => {
    expect(run('seq', ['3']).stdout).toBe('1\n2\n3\n')
    expect(run('seq', ['-s', ',', '1', '2', '9']).stdout).toBe('1,3,5,7,9\n')
    expect(run('seq', ['5', '-2', '1']).stdout).toBe('5\n3\n1\n')
    expect(run('seq', ['-w', '8', '10']).stdout).toBe('08\n09\n10\n')
    expect(run('seq', ['0.5', '0.25', '1.25']).stdout).toBe('0.5\n0.75\n1\n1.25\n')
    const y = run('sh', ['-c', 'yes hi | head -n 3'])
    expect(y.stdout).toBe('hi\nhi\nhi\n')
    expect(run('env', ['-i', 'A=1', 'B=2']).stdout).toBe('A=1\nB=2\n')
    expect(run('env', ['-i', 'X=7', 'sh', '-c', 'echo $X']).stdout).toBe('7\n')
    expect(run('uname', ['-s', '-m']).stdout).toBe('Linux aarch64\n')
    expect(run('date', ['-d', '@0']).stdout).toBe('Thu Jan  1 00:00:00 UTC 1970\n')
    expect(run('date', ['-d', '@1700000000', '+%F %T %j %a %B']).stdout).toBe('2023-11-14 22:13:20 318 Tue November\n')
    expect(run('date', ['-d', '@951782400', '+%F %A']).stdout).toBe('2000-02-29 Tuesday\n')
    expect(run('date', ['+%Y']).stdout).toMatch(/^20\d\d\n$/)
    expect(run('sleep', ['0.05']).status).toBe(0)
    expect(run('sleep', ['x']).status).toBe(1)
    expect(run('sync').status).toBe(0)
    expect(run('clear').stdout).toBe('\x1b[H\x1b[2J\x1b[3J')
  })

  it('kill sends signals and lists them', () => {
    expect(run('kill', ['-l', '9']).stdout).toBe('KILL\n')
    expect(run('kill', ['-l']).stdout).toContain(' 9) SIGKILL')
    const r = run('sh', ['-c', 'sleep 5 & kill -TERM $!; wait $!; echo $?'])
    expect(r.stdout).toBe('143\n')
    expect(run('kill', ['-s', 'USR1', '999999']).status).toBe(1)
    expect(run('kill', ['-BOGUS', '1']).status).toBe(2)
  })

  it('ps lists processes from /proc, including itself', () => {
    const r = run('ps')
    expect(r.status).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^\s+PID\s+PPID S\s+RSS\s+TIME CMD$/)
    // qemu-user fakes its own /proc/PID/stat (state '0'), so any state letter goes.
    expect(lines.some((l) => /^\s*\d+\s+\d+ \S\s+\d+\s+\d+:\d\d ps$/.test(l))).toBe(true)
  })

  it('top -b -n 2 prints two reports with per-process CPU and memory', () => {
    const r = run('top', ['-b', '-n', '2', '-d', '0.2'])
    expect(r.status).toBe(0)
    const reports = r.stdout.split(/\n(?=top - )/)
    expect(reports.length).toBe(2)
    for (const rep of reports) {
      expect(rep).toMatch(/^top - up \d+:\d\d:\d\d, \d+ tasks, CPU \d+\.\d%\nMem: \d+ KiB total/)
      expect(rep).toMatch(/\n\s+PID\s+PPID S\s+%CPU\s+%MEM\s+RSS\s+TIME COMMAND\n/)
      expect(rep).toMatch(/\n\s*\d+\s+\d+ \w\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d+:\d\d top\n/)
    }
  })

  it('top quits on q from stdin', () => {
    const r = run('top', ['-d', '5'], { input: 'q', timeout: 10_000 })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('COMMAND')
  })

  it('free and uptime read /proc', () => {
    const f = run('free').stdout.split('\n')
    expect(f[0]).toMatch(/^\s+total\s+used\s+free\s+shared\s+buff\/cache\s+available$/)
    expect(f[1]).toMatch(/^Mem:(\s+\d+){6}$/)
    expect(f[2]).toMatch(/^Swap:(\s+\d+){3}$/)
    // Columns line up: every header word ends where its numbers end.
    for (const word of ['total', 'used', 'available']) {
      const end = f[0].indexOf(word) + word.length
      const col = f[0].trim().split(/\s+/).indexOf(word)
      const numbers = f[1].split(/\s+/).slice(1)
      let at = 0
      for (let i = 0; i <= col; i++) at = f[1].indexOf(numbers[i], at) + numbers[i].length
      expect(at, word).toBe(end)
    }
    expect(run('free', ['-m']).stdout).toMatch(/Mem:(\s+\d+){6}/)
    expect(run('uptime').stdout).toMatch(/^ \d\d:\d\d:\d\d up .*\n$/)
  })

  it('log formats /dev/kmsg records, and says so when there is no log', () => {
    const f = join(dir, 'kmsg')
    writeFileSync(f, '6,1,1500000,-;lx: booted\n4,2,2000001,-;vm1: quota reached\n SUBSYSTEM=x\nplain line\n')
    expect(run('log', [f]).stdout).toBe('[    1.500000] lx: booted\n[    2.000001] vm1: quota reached\nplain line\n')
    const none = run('log', [join(dir, 'no-kmsg')])
    expect(none.status).toBe(1)
    expect(none.stderr).toContain('no kernel log here')
  })
})
