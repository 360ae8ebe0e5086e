#!/usr/bin/env node
// Builds the material for a Debian arm64 kernel in a VM (docs/guests.md,
// "Debian arm64 kernel") from what scripts/guests/fetch-debian.sh put in
// .cache/debian, without the network, into build/guests/linux-arm64:
//   Image              the kernel, as Debian ships it
//   initramfs.cpio.gz  busybox, /init (guests/linux-arm64/init), the modules
//   disk.img           1 MiB raw disk whose first line is DISK_FIRST_LINE
//   manifest.json      the files, the kernel release, the module load order
//
//   node scripts/guests/build-linux-guest.mjs [--force] [--out DIR]
//
// Reproducible: the same inputs give byte-identical files (cpio entries with
// mtime 0 and owner 0:0 in name order; gzip with fixed zlib parameters,
// whose header carries mtime 0).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync, constants as zc } from 'node:zlib'
import { isFresh } from '../lib/fresh.mjs'

const ROOT = join(fileURLToPath(import.meta.url), '../../..')
export const CACHE = join(ROOT, '.cache/debian')
export const KERNEL_CACHE = join(CACHE, 'linux-arm64')
export const OUT_DIR = join(ROOT, 'build/guests/linux-arm64')
const GUEST_DIR = join(ROOT, 'guests/linux-arm64')
const CPIO_TS = join(ROOT, 'src/engine/formats/cpio.ts')
export const DISK_FIRST_LINE = 'l4lab disk: hello from virtio-blk'
const DISK_BYTES = 1 << 20

/** Why the material cannot be built here, or undefined when it can. */
export function missingCache() {
  for (const f of ['busybox', 'linux-arm64/release', 'linux-arm64/Image', 'linux-arm64/modules/depends']) {
    if (!existsSync(join(CACHE, f))) return `no .cache/debian/${f}; run scripts/guests/fetch-debian.sh`
  }
  return undefined
}

/** Parses modules/depends ("NAME: DEP DEP" lines) into a map. */
export function parseDepends(text) {
  const deps = new Map()
  for (const line of text.split('\n')) {
    const m = /^([\w-]+):(.*)$/.exec(line.trim())
    if (m) deps.set(m[1], m[2].trim().split(/\s+/).filter(Boolean))
  }
  return deps
}

/**
 * The modules in an order insmod accepts: each after what it depends on;
 * otherwise in the order `wanted` names them. Throws on a dependency that is
 * not in `deps` or on a cycle (modpost allows none).
 */
export function loadOrder(deps, wanted) {
  const order = []
  const state = new Map()
  const visit = (name, from) => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') throw new Error(`module dependency cycle through ${name}`)
    if (!deps.has(name)) throw new Error(`module ${name}${from ? ` (needed by ${from})` : ''} is not in modules/depends`)
    state.set(name, 'visiting')
    for (const d of deps.get(name)) visit(d, name)
    state.set(name, 'done')
    order.push(name)
  }
  for (const name of wanted) visit(name, undefined)
  return order
}

/** The module names in guests/linux-arm64/modules. */
export function wantedModules() {
  return readFileSync(join(GUEST_DIR, 'modules'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
}

// The project's cpio writer is TypeScript; esbuild makes it importable here.
async function importWriteCpio() {
  const { build } = await import('esbuild')
  const out = await build({ entryPoints: [CPIO_TS], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'warning' })
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`)
  return mod.writeCpio
}

const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const S_IFCHR = 0o020000

/** The initramfs entries, parents before children (names sorted bytewise). */
function initramfsEntries(release, order) {
  const entries = []
  const dir = (name, perm = 0o755) => entries.push({ name, mode: S_IFDIR | perm, nlink: 2 })
  const file = (name, data, perm = 0o644) => entries.push({ name, mode: S_IFREG | perm, data })
  for (const d of ['bin', 'dev', 'etc', 'lib', 'lib/modules', `lib/modules/${release}`, 'proc', 'sbin', 'sys', 'usr', 'usr/bin', 'usr/sbin']) dir(d)
  dir('root', 0o700)
  dir('tmp', 0o1777)
  file('bin/busybox', readFileSync(join(CACHE, 'busybox')), 0o755)
  // The one link /init needs before it installs the others: its interpreter.
  entries.push({ name: 'bin/sh', mode: S_IFLNK | 0o777, data: Buffer.from('busybox') })
  // The kernel opens /dev/console for init's stdin, stdout and stderr before
  // anything could mount devtmpfs.
  entries.push({ name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1 })
  file('init', readFileSync(join(GUEST_DIR, 'init')), 0o755)
  file(`lib/modules/${release}/load-order`, Buffer.from(order.join('\n') + '\n'))
  for (const m of order) file(`lib/modules/${release}/${m}.ko`, readFileSync(join(KERNEL_CACHE, 'modules', `${m}.ko`)))
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
  return entries.map((e, i) => ({ ...e, ino: i + 1 }))
}

// Fixed zlib parameters: the stream depends only on them and the input.
const gzip = (buf) => gzipSync(buf, { level: 9, memLevel: 8, windowBits: 15, strategy: zc.Z_DEFAULT_STRATEGY })

function diskImage() {
  const disk = Buffer.alloc(DISK_BYTES)
  disk.write(DISK_FIRST_LINE + '\n', 'ascii')
  return disk
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex')

function writeIfChanged(path, data) {
  if (existsSync(path) && readFileSync(path).equals(data)) return
  writeFileSync(path + '.tmp', data)
  renameSync(path + '.tmp', path)
}

const inputs = () => [KERNEL_CACHE, join(CACHE, 'busybox'), GUEST_DIR, CPIO_TS, fileURLToPath(import.meta.url)]
const outputs = (outDir) => ['manifest.json', 'Image', 'initramfs.cpio.gz', 'disk.img'].map((f) => join(outDir, f))

/**
 * Builds into outDir. Returns 'built', 'up to date', or 'skipped (REASON)'
 * when the cache lacks the kernel; throws with a one-line message on bad
 * cache contents.
 */
export async function buildLinuxGuest({ force = false, outDir = OUT_DIR } = {}) {
  const missing = missingCache()
  if (missing) return `skipped (${missing})`
  if (!force && isFresh(inputs(), outputs(outDir))) return 'up to date'
  const release = readFileSync(join(KERNEL_CACHE, 'release'), 'utf8').trim()
  const deps = parseDepends(readFileSync(join(KERNEL_CACHE, 'modules/depends'), 'utf8'))
  const builtin = readFileSync(join(KERNEL_CACHE, 'modules/builtin'), 'utf8').split('\n').filter(Boolean)
  const order = loadOrder(deps, wantedModules().filter((m) => !builtin.includes(m)))
  const writeCpio = await importWriteCpio()
  const initramfs = gzip(Buffer.from(writeCpio(initramfsEntries(release, order))))
  const disk = diskImage()
  mkdirSync(outDir, { recursive: true })
  copyFileSync(join(KERNEL_CACHE, 'Image'), join(outDir, 'Image'))
  writeIfChanged(join(outDir, 'initramfs.cpio.gz'), initramfs)
  writeIfChanged(join(outDir, 'disk.img'), disk)
  const manifest = {
    release,
    package: readFileSync(join(KERNEL_CACHE, 'package'), 'utf8').trim(),
    kernel: 'Image',
    initramfs: 'initramfs.cpio.gz',
    disk: 'disk.img',
    diskFirstLine: DISK_FIRST_LINE,
    diskSectors: DISK_BYTES / 512,
    modules: order,
    builtinModules: builtin,
    sha256: {
      'initramfs.cpio.gz': sha256(initramfs),
      'disk.img': sha256(disk),
      Image: sha256(readFileSync(join(outDir, 'Image'))),
    },
  }
  // Written last and always: its mtime is what says the outputs are fresh.
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return 'built'
}

/** The files of a build directory, for comparing two builds. */
export const OUTPUT_FILES = ['initramfs.cpio.gz', 'disk.img', 'manifest.json']

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--out')
  const outDir = at >= 0 ? resolve(args[at + 1]) : OUT_DIR
  buildLinuxGuest({ force: args.includes('--force'), outDir }).then(
    (what) => console.log(`build-linux-guest: ${relative(ROOT, outDir) || outDir} ${what}${what === 'built' ? ` (${readdirSync(outDir).join(', ')})` : ''}`),
    (e) => {
      console.error(`build-linux-guest: ${e.message}`)
      process.exit(1)
    },
  )
}
