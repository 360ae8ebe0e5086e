#!/usr/bin/env node
// Builds l4lab's own guest userland for aarch64 and packs the root filesystem.
//
//   node scripts/guests/build-rootfs.mjs          build binaries, write the image
//   node scripts/guests/build-rootfs.mjs --bin    build binaries only (tests use this)
//   node scripts/guests/build-rootfs.mjs --check  rebuild from source in a temp dir
//                                                 and compare with the committed image
//   --force                                        rebuild even if up to date
//
// Sources: guests/libc (linked into every program), guests/sh (the shell),
// guests/bin/*.c and guests/demos/*.c (one program per file), guests/rootfs/**
// (files copied into the image as they are). Binaries go to
// build/guests/aarch64/bin, the image to resources/guests/aarch64/rootfs.cpio.gz.
//
// The image must be byte-identical on every machine with Debian's clang 14 and
// lld: no paths or build ids in the binaries, and a cpio written here with
// fixed times (0), owners (0:0), sorted names and inode numbers by position.
import { spawn, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync, constants as zc } from 'node:zlib'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const GUESTS = join(ROOT, 'guests')
const IMAGE = join(ROOT, 'resources', 'guests', 'aarch64', 'rootfs.cpio.gz')
const DEFAULT_OUT = join(ROOT, 'build', 'guests', 'aarch64')

const CC = 'clang'
const LD = 'ld.lld'
// Compiler flags, each for a reason:
//  -ffreestanding -fno-builtin  no hosted assumptions; our libc defines memcpy & co.
//  -nostdinc + resource dir     only our headers and clang's freestanding ones
//  -fno-pic                     static ET_EXEC binaries, the simplest thing for lx to load
//  -ffunction/data-sections     with --gc-sections each program keeps only the libc it uses
//  -fno-stack-protector         there is no TLS canary in our start code
//  -fno-(asynchronous-)unwind-tables  no C++ or backtraces: smaller binaries
//  -ffile-prefix-map            no build paths in the output, whatever the checkout path
const resourceDir = () => execFileSync(CC, ['-print-resource-dir'], { encoding: 'utf8' }).trim()
const cflags = (resDir) => [
  '--target=aarch64-linux-gnu', '-std=gnu11', '-O2',
  '-ffreestanding', '-fno-builtin', '-nostdlib', '-nostdinc',
  '-isystem', join(resDir, 'include'), '-I', join(GUESTS, 'libc', 'include'),
  '-static', '-fno-pic', '-fno-pie', '-ffunction-sections', '-fdata-sections',
  '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-fno-unwind-tables',
  `-ffile-prefix-map=${ROOT}=.`, '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-sign-compare',
]
// ld.lld: static, no build id (it would differ with nothing else), stripped,
// 4 KiB segment alignment (lld's aarch64 default is 64 KiB, which only pads).
const ldflags = ['-static', '--gc-sections', '--build-id=none', '--strip-all', '-z', 'max-page-size=4096',
  '-z', 'noexecstack', '-e', '_start']

/** Every program: its name, its directory in the image and its source files. */
function programs() {
  const list = []
  const cFiles = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.c')).sort() : [])
  const shDir = join(GUESTS, 'sh')
  if (cFiles(shDir).length) list.push({ name: 'sh', sources: cFiles(shDir).map((f) => join(shDir, f)) })
  for (const sub of ['bin', 'demos']) {
    const dir = join(GUESTS, sub)
    for (const f of cFiles(dir)) list.push({ name: basename(f, '.c'), sources: [join(dir, f)] })
  }
  // Test programs for the libc itself: built beside the others, not in the image.
  const testDir = join(GUESTS, 'libc', 'tests')
  for (const f of cFiles(testDir)) list.push({ name: basename(f, '.c'), sources: [join(testDir, f)], test: true })
  return list
}

function listFiles(dir) {
  const out = []
  const visit = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name)
      if (e.isDirectory()) visit(p)
      else out.push(p)
    }
  }
  if (existsSync(dir)) visit(dir)
  return out
}

/** A hash of everything that goes into the build, to skip it when unchanged. */
function inputHash() {
  const h = createHash('sha256')
  h.update(readFileSync(fileURLToPath(import.meta.url)))
  for (const f of listFiles(GUESTS)) {
    h.update(relative(ROOT, f))
    h.update(readFileSync(f))
  }
  return h.digest('hex')
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (err) process.stderr.write(err)
      if (code === 0) resolve()
      else reject(new Error(`${cmd} ${args.filter((a) => !a.startsWith('-')).slice(-2).join(' ')} failed (exit ${code})`))
    })
  })
}

async function pool(jobs, width) {
  let next = 0
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]()
  }
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker))
}

/** Compiles libc and all programs into outDir/bin. */
async function buildBinaries(outDir) {
  const flags = cflags(resourceDir())
  const objDir = join(outDir, 'obj')
  const binDir = join(outDir, 'bin')
  rmSync(objDir, { recursive: true, force: true })
  rmSync(binDir, { recursive: true, force: true })
  rmSync(join(outDir, 'tests'), { recursive: true, force: true })
  mkdirSync(join(objDir, 'libc'), { recursive: true })
  mkdirSync(binDir, { recursive: true })
  const width = Math.max(1, availableParallelism())

  const libcDir = join(GUESTS, 'libc', 'src')
  const libcSources = readdirSync(libcDir).filter((f) => f.endsWith('.c') || f.endsWith('.S')).sort()
  const libcObjs = libcSources.map((f) => join(objDir, 'libc', f.replace(/\.[cS]$/, '.o')))
  const progs = programs()
  const compile = (src, obj) => () => run(CC, [...flags, '-c', src, '-o', obj])
  const jobs = libcSources.map((f, i) => compile(join(libcDir, f), libcObjs[i]))
  for (const p of progs) {
    p.objs = p.sources.map((s) => join(objDir, p.name, basename(s, '.c') + '.o'))
    mkdirSync(join(objDir, p.name), { recursive: true })
    p.sources.forEach((s, i) => jobs.push(compile(s, p.objs[i])))
  }
  await pool(jobs, width)
  // entry.o (from entry.S) first so _start is at the beginning of .text.
  const libcLink = [...libcObjs].sort((a, b) => (basename(a) === 'entry.o' ? -1 : basename(b) === 'entry.o' ? 1 : 0))
  mkdirSync(join(outDir, 'tests'), { recursive: true })
  await pool(progs.map((p) => () =>
    run(LD, [...ldflags, '-o', join(p.test ? join(outDir, 'tests') : binDir, p.name), ...libcLink, ...p.objs])), width)
  return progs.filter((p) => !p.test).map((p) => p.name)
}

// ---- cpio (newc) ----

function cpioEntry(name, mode, data, ino, nlink) {
  const field = (v) => v.toString(16).padStart(8, '0')
  const nameBytes = Buffer.from(name + '\0')
  const header = '070701' + [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0].map(field).join('')
  const pad = (n) => Buffer.alloc((4 - (n % 4)) % 4)
  const head = Buffer.concat([Buffer.from(header, 'ascii'), nameBytes])
  return Buffer.concat([head, pad(head.length), data, pad(data.length)])
}

const S_IFDIR = 0o040000
const S_IFREG = 0o100000

/** The image's entries, sorted by name: skeleton dirs, guests/rootfs, bin. */
function rootfsEntries(binDir, names) {
  const entries = new Map()
  const dir = (p, perm = 0o755) => entries.set(p, { mode: S_IFDIR | perm, data: Buffer.alloc(0) })
  dir('.')
  for (const d of ['bin', 'dev', 'etc', 'proc', 'root']) dir(d)
  dir('tmp', 0o1777)
  const skel = join(GUESTS, 'rootfs')
  for (const f of listFiles(skel)) {
    const rel = relative(skel, f).split('\\').join('/')
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) if (!entries.has(parts.slice(0, i).join('/'))) dir(parts.slice(0, i).join('/'))
    // Git keeps only the executable bit; so do we.
    const perm = statSync(f).mode & 0o100 ? 0o755 : 0o644
    entries.set(rel, { mode: S_IFREG | perm, data: readFileSync(f) })
  }
  for (const n of names) entries.set(`bin/${n}`, { mode: S_IFREG | 0o755, data: readFileSync(join(binDir, n)) })
  return [...entries.entries()].sort(([a], [b]) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0))
}

function cpioArchive(entries) {
  const parts = entries.map(([name, e], i) => cpioEntry(name, e.mode, e.data, i + 1, e.mode & S_IFDIR ? 2 : 1))
  parts.push(cpioEntry('TRAILER!!!', 0, Buffer.alloc(0), 0, 1))
  return Buffer.concat(parts)
}

// Fixed zlib parameters: the stream depends only on them and the input.
const gzip = (buf) => gzipSync(buf, { level: 9, memLevel: 8, windowBits: 15, strategy: zc.Z_DEFAULT_STRATEGY })

function parseCpio(buf) {
  const out = []
  let at = 0
  while (at + 110 <= buf.length) {
    const h = buf.toString('ascii', at, at + 110)
    if (!h.startsWith('070701')) throw new Error(`bad cpio header at offset ${at}`)
    const f = (i) => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16)
    const namesize = f(11), filesize = f(6)
    const name = buf.toString('utf8', at + 110, at + 110 + namesize - 1)
    at = (at + 110 + namesize + 3) & ~3
    const data = buf.subarray(at, at + filesize)
    at = (at + filesize + 3) & ~3
    if (name === 'TRAILER!!!') break
    out.push({ name, header: h, data })
  }
  return out
}

function compareImages(committed, built) {
  const a = parseCpio(gunzipSync(committed))
  const b = parseCpio(gunzipSync(built))
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i], y = b[i]
    if (!x || !y || x.name !== y.name) {
      return `entry ${i}: committed has ${x ? x.name : '(nothing)'}, rebuilt has ${y ? y.name : '(nothing)'}`
    }
    if (x.header !== y.header) return `${x.name}: cpio header differs (mode, size or inode)`
    if (!x.data.equals(y.data)) {
      let k = 0
      while (x.data[k] === y.data[k]) k++
      return `${x.name}: contents differ from byte ${k} (0x${k.toString(16)})`
    }
  }
  if (!committed.equals(built)) return 'cpio contents are identical but the gzip streams differ (zlib version?)'
  return null
}

// ---- lock and main ----

/** Serializes builds started by parallel test files. The lock holds its
 * owner's pid, so a lock left by a killed build is taken over at once. */
function withLock(dir, fn) {
  mkdirSync(dir, { recursive: true })
  const lock = join(dir, '.lock')
  const t0 = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, 'pid'), String(process.pid))
      break
    } catch {
      let stale = false
      try {
        const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'))
        process.kill(pid, 0)
      } catch (e) {
        if (e.code === 'ESRCH') stale = true
        else if (e.code === 'ENOENT') {
          // No pid file yet (the owner just made the lock) counts as alive
          // unless it stays that way; a vanished lock is simply retried.
          try {
            stale = Date.now() - statSync(lock).mtimeMs > 10_000
          } catch {
            continue
          }
        }
      }
      if (stale) {
        rmSync(lock, { recursive: true, force: true })
        continue
      }
      if (Date.now() - t0 > 600_000) throw new Error(`timed out waiting for ${lock}`)
      execFileSync('sleep', ['0.2'])
    }
  }
  return fn().finally(() => rmSync(lock, { recursive: true, force: true }))
}

async function main() {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const binOnly = args.includes('--bin')
  const force = args.includes('--force')
  const t0 = performance.now()
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1)

  if (check) {
    const tmp = mkdtempSync(join(tmpdir(), 'l4lab-guests-'))
    try {
      const names = await buildBinaries(tmp)
      const built = gzip(cpioArchive(rootfsEntries(join(tmp, 'bin'), names)))
      if (!existsSync(IMAGE)) {
        console.error(`build-rootfs: --check: ${relative(ROOT, IMAGE)} does not exist; run without --check first`)
        process.exit(1)
      }
      const diff = compareImages(readFileSync(IMAGE), built)
      if (diff) {
        console.error(`build-rootfs: --check FAILED: ${relative(ROOT, IMAGE)} is not what the sources build:\n  ${diff}\n` +
          'Rebuild it with `node scripts/guests/build-rootfs.mjs` and commit it.')
        process.exit(1)
      }
      console.log(`build-rootfs: --check ok: ${names.length} programs, image ${built.length} bytes identical (${secs()} s)`)
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
    return
  }

  await withLock(DEFAULT_OUT, async () => {
    const stamp = join(DEFAULT_OUT, '.stamp')
    const hash = inputHash()
    let names
    if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8').split('\n')[0] === hash) {
      names = readFileSync(stamp, 'utf8').split('\n')[1].split(' ')
      console.log(`build-rootfs: binaries up to date (${names.length} programs)`)
    } else {
      names = await buildBinaries(DEFAULT_OUT)
      writeFileSync(stamp, `${hash}\n${names.join(' ')}\n`)
      console.log(`build-rootfs: built ${names.length} programs in ${secs()} s`)
    }
    if (binOnly) return
    const image = gzip(cpioArchive(rootfsEntries(join(DEFAULT_OUT, 'bin'), names)))
    mkdirSync(dirname(IMAGE), { recursive: true })
    if (existsSync(IMAGE) && readFileSync(IMAGE).equals(image)) {
      console.log(`build-rootfs: ${relative(ROOT, IMAGE)} unchanged (${image.length} bytes)`)
    } else {
      writeFileSync(IMAGE + '.tmp', image)
      renameSync(IMAGE + '.tmp', IMAGE)
      console.log(`build-rootfs: wrote ${relative(ROOT, IMAGE)} (${image.length} bytes)`)
    }
  })
}

main().catch((e) => {
  console.error(`build-rootfs: ${e.message}`)
  process.exit(1)
})
