// Scripted tests of the guest shell (guests/sh) under qemu-aarch64: sh -c,
// sh FILE, and commands piped into a non-interactive sh. External commands
// are our own utilities, reached through host wrappers (see helpers.ts).
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, QEMU, ensureBuilt, run, sh, tempDir, toolsPresent } from './helpers'

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0

describe.skipIf(!toolsPresent)('sh under qemu-aarch64', () => {
  let dir: string
  beforeAll(() => {
    ensureBuilt()
    dir = tempDir('sh')
  })

  it('pipes', () => {
    expect(sh('printf "b\\na\\nb\\n" | sort | uniq -c').stdout).toBe('      1 a\n      2 b\n')
    expect(sh('echo hello | cat | cat | wc -c').stdout).toBe('6\n')
    expect(sh('seq 1 100 | grep 7 | wc -l').stdout).toBe('19\n')
  })

  it('redirections: < > >> 2> 2>&1 into a temp dir', () => {
    const r = sh('echo one > out; echo two >> out; cat < out; cat nope 2> err; echo rc=$?; cat nope > both 2>&1; echo x 1>&2',
      { cwd: dir })
    expect(r.stdout).toBe('one\ntwo\nrc=1\n')
    expect(r.stderr).toBe('x\n')
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('one\ntwo\n')
    expect(readFileSync(join(dir, 'err'), 'utf8')).toMatch(/^cat: nope: No such file or directory\n$/)
    expect(readFileSync(join(dir, 'both'), 'utf8')).toMatch(/^cat: nope: No such file/)
    expect(sh('echo hi >/dev/null; echo $?').stdout).toBe('0\n')
    expect(sh('echo data > f2; wc -c < f2 > n; cat n', { cwd: dir }).stdout).toBe('5\n')
  })

  it('; && || and $?', () => {
    expect(sh('true && echo a; false && echo b; false || echo c; true || echo d').stdout).toBe('a\nc\n')
    expect(sh('false; echo $?; true; echo $?; ! true; echo $?').stdout).toBe('1\n0\n1\n')
    expect(sh('false || false && echo no; echo end').stdout).toBe('end\n')
    expect(sh('exit 3').status).toBe(3)
    expect(sh('sh -c "exit 5"; echo $?').stdout).toBe('5\n')
    expect(sh('nosuchcmd').status).toBe(127)
    expect(sh('nosuchcmd').stderr).toBe('sh: nosuchcmd: not found\n')
  })

  it('long and-or lists and pipelines (the parser grows its arrays)', () => {
    expect(sh('true && true && true && true && false || echo ok1; false || false || false || false || echo ok2 && echo ok3').stdout)
      .toBe('ok1\nok2\nok3\n')
    expect(sh(Array.from({ length: 20 }, (_, i) => `echo ${i}`).join(' && ')).stdout.split('\n').length).toBe(21)
    expect(sh('echo abc' + ' | cat'.repeat(12)).stdout).toBe('abc\n')
  })

  it('variables, export, unset, quoting and expansions', () => {
    expect(sh('a=1; b="x  y"; echo $a "$b" $b \'$a\' "\\$a" ${a}z').stdout).toBe('1 x  y x y $a $a 1z\n')
    expect(sh('echo ${u:-dflt} ${u-d2} ${a:+set}; a=v; echo ${a:+set} ${#a}').stdout).toBe('dflt d2\nset 1\n')
    expect(sh('X=1; sh -c \'echo [$X]\'; export X; sh -c \'echo [$X]\'').stdout).toBe('[]\n[1]\n')
    expect(sh('export Y=2 Z; Z=3; env | grep "^[YZ]=" | sort').stdout).toBe('Y=2\nZ=3\n')
    expect(sh('W=9 sh -c \'echo $W\'; echo "[$W]"').stdout).toBe('9\n[]\n')
    expect(sh('V=1; unset V; echo "[$V]"').stdout).toBe('[]\n')
    expect(sh('echo $((6*7)) $((1+2*3)) $(( (1+2)*3 )) $((10/3)) $((10%3)) $((-4+1))').stdout).toBe('42 7 9 3 1 -3\n')
    expect(sh('x=$(echo inner; echo two); echo "$x"; echo $(echo a   b)').stdout).toBe('inner\ntwo\na b\n')
    expect(sh('echo a\\ b "c\\"d" \'e"f\' g#h # comment').stdout).toBe('a b c"d e"f g#h\n')
    expect(sh('echo ~ ~/x', { env: { HOME: '/home/u' } }).stdout).toBe('/home/u /home/u/x\n')
    expect(sh('echo "$0 $# $1 $2"', {}).stdout).toBe('sh 0  \n')
    expect(run('sh', ['-c', 'echo "$0|$#|$1|$@"', 'name', 'a', 'b c']).stdout).toBe('name|2|a|a b c\n')
    expect(sh('echo "$$" | grep -c "^[0-9][0-9]*$"').stdout).toBe('1\n')
  })

  it('globbing', () => {
    const d = join(dir, 'glob')
    sh(`mkdir ${d}; cd ${d}; touch a1 a2 b1 .hid; mkdir sub; touch sub/s1`)
    expect(sh('echo a*; echo ?1; echo [ab]2; echo *; echo s*/*; echo z*; echo "a*"', { cwd: d }).stdout)
      .toBe('a1 a2\na1 b1\na2\na1 a2 b1 sub\nsub/s1\nz*\na*\n')
    // An unclosed '[' is a literal character of the pattern.
    const d2 = join(dir, 'glob2')
    sh(`mkdir ${d2}; cd ${d2}; touch '[' 'x[1' 'y]'`)
    expect(sh('echo [; echo x[1; echo x[; echo [*; echo x[*; echo [a*; echo [x]*; echo []]', { cwd: d2 }).stdout)
      .toBe('[\nx[1\nx[\n[\nx[1\n[a*\nx[1\n[]]\n')
  })

  it('cd, pwd, PWD and OLDPWD', () => {
    expect(sh(`cd ${dir}; pwd; cd /; pwd; cd -; echo $PWD`).stdout).toBe(`${dir}\n/\n${dir}\n${dir}\n`)
    expect(sh('cd /nonexistent').stderr).toMatch(/cd: \/nonexistent: No such file or directory/)
    expect(sh('cd', { env: { HOME: '/tmp' } }).status).toBe(0)
  })

  it('subshells keep their changes to themselves', () => {
    expect(sh('a=1; (a=2; cd /; echo $a); echo $a; (exit 4); echo $?').stdout).toBe('2\n1\n4\n')
    expect(sh('(echo x; echo y) | wc -l').stdout).toBe('2\n')
  })

  it('background jobs, $!, wait and jobs', () => {
    expect(sh('sleep 0.2 & echo started; wait; echo done').stdout).toBe('started\ndone\n')
    expect(sh('(sleep 0.1; exit 7) & wait $!; echo $?').stdout).toBe('7\n')
    const j = sh('sleep 1 & jobs; kill %1; wait; jobs; echo end')
    expect(j.stdout).toBe('[1]+  Running                sleep 1\nend\n')
    expect(sh('true && echo bg-list & wait').stdout).toBe('bg-list\n')
  })

  it('sh FILE with arguments, sh -c, and a script piped to stdin', () => {
    const script = join(dir, 'script.sh')
    writeFileSync(script, '# a script\necho "args: $# $1 $2"\nfor_real=yes\necho $for_real\nexit 9\necho never\n')
    const r = run('sh', [script, 'one', 'two'])
    expect(r.stdout).toBe('args: 2 one two\nyes\n')
    expect(r.status).toBe(9)
    const piped = run('sh', [], { input: 'echo line1\nx=3\necho "x is $x"\ncat\nthis line is read by cat\n' })
    expect(piped.stdout).toBe('line1\nx is 3\nthis line is read by cat\n')
    expect(run('sh', [], { input: 'echo "multi\nline"; echo \\\ncontinued\n' }).stdout).toBe('multi\nline\ncontinued\n')
    expect(run('sh', [join(dir, 'missing.sh')]).status).toBe(127)
  })

  it('a script without #! runs as a shell script', () => {
    const s = join(dir, 'noshebang')
    writeFileSync(s, 'echo from script $1\n', { mode: 0o755 })
    expect(sh(`${s} arg`).stdout).toBe('from script arg\n')
  })

  it('syntax errors are reported and give status 2', () => {
    const r = sh('echo a; | b')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^sh: syntax error/)
    expect(sh('echo "unterminated').status).toBe(2)
  })

  it('builtins: echo, type, read, shift, set --, help, exec', () => {
    expect(sh('echo -n a; echo -e "b\\tc"').stdout).toBe('ab\tc\n')
    expect(sh('type cd cat').stdout).toMatch(/^cd is a shell builtin\ncat is .*\/cat\n$/)
    expect(run('sh', [], { input: 'read a b\nhello big world\necho "$b|$a"\n' }).stdout).toBe('big world|hello\n')
    expect(sh('set -- x y z; echo $#; shift; echo $1 $#').stdout).toBe('3\ny 2\n')
    expect(sh('help').stdout).toContain('jobs')
    expect(sh('exec echo replaced; echo not-here').stdout).toBe('replaced\n')
    expect(sh(`exec > ${join(dir, 'exec-out')}; echo into-file`).stdout).toBe('')
    expect(readFileSync(join(dir, 'exec-out'), 'utf8')).toBe('into-file\n')
  })

  it('if, while, until, for, { }, break and continue', () => {
    expect(sh('if true; then echo yes; else echo no; fi; if false; then echo a; elif true; then echo b; else echo c; fi').stdout)
      .toBe('yes\nb\n')
    expect(sh('n=0; while [ $n -lt 3 ]; do n=$((n+1)); echo $n; done').stdout).toBe('1\n2\n3\n')
    expect(sh('i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i').stdout).toBe('2\n')
    expect(sh('for f in $(seq 2); do for g in a b; do echo $f$g; done; done | wc -l').stdout).toBe('4\n')
    expect(sh('for i in 1 2 3; do for j in a b; do if [ $j = b ]; then continue 2; fi; echo $i$j; done; done').stdout)
      .toBe('1a\n2a\n3a\n')
    expect(sh('for i in 1 2; do while true; do break 2; done; echo no; done; echo out').stdout).toBe('out\n')
    expect(sh('{ echo g1; echo g2; } > grp; cat grp; { false; } || echo failed', { cwd: dir }).stdout).toBe('g1\ng2\nfailed\n')
    expect(run('sh', ['-c', 'for a; do echo "<$a>"; done', 'sh', 'x y', 'z']).stdout).toBe('<x y>\n<z>\n')
    expect(run('sh', [], { input: 'if true\nthen\n  echo multi\nfi\nfor x in 1 2\ndo\n  echo $x\ndone | cat\n' }).stdout)
      .toBe('multi\n1\n2\n')
    expect(sh('if true; then echo missing fi').status).toBe(2)
  })

  it.skipIf(!hasPrlimit)('a long loop runs in constant memory (each pass frees what it allocated)', () => {
    // 100,000 passes took 600 MB when loops kept their allocations until the
    // line ended; under a 300 MB address-space limit on qemu that ran out.
    const loop = 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; for k in 1 2 3; do y=$k; done; echo $i $y'
    const r = spawnSync('prlimit', ['--as=300000000', QEMU, join(BIN, 'sh'), '-c', loop], { encoding: 'utf8', timeout: 60_000 })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('100000 3\n')
    expect(r.status).toBe(0)
  })

  it('loops read their input through redirections and pipes', () => {
    writeFileSync(join(dir, 'rl.txt'), 'l1\nl2 x\n')
    expect(sh('while read a b; do echo "[$a|$b]"; done < rl.txt; seq 2 | while read n; do echo n=$n; done; ' +
      'n=0; while read l; do n=$((n+1)); done < rl.txt; echo count=$n; for i in 1 2; do echo $i; done > fo.txt; cat fo.txt',
    { cwd: dir }).stdout).toBe('[l1|]\n[l2|x]\nn=1\nn=2\ncount=2\n1\n2\n')
  })

  it('case with globs, alternatives and quoted patterns', () => {
    expect(sh('for x in apple b.txt "*" zz Q; do case $x in a*) echo "$x: a";; *.txt|*.md) echo "$x: text";; ' +
      '"*") echo "$x: star";; [A-Z]) echo "$x: upper";; *) echo "$x: other";; esac; done').stdout)
      .toBe('apple: a\nb.txt: text\n*: star\nzz: other\nQ: upper\n')
    expect(run('sh', [], { input: 'case x in\n  (x)\n    echo paren\n    ;;\n  *) echo no\nesac\n' }).stdout).toBe('paren\n')
    expect(sh('echo a;; echo b').status).toBe(2)
  })

  it('here-documents: expanded, quoted, <<- and large ones', () => {
    expect(sh('x=world; cat <<EOF\nhello $x\n  $((1+2)) \\$x "q"\nEOF\necho after').stdout).toBe('hello world\n  3 $x "q"\nafter\n')
    expect(sh("cat <<'E' | wc -l\na $x\nb\nE").stdout).toBe('2\n')
    expect(sh('cat <<-END\n\t\ttabbed\n\tEND\necho done').stdout).toBe('tabbed\ndone\n')
    expect(sh('cat <<A; cat <<B\nfirst\nA\nsecond\nB').stdout).toBe('first\nsecond\n')
    expect(sh('x=$(seq 3000); cat <<EOF | tail -n 1\n$x\nEOF').stdout).toBe('3000\n')
    expect(run('sh', [], { input: 'cat <<X\nin file\nX\necho ok\n' }).stdout).toBe('in file\nok\n')
    expect(sh('cat <<EOF').status).toBe(2)
  })

  it('functions with arguments and return', () => {
    expect(sh('f() { echo "f: $# $1 $2"; return 3; }; f x y; echo st=$?; f; echo $1').stdout).toBe('f: 2 x y\nst=3\nf: 0  \n\n')
    expect(sh('g() { for a in "$@"; do echo "<$a>"; done; }; g "1 2" 3 | cat').stdout).toBe('<1 2>\n<3>\n')
    expect(sh('fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }; fact 6').stdout)
      .toBe('720\n')
  })

  it('test and [', () => {
    expect(sh('[ -d / ] && echo d; [ -f / ] || echo nf; [ ! -e /nope ] && echo ne; [ -z "" -a -n x ] && echo both; ' +
      '[ a = b ]; echo $?; test 3 -gt 2 -o 1 -gt 2 && echo or; [ 10 -eq 10 ] && [ x != y ] && echo eq').stdout)
      .toBe('d\nnf\nne\nboth\n1\nor\neq\n')
    expect(sh('[ 1 = 1').status).toBe(2)
  })

  it('a crashing child is reported and the shell carries on', () => {
    const r = sh('crash; echo "status $?"')
    expect(r.stdout).toBe('crash: writing to address 0xdead0000\nstatus 139\n')
    expect(r.stderr).toMatch(/Segmentation fault/)
  })
})
