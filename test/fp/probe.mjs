// Runs single operations on both sides and prints them, for debugging a
// mismatch: node test/fp/probe.mjs OP FPCR A [B [C]]   (numbers in hex or
// decimal), e.g. node test/fp/probe.mjs D_MADD 0x400000 0x3ff0000000000001 0x3ff0000000000001 0xbff0000000000000
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { OPS } from './ops.mjs'
import { buildRef } from './build-ref.mjs'
import { buildWasm } from './build-wasm.mjs'

const [name, fpcr, a = '0', b = '0', c = '0'] = process.argv.slice(2)
const op = OPS.find((o) => o.name === name)
if (!op || fpcr === undefined) {
  console.error('usage: node test/fp/probe.mjs OP FPCR A [B [C]]\noperations: ' + OPS.map((o) => o.name).join(' '))
  process.exit(2)
}
const rec = Buffer.alloc(36)
rec.writeUInt32LE(1, 0)
rec.writeUInt32LE(op.id, 4)
rec.writeUInt32LE(Number(fpcr) >>> 0, 8)
rec.writeBigUInt64LE(BigInt(a), 12)
rec.writeBigUInt64LE(BigInt(b), 20)
rec.writeBigUInt64LE(BigInt(c), 28)

const q = spawnSync('qemu-aarch64', [buildRef()], { input: rec })
const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(buildWasm())), { env: { abort() { throw new Error('abort') } } })
const e = inst.exports
const inp = e.alloc(32), out = e.alloc(16)
new Uint8Array(e.memory.buffer, inp, 32).set(rec.subarray(4))
e.run(inp, out, 1)
const w = Buffer.from(new Uint8Array(e.memory.buffer, out, 16))
const FLAGS = [['IOC', 0], ['DZC', 1], ['OFC', 2], ['UFC', 3], ['IXC', 4], ['IDC', 7]]
const show = (buf) => {
  const f = buf.readUInt32LE(8)
  return `0x${buf.readBigUInt64LE(0).toString(16)} [${FLAGS.filter(([, bit]) => f & (1 << bit)).map(([n]) => n).join(' ')}]`
}
console.log(`qemu: ${show(q.stdout)}\nours: ${show(w)}`)
