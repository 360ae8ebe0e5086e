// Runs an operation batch on both sides: qemu-aarch64 with the reference
// program, and the FP library's wasm test entry.
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { buildRef } from './build-ref.mjs'
import { buildWasm } from './build-wasm.mjs'
import { REC_IN, REC_OUT, type Batch } from './gen'

export function runQemu(batch: Batch): Buffer {
  const bin = buildRef()
  const head = Buffer.alloc(4)
  head.writeUInt32LE(batch.count)
  const r = spawnSync('qemu-aarch64', [bin], {
    input: Buffer.concat([head, batch.records]), maxBuffer: 1 << 30,
  })
  if (r.status !== 0) throw new Error(`fp-ref failed: status ${r.status} ${r.stderr}`)
  if (r.stdout.length !== batch.count * REC_OUT) throw new Error(`fp-ref wrote ${r.stdout.length} bytes`)
  return r.stdout
}

// tsconfig.node.json has no WebAssembly typings (lib ES2023, no DOM): the
// little used here is declared locally.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

interface Entry {
  memory: { buffer: ArrayBuffer }
  run(input: number, output: number, n: number): void
  alloc(bytes: number): number
  crossCheck(kind: number, n: number, seed: bigint): number
  ccA: { value: bigint }
  ccB: { value: bigint }
  ccC: { value: bigint }
}

export function loadWasm(): Entry {
  const mod = new wasm.Module(readFileSync(buildWasm()))
  const inst = new wasm.Instance(mod, { env: { abort: () => { throw new Error('abort in fp test entry') } } })
  return inst.exports as unknown as Entry
}

export function runWasm(batch: Batch, entry = loadWasm()): Buffer {
  const input = entry.alloc(batch.count * REC_IN)
  const output = entry.alloc(batch.count * REC_OUT)
  new Uint8Array(entry.memory.buffer, input, batch.records.length).set(batch.records)
  entry.run(input, output, batch.count)
  return Buffer.from(new Uint8Array(entry.memory.buffer, output, batch.count * REC_OUT))
}
