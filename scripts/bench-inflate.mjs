#!/usr/bin/env node
/**
 * Benchmarks our gzip decoder (OURS_SRC, pure TypeScript) against the npm
 * package fflate (pure JS), with node:zlib (native) as a reference.
 *
 *   node scripts/bench-inflate.mjs [options] FILE.gz [LABEL=FILE.gz ...]
 *
 * Options:
 *   --fflate DIR   where fflate is installed: an npm prefix (DIR/node_modules/fflate)
 *                  or the package directory itself; default: resolve `fflate` normally
 *   --procs N      fresh child processes per (implementation, file); default 3
 *   --runs N       timed warm runs per child; default 15 (at least 10)
 *   --warmups N    untimed warm-up runs before them; default 3. V8 needs a few
 *                  dozen calls to fully optimize a decoder on a small file, so
 *                  e.g. --warmups 60 gives the steady state.
 *   --impls LIST   comma-separated subset of: ours,fflate,fflate_stream,zlib
 *
 * Both decoders are bundled on the fly with esbuild, the same way (ESM,
 * platform neutral, unminified), so both are measured as the engine would
 * load them; fflate resolves to its non-Node (browser/neutral) build, which
 * is the one an engine without Node built-ins would bundle.
 *
 * Every (implementation, file) measurement runs in a fresh child process:
 *   load_ms       importing the bundled module
 *   cold_ms       the first decompression in that process (only the call)
 *   warm_ms       median of --runs decompressions after --warmups warm-ups (no forced
 *                 gc() between them: on this 2-CPU VM a gc() before each run made
 *                 the next runs 2-10x slower and erratic, for both decoders)
 * and per implementation:
 *   ours          gunzip(): all members, CRC-32 and ISIZE of each checked;
 *                 also inflateRaw() alone (no gzip framing, no CRC) and crc32() alone
 *   fflate        gunzipSync(): first member only, CRC-32 and ISIZE NOT checked;
 *                 "+crc" = gunzipSync + a CRC-32/ISIZE check with our crc32()
 *                 (fflate exports no CRC-32 function), the fair comparison with ours
 *   fflate_stream new Gunzip().push(data, true): the fflate API that handles
 *                 multi-member gzip (still no CRC-32/ISIZE check)
 *   zlib          node:zlib gunzipSync (native, checks CRC/ISIZE), reference only
 * Outputs are compared byte for byte with node:zlib's.
 *
 * Output: `key: value unit` lines. MB = 10^6 bytes of decompressed output.
 */
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as zlib from 'node:zlib'

/** Our decoder; the one place to change when it moves (to src/engine/formats/gzip.ts). */
const OURS_SRC = 'src/engine/formats/gzip.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ALL_IMPLS = ['ours', 'fflate', 'fflate_stream', 'zlib']

// ---------------------------------------------------------------- helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x))
const out = (key, value, unit = '') => console.log(`${key}: ${value}${unit ? ' ' + unit : ''}`)
const hex8 = (n) => (n >>> 0).toString(16).padStart(8, '0')

/** Offset of the DEFLATE data of the gzip member at 0 (RFC 1952 §2.3). */
function gzipHeaderLength(d) {
  const flg = d[3]
  let p = 10
  if (flg & 4) p += 2 + (d[10] | (d[11] << 8))
  if (flg & 8) { while (d[p] !== 0) p++; p++ }
  if (flg & 16) { while (d[p] !== 0) p++; p++ }
  if (flg & 2) p += 2
  return p
}

/**
 * fflate's internal CRC-32 (not exported by fflate: `crc`/`crct` in its
 * source), copied verbatim for comparison: one table, a byte per step.
 */
const fflateCrcTable = (() => {
  const t = new Int32Array(256)
  for (let i = 0; i < 256; ++i) {
    let c = i, k = 9
    while (--k) c = ((c & 1) && -306674912) ^ (c >>> 1)
    t[i] = c
  }
  return t
})()
function fflateInternalCrc32(d) {
  let cr = -1
  for (let i = 0; i < d.length; ++i) cr = fflateCrcTable[(cr & 255) ^ d[i]] ^ (cr >>> 8)
  return ~cr >>> 0
}

// ---------------------------------------------------------------- child: one measurement

async function child(impl, file, oursMod, fflateMod, runs, warmups, dumpPath) {
  const input = new Uint8Array(fs.readFileSync(file))
  const hdr = gzipHeaderLength(input)
  const dv = new DataView(input.buffer, input.byteOffset + input.length - 8, 8)
  const trailerCrc = dv.getUint32(0, true)
  const trailerIsize = dv.getUint32(4, true)
  const now = () => performance.now()
  const res = { impl }

  let op // the decompression, returning the output
  let t0 = now()
  if (impl === 'ours') {
    const ours = await import(oursMod)
    res.load_ms = now() - t0
    op = () => {
      const r = ours.gunzip(input)
      if (!r.ok) throw new Error(r.error)
      return r.data
    }
  } else if (impl === 'fflate') {
    const ff = await import(fflateMod)
    res.load_ms = now() - t0
    op = () => ff.gunzipSync(input)
  } else if (impl === 'fflate_stream') {
    const ff = await import(fflateMod)
    res.load_ms = now() - t0
    op = () => {
      const chunks = []
      let total = 0
      const g = new ff.Gunzip((chunk) => { chunks.push(chunk); total += chunk.length })
      g.push(input, true)
      if (chunks.length === 1) return chunks[0]
      const o = new Uint8Array(total)
      let p = 0
      for (const c of chunks) { o.set(c, p); p += c.length }
      return o
    }
  } else if (impl === 'zlib') {
    res.load_ms = 0 // built in
    op = () => zlib.gunzipSync(input)
  } else throw new Error(`unknown implementation ${impl}`)

  // COLD: the first call in this process.
  t0 = now()
  let data = op()
  res.cold_ms = now() - t0

  // Our crc32 (for the CRC pass fflate lacks), loaded only now so that it
  // does not warm anything before fflate's cold call.
  const ours = await import(oursMod)
  const crcPass = (d) => {
    if (ours.crc32(d) !== trailerCrc) throw new Error('CRC-32 mismatch')
    if ((d.length >>> 0) !== trailerIsize) throw new Error('ISIZE mismatch')
  }
  if (impl === 'fflate' || impl === 'fflate_stream') {
    t0 = now()
    crcPass(data)
    res.crc_cold_ms = now() - t0
  }

  // WARM: median of `runs` calls after `warmups` warm-ups.
  const timeIt = (f) => {
    for (let i = 0; i < warmups; i++) f()
    const ts = []
    for (let i = 0; i < runs; i++) {
      const s = now()
      f()
      ts.push(now() - s)
    }
    return { median: median(ts), min: Math.min(...ts), max: Math.max(...ts) }
  }
  const w = timeIt(() => { data = op() })
  res.warm_ms = w.median
  res.warm_min_ms = w.min
  res.warm_max_ms = w.max
  if (impl === 'fflate' || impl === 'fflate_stream') {
    res.warm_plus_crc_ms = timeIt(() => crcPass(op())).median
  }
  if (impl === 'ours') {
    res.inflate_only_warm_ms = timeIt(() => {
      const r = ours.inflateRaw(input, 1 << 30, hdr)
      if (!r.ok) throw new Error(r.error)
    }).median
    res.crc_ours_warm_ms = timeIt(() => ours.crc32(data)).median
    res.crc_fflate_internal_warm_ms = timeIt(() => fflateInternalCrc32(data)).median
    if (zlib.crc32) res.crc_zlib_warm_ms = timeIt(() => zlib.crc32(data)).median
    res.crc_ours = hex8(ours.crc32(data))
    res.crc_fflate_internal = hex8(fflateInternalCrc32(data))
    if (zlib.crc32) res.crc_zlib = hex8(zlib.crc32(data))
  }
  res.out_bytes = data.length
  fs.writeFileSync(dumpPath, data)
  process.stdout.write(JSON.stringify(res) + '\n')
}

// ---------------------------------------------------------------- parent

function parseArgs(argv) {
  const o = { fflate: null, procs: 3, runs: 15, warmups: 3, impls: ALL_IMPLS, files: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--fflate') o.fflate = argv[++i]
    else if (a === '--procs') o.procs = Number(argv[++i])
    else if (a === '--runs') o.runs = Number(argv[++i])
    else if (a === '--warmups') o.warmups = Number(argv[++i])
    else if (a === '--impls') o.impls = argv[++i].split(',')
    else if (a === '-h' || a === '--help') o.help = true
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`)
    else {
      const eq = a.indexOf('=')
      const file = eq > 0 ? a.slice(eq + 1) : a
      const label = eq > 0 ? a.slice(0, eq) : path.basename(file).split('.')[0]
      o.files.push({ label, file: path.resolve(file) })
    }
  }
  if (o.runs < 10) throw new Error('--runs must be at least 10')
  return o
}

/** The fflate package directory. */
function fflateDir(opt) {
  if (opt) {
    const d = path.resolve(opt)
    for (const c of [d, path.join(d, 'node_modules', 'fflate')]) {
      try {
        if (JSON.parse(fs.readFileSync(path.join(c, 'package.json'), 'utf8')).name === 'fflate') return c
      } catch { /* next */ }
    }
    throw new Error(`no fflate package in ${d} or ${d}/node_modules/fflate`)
  }
  try {
    return path.dirname(createRequire(path.join(ROOT, 'package.json')).resolve('fflate/package.json'))
  } catch {
    throw new Error('fflate is not installed here: install it somewhere (npm install --prefix DIR fflate) and pass --fflate DIR')
  }
}

const esbuildOpts = { bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'silent' }

async function bundleFrom(contents, resolveDir, outfile, extra = {}) {
  const r = await build({ ...esbuildOpts, stdin: { contents, resolveDir, loader: 'js' }, ...(outfile ? { outfile } : { write: false }), ...extra })
  return outfile ? fs.statSync(outfile).size : r.outputFiles[0].contents
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (o.help || o.files.length === 0) {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0])
    process.exit(o.help ? 0 : 2)
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-inflate-'))
  try {
    // Bundles.
    const oursSrc = path.join(ROOT, OURS_SRC)
    const oursMod = path.join(tmp, 'ours.mjs')
    await build({ ...esbuildOpts, entryPoints: [oursSrc], outfile: oursMod })
    const ffDir = fflateDir(o.fflate)
    const ffPkg = JSON.parse(fs.readFileSync(path.join(ffDir, 'package.json'), 'utf8'))
    // Resolve through the package's exports like any bundler would (neutral: the
    // "import" condition, i.e. the build without Node built-ins).
    const ffResolve = { nodePaths: [path.dirname(ffDir)] }
    const ffMod = path.join(tmp, 'fflate.mjs')
    await bundleFrom(`export { gunzipSync, Gunzip } from 'fflate'`, tmp, ffMod, ffResolve)

    out('env.node', process.version)
    out('env.cpu', `"${os.cpus()[0]?.model ?? '?'}" x${os.cpus().length}`)
    out('env.ours_src', OURS_SRC)
    out('env.fflate_version', ffPkg.version)
    out('env.fflate_license', ffPkg.license)
    out('env.fflate_dir', ffDir)
    out('env.procs_runs_warmups', `${o.procs} ${o.runs} ${o.warmups}`)

    // Bundle sizes: minified, and minified + gzip -9.
    const sizes = {
      ours_all: [`export * from ${JSON.stringify(oursSrc)}`, ROOT],
      fflate_gunzipSync: [`export { gunzipSync } from 'fflate'`, tmp],
      fflate_gunzipSync_Gunzip: [`export { gunzipSync, Gunzip } from 'fflate'`, tmp],
      fflate_all: [`export * from 'fflate'`, tmp],
    }
    for (const [k, [src, dir]] of Object.entries(sizes)) {
      const b = await bundleFrom(src, dir, null, { ...ffResolve, minify: true })
      out(`size.${k}.min`, b.length, 'B')
      out(`size.${k}.min_gz`, zlib.gzipSync(b, { level: 9 }).length, 'B')
    }

    checks(await import(pathToFileURL(oursMod).href), await import(pathToFileURL(ffMod).href))

    for (const { label, file } of o.files) {
      const input = fs.readFileSync(file)
      const ref = zlib.gunzipSync(input)
      const mb = ref.length / 1e6
      const key = `inflate.${label}`
      out(`${key}.file`, file)
      out(`${key}.compressed_bytes`, input.length, 'B')
      out(`${key}.decompressed_bytes`, ref.length, 'B')
      out(`${key}.loadavg_before`, os.loadavg().map((x) => x.toFixed(2)).join(' '))
      const results = Object.fromEntries(o.impls.map((i) => [i, []]))
      // Interleave implementations so that drift hits all alike.
      for (let p = 0; p < o.procs; p++) {
        for (const impl of o.impls) {
          const dump = path.join(tmp, `out-${impl}.bin`)
          const r = spawnSync(
            process.execPath,
            [fileURLToPath(import.meta.url), '--child', impl, file, pathToFileURL(oursMod).href, pathToFileURL(ffMod).href, String(o.runs), String(o.warmups), dump],
            { encoding: 'utf8', maxBuffer: 1 << 20 },
          )
          if (r.status !== 0) {
            out(`${key}.${impl}.error`, JSON.stringify((r.stderr || '').trim().split('\n').slice(0, 3).join(' | ')))
            continue
          }
          const res = JSON.parse(r.stdout.trim().split('\n').pop())
          res.identical = fs.readFileSync(dump).equals(ref)
          fs.rmSync(dump)
          results[impl].push(res)
        }
      }
      out(`${key}.loadavg_after`, os.loadavg().map((x) => x.toFixed(2)).join(' '))
      for (const impl of o.impls) {
        const rs = results[impl]
        if (rs.length === 0) continue
        const k = `${key}.${impl}`
        const all = (f) => rs.map(f)
        const rng = (xs) => `[${xs.map((x) => fmt(x)).join(', ')}]`
        out(`${k}.identical_to_zlib`, rs.every((r) => r.identical) ? 'yes' : `NO (${all((r) => r.identical)})`)
        out(`${k}.load_ms`, fmt(median(all((r) => r.load_ms))), `ms  per process ${rng(all((r) => r.load_ms))}`)
        const cold = median(all((r) => r.cold_ms))
        out(`${k}.cold_ms`, fmt(cold), `ms  per process ${rng(all((r) => r.cold_ms))}`)
        out(`${k}.cold_MBps`, fmt(mb / (cold / 1e3), 1), 'MB/s')
        const warm = median(all((r) => r.warm_ms))
        out(`${k}.warm_ms`, fmt(warm), `ms  per process ${rng(all((r) => r.warm_ms))}, min..max ${fmt(Math.min(...all((r) => r.warm_min_ms)))}..${fmt(Math.max(...all((r) => r.warm_max_ms)))}`)
        out(`${k}.warm_MBps`, fmt(mb / (warm / 1e3), 1), 'MB/s')
        out(`${k}.warm_min_ms`, fmt(Math.min(...all((r) => r.warm_min_ms))), 'ms  (fastest single run, least disturbed by other load)')
        if (rs[0].crc_cold_ms !== undefined) {
          const cc = median(all((r) => r.crc_cold_ms))
          out(`${k}.crc_pass_cold_ms`, fmt(cc), `ms  (our crc32 + ISIZE after ${impl}) ${rng(all((r) => r.crc_cold_ms))}`)
          out(`${k}+crc.cold_ms`, fmt(cold + cc), 'ms')
          const wc = median(all((r) => r.warm_plus_crc_ms))
          out(`${k}+crc.warm_ms`, fmt(wc), `ms  ${rng(all((r) => r.warm_plus_crc_ms))}`)
          out(`${k}+crc.warm_MBps`, fmt(mb / (wc / 1e3), 1), 'MB/s')
        }
        if (rs[0].inflate_only_warm_ms !== undefined) {
          const io = median(all((r) => r.inflate_only_warm_ms))
          out(`${k}.inflate_only_warm_ms`, fmt(io), `ms  (inflateRaw, no CRC) ${rng(all((r) => r.inflate_only_warm_ms))}`)
          out(`${k}.inflate_only_warm_MBps`, fmt(mb / (io / 1e3), 1), 'MB/s')
          for (const [name, f] of [['ours', 'crc_ours_warm_ms'], ['fflate_internal', 'crc_fflate_internal_warm_ms'], ['zlib', 'crc_zlib_warm_ms']]) {
            if (rs[0][f] === undefined) continue
            const c = median(all((r) => r[f]))
            out(`crc32.${label}.${name}.warm_ms`, fmt(c), `ms  ${rng(all((r) => r[f]))}`)
            out(`crc32.${label}.${name}.warm_MBps`, fmt(mb / (c / 1e3), 1), 'MB/s')
          }
          const trailer = hex8(input.readUInt32LE(input.length - 8))
          out(`crc32.${label}.values`, `ours=${rs[0].crc_ours} fflate_internal=${rs[0].crc_fflate_internal} zlib=${rs[0].crc_zlib ?? 'n/a'} gzip_trailer=${trailer}`)
        }
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** Behaviour on multi-member and corrupt gzip (what each decoder accepts or rejects). */
function checks(ours, ff) {
  const a = new Uint8Array(200000).map((_, i) => (i * 7) & 0xff ^ (i >> 9))
  const b = new TextEncoder().encode('second member\n'.repeat(1000))
  const ga = zlib.gzipSync(a), gb = zlib.gzipSync(b)
  const want = Buffer.concat([a, b])
  const cases = {
    multi_member: Buffer.concat([ga, gb]),
    bad_crc: (() => { const x = Buffer.from(ga); x[x.length - 8] ^= 1; return x })(),
    bad_isize_small: (() => { const x = Buffer.from(ga); x.writeUInt32LE(1000, x.length - 4); return x })(),
    bad_isize_large: (() => { const x = Buffer.from(ga); x.writeUInt32LE(a.length + 1000, x.length - 4); return x })(),
    trailer_truncated: ga.subarray(0, ga.length - 3),
    // A bit flipped in the DEFLATE data; the stream may still decode, to wrong bytes.
    corrupt_payload: (() => { const x = Buffer.from(ga); x[(x.length >> 1)] ^= 0x10; return x })(),
  }
  const wantOf = { multi_member: want }
  const runs = {
    ours: (d) => { const r = ours.gunzip(d); if (!r.ok) throw new Error(r.error); return r.data },
    fflate: (d) => ff.gunzipSync(d),
    fflate_stream: (d) => { const cs = []; const g = new ff.Gunzip((c) => cs.push(c)); g.push(d, true); return Buffer.concat(cs) },
    zlib: (d) => zlib.gunzipSync(d),
  }
  for (const [c, input] of Object.entries(cases)) {
    const expect = wantOf[c] ?? a
    for (const [impl, f] of Object.entries(runs)) {
      let v
      try {
        const d = f(input)
        v = Buffer.from(d.buffer, d.byteOffset, d.length).equals(expect)
          ? 'accepted, output correct'
          : `accepted, output WRONG (${d.length} bytes, want ${expect.length})`
      } catch (e) {
        v = `rejected (${String(e.message).split('\n')[0]})`
      }
      out(`check.${c}.${impl}`, JSON.stringify(v))
    }
  }
}

if (process.argv[2] === '--child') {
  const [, , , impl, file, oursMod, ffMod, runs, warmups, dump] = process.argv
  await child(impl, file, oursMod, ffMod, Number(runs), Number(warmups), dump)
} else {
  await main()
}
