// The native side of the differential tests: native/harness.c, compiled with
// the host's C compiler into the OS temp directory (keyed by its source's
// hash), runs a batch of snippets on the host CPU in one process.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DATA_SIZE, type SnippetResult, type SnippetState } from './snippet'

const SOURCE = fileURLToPath(new URL('./native/harness.c', import.meta.url))

/** Why native runs are impossible here (not an x86-64 Linux host, no C compiler), or undefined. */
export function nativeUnavailable(): string | undefined {
  if (process.arch !== 'x64' || process.platform !== 'linux') return `host is ${process.platform}/${process.arch}, not linux/x64`
  const cc = spawnSync('cc', ['--version'])
  if (cc.status !== 0) return 'no C compiler (cc)'
  return undefined
}

let binary: string | undefined

function harness(): string {
  if (binary) return binary
  const src = readFileSync(SOURCE)
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16)
  const dir = join(tmpdir(), 'l4lab-x86-harness')
  mkdirSync(dir, { recursive: true })
  const out = join(dir, `harness-${hash}`)
  if (!existsSync(out)) {
    const r = spawnSync('cc', ['-O1', '-o', `${out}.tmp`, SOURCE], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot build the native harness: ${r.stderr}`)
    spawnSync('mv', [`${out}.tmp`, out])
  }
  binary = out
  return out
}

export interface NativeCase { code: Uint8Array; state: SnippetState; data: Uint8Array }

/** Runs every case natively, in order. */
export function runNative(cases: NativeCase[]): SnippetResult[] {
  const chunks: Buffer[] = []
  for (const c of cases) {
    const hdr = Buffer.alloc(8)
    hdr.writeUInt32LE(c.code.length, 0)
    const regs = Buffer.alloc(17 * 8)
    c.state.regs.forEach((v, i) => regs.writeBigUInt64LE(BigInt.asUintN(64, v), i * 8))
    regs.writeBigUInt64LE(c.state.rflags, 16 * 8)
    chunks.push(hdr, Buffer.from(c.code), regs, Buffer.from(c.state.xmm ?? new Uint8Array(256)), Buffer.from(c.data))
  }
  const r = spawnSync(harness(), [], { input: Buffer.concat(chunks), maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`native harness failed (${r.status ?? r.signal}): ${r.stderr?.toString()}`)
  const out = r.stdout
  const rec = 19 * 8 + 256 + DATA_SIZE
  if (out.length !== rec * cases.length) throw new Error(`native harness returned ${out.length} bytes for ${cases.length} cases`)
  return cases.map((_, k) => {
    const b = k * rec
    const regs = Array.from({ length: 16 }, (_, i) => out.readBigUInt64LE(b + i * 8))
    return {
      regs,
      rflags: out.readBigUInt64LE(b + 128),
      rip: out.readBigUInt64LE(b + 136),
      signal: Number(out.readBigUInt64LE(b + 144)),
      xmm: new Uint8Array(out.subarray(b + 152, b + 152 + 256)),
      data: new Uint8Array(out.subarray(b + 152 + 256, b + rec)),
    }
  })
}
