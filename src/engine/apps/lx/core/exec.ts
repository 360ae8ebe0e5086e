/**
 * execve (Linux's fs/exec.c with binfmt_elf and binfmt_script): the file is
 * read with execute permission checked (fs/files.ts); `#!` scripts run
 * their interpreter (script.ts), nested as deep as Linux allows; an ELF
 * image of the architecture gets a new address space in a new L4 task, with
 * its segments, the signal trampoline page and the initial stack (elf.ts).
 * Until the new image is complete the old one is untouched, and an error
 * returns to the caller; after it, the old address space, the other
 * threads, close-on-exec files and caught signals' handlers are gone.
 */
import type { Lx } from '../lx'
import type { LinuxThread } from './process'
import type { SyscallArgs, SyscallResult } from './syscall'
import { acceptElf, buildStack, loadBias, mapImage } from './elf'
import { MAX_SCRIPT_DEPTH, parseShebang } from './script'
import { argSize, readStringArray } from './exec-args'
import { PAGE_SIZE } from '../../../kernel/uapi'
import { SegmentFlag } from '../../../formats/elf'
import { describeExecFailure, execFailure, type ExecFailure } from './exec-failure'
import { noAltStack } from './altstack'
import { defaultSigAction } from './signal-defs'
import { reapThread } from './exit'
import { deleteTask, nameTask, newTask } from './tasks'
import { Mm } from '../mm/mm'
import { Errno, MapF, Prot } from '../uapi'

/**
 * Replaces the program of `t`'s process. On success (null) the thread's
 * registers are at the entry point; on failure the old image is untouched
 * and the caller learns why.
 */
export function* exec(lx: Lx, t: LinuxThread, path: string, argv: string[], envp: string[]): Generator<unknown, ExecFailure | null, number> {
  const p = t.process
  let file = lx.files.readExecutable(p, path)
  if (!file.ok) return file
  // As Linux: a file that cannot be opened first, then strings too big, then the format.
  let size = argSize(path, argv, envp)
  if (typeof size !== 'number') return size
  // A `#!` script runs its interpreter with the script's path (the name it was found
  // by, bprm->interp) in place of argv[0]; interpreters may be scripts again, as deep
  // as exec_binprm allows.
  let name = path
  for (let depth = 0; ; depth++) {
    if (depth > MAX_SCRIPT_DEPTH) return execFailure(-Errno.ELOOP, `#! interpreters nested more than ${MAX_SCRIPT_DEPTH} deep`)
    const script = parseShebang(file.bytes)
    if (script === null) break
    if (typeof script === 'number') return execFailure(script, `${name}: a #! line that names no interpreter`)
    argv = script.arg === null ? [script.interp, name, ...argv.slice(1)] : [script.interp, script.arg, name, ...argv.slice(1)]
    name = script.interp
    // open_exec takes an empty name for the working directory, a directory: EACCES.
    file = name === '' ? execFailure(-Errno.EACCES, 'an empty #! interpreter') : lx.files.readExecutable(p, name)
    if (!file.ok) return { ...file, reason: `interpreter ${name}: ${file.reason}` }
    size = argSize(path, argv, envp)
    if (typeof size !== 'number') return size
  }
  const arch = lx.arch
  const parsed = acceptElf(file.bytes, arch)
  if (!parsed.ok) {
    const failure = execFailure(parsed.errno, name === path ? parsed.reason : `interpreter ${name}: ${parsed.reason}`)
    lx.log(`lx: exec ${path}: ${describeExecFailure(failure)}`)
    return failure
  }
  // Its writable segments are committed memory (bss as vm_brk would charge it); the old image's goes.
  let writable = 0
  for (const seg of parsed.image.segments) if (seg.flags & SegmentFlag.W) writable += Math.ceil(((seg.vaddr % PAGE_SIZE) + seg.memsz) / PAGE_SIZE) * PAGE_SIZE
  if (!lx.canCommit(writable - (p.mm.users === 1 ? p.mm.committed : 0))) {
    return execFailure(-Errno.ENOMEM, `its writable segments need ${writable / 2 ** 20} MiB, more than the VM's memory can commit`)
  }
  // Frames for the new stack's strings and vectors, and the pages the image touches first.
  yield* lx.memory.reserve(64 + Math.ceil(size / PAGE_SIZE))
  const task = yield* newTask(lx)
  if (task < 0) return execFailure(task, 'cannot create an L4 task for the new image')
  const mm = new Mm(lx.memory, task, arch.layout)
  const brk = mapImage(mm, parsed.image, file.bytes, file.path, arch.layout)
  mm.brkBase = mm.brk = brk
  const tramp = arch.sigpage
  mm.insert({ start: tramp.addr, end: tramp.addr + 4096, prot: Prot.Read | Prot.Exec, flags: MapF.Private, file: { name: '[sigpage]', writable: false, pread: (d) => (d.set(tramp.code), tramp.code.length) }, offset: 0, name: '[sigpage]' })
  const rnd = new Uint8Array(16)
  lx.random(rnd)
  const sp = buildStack(mm, parsed.image, { argv, envp, execfn: path, random: rnd, uid: p.uid, gid: p.gid }, arch)
  if (sp === null) {
    mm.releaseAll()
    yield* deleteTask(lx, task)
    return execFailure(-Errno.E2BIG, 'the arguments and environment do not fit on the stack')
  }
  // Point of no return: the old image goes.
  const old = p.mm
  p.mm = mm
  if (--old.users === 0) {
    old.releaseAll()
    yield* deleteTask(lx, old.task)
  }
  // Other threads of the group die with the old image.
  for (const other of [...p.threads]) if (other !== t) reapThread(lx, other)
  p.threads.length = 0
  p.threads.push(t)
  p.files.closeOnExec()
  for (let s = 1; s <= 64; s++) if (p.actions[s].handler > 1) p.actions[s] = defaultSigAction()
  t.altStack = noAltStack()
  p.comm = path.split('/').pop()!.slice(0, 15)
  p.argv = argv
  p.envp = envp
  p.exePath = file.path
  yield* nameTask(lx, p)
  lx.cpu.startThread(parsed.image.entry + loadBias(parsed.image, arch.layout), sp)
  t.clearChildTid = 0
  if (p.vforkDone) {
    p.vforkDone()
    p.vforkDone = null
  }
  return null
}

/** execve(path, argv, envp) */
export function* execve(lx: Lx, t: LinuxThread, a: SyscallArgs): Generator<unknown, SyscallResult, number> {
  const mm = t.process.mm
  const path = mm.readString(a[0])
  if (path === null) return -Errno.EFAULT
  const argv = readStringArray(mm, a[1])
  if (typeof argv === 'number') return argv
  const envp = readStringArray(mm, a[2])
  if (typeof envp === 'number') return envp
  const failure = yield* exec(lx, t, path, argv, envp)
  return failure ? failure.errno : 'noreturn'
}
