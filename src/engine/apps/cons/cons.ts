/**
 * cons: the console multiplexer. Programs never get a terminal of their
 * own; they get a log capability from cons, which keeps one lab terminal (a
 * kernel Vcon, which the UI shows as a console) per client with the client's
 * tag and colour, and routes each terminal's input to its client only.
 *
 * - Its log factory (the gate labelled LOG_FACTORY, which ned uses as
 *   log_fab) speaks the factory protocol: create(LOG, colour, tag) → a new
 *   client: a Vcon named after the tag and a gate to cons for the client.
 * - A client's gate speaks the Vcon protocol (LOG: write, read, get_attr,
 *   set_attr) and the ICU protocol for its input interrupt: bind carries the
 *   client's Irq as an item; cons binds its terminal's input to it, so input
 *   wakes the client directly.
 *
 * Scroll-back for terminals that attach late is kept where the terminals meet
 * the host (the board's console history), see ../../lab/scenario-session.ts.
 */
import { BaseCap, CapRight, Err, IcuOp, MapItem, Proto, VconOp, Utcb, decodeFpage, FpageType, objFpage, tagItems, tagWords } from '../../kernel/uapi'
import { capReferences, createGate, createVcon, invoke, releaseCap, vconBindIrq, vconGetAttr, vconRead } from '../../l4/l4sys'
import { errorReply, okReply, serve } from '../../l4/runtime/server'
import type { NativeProgram, ProgramEnv } from '../../l4/runtime/program'

export const CONS_LOG_FACTORY = 1
const FIRST_CLIENT = 16

interface Client {
  tag: string
  colour: string
  vcon: number
  gate: number
  irq: number
}

const dec = new TextDecoder()

export function consProgram(): NativeProgram {
  return {
    name: 'cons',
    summary: 'console multiplexer: one lab terminal per client',
    *main(env: ProgramEnv) {
      const sys = env.sys
      const clients = new Map<number, Client>()
      const tags = new Set<string>()
      let next = FIRST_CLIENT
      // Where a client's Irq lands when it binds one (our first buffer register).
      let irqSlot = env.slots.alloc()

      function* dropUnheld(name: string): Generator<unknown, void, number> {
        for (const [id, c] of clients) {
          if (c.tag !== name || (yield* capReferences(sys, BaseCap.Task, c.gate)) !== 1) continue
          for (const slot of [c.gate, c.vcon, ...(c.irq ? [c.irq] : [])]) {
            yield* releaseCap(sys, BaseCap.Task, slot)
            env.slots.release(slot)
          }
          clients.delete(id)
          tags.delete(name)
        }
      }

      yield* serve(sys, function* (label, tag) {
        const proto = Math.floor(tag / 65536)
        if (label === CONS_LOG_FACTORY) {
          if (proto !== Proto.Factory || sys.utcb[0] !== Proto.Log) return errorReply(Err.EBadProto)
          const colour = String.fromCharCode(sys.utcb[1] & 0x7f)
          const len = sys.utcb[2]
          if (!Number.isInteger(len) || len <= 0 || len > 32) return errorReply(Err.EInval)
          let name = dec.decode(sys.bytes.subarray(24, 24 + len))
          if (!/^[A-Za-z0-9_.-]+$/.test(name)) return errorReply(Err.EInval)
          // A client nobody holds any more (its program ended, ned let it go) gives its tag back,
          // so a program started again gets its old terminal name.
          if (tags.has(name)) yield* dropUnheld(name)
          // Two clients with one tag get distinct terminals: "vm1", "vm1.2", …
          for (let n = 2; tags.has(name); n++) name = `${name.replace(/\.\d+$/, '')}.${n}`
          const vcon = env.slots.alloc()
          const r = yield* createVcon(sys, BaseCap.Factory, vcon, name, colour)
          if (r < 0) return errorReply(-r)
          const gate = env.slots.alloc()
          const id = next++
          const g = yield* createGate(sys, BaseCap.Factory, gate, BaseCap.Thread, id)
          if (g < 0) return errorReply(-g)
          clients.set(id, { tag: name, colour, vcon, gate, irq: 0 })
          tags.add(name)
          sys.utcb[0] = MapItem.Map
          sys.utcb[1] = objFpage(gate, 0, CapRight.RWS & 0xf)
          return okReply(0, 1)
        }
        const c = clients.get(label)
        if (!c) return errorReply(Err.ENoEnt)
        if (proto === Proto.Log) {
          switch (sys.utcb[0]) {
            case VconOp.Write: {
              // The words are already in our UTCB in the Vcon layout: pass them on.
              return yield* forward(sys, c.vcon, Proto.Log, tagWords(tag))
            }
            case VconOp.Read: {
              const got = yield* vconRead(sys, c.vcon, Math.min(496, Math.max(0, sys.utcb[1] | 0)))
              if (typeof got === 'number') return errorReply(-got)
              sys.utcb[0] = got.length
              sys.bytes.set(got, 8)
              return okReply(1 + Math.ceil(got.length / 8))
            }
            case VconOp.GetAttr: {
              const a = yield* vconGetAttr(sys, c.vcon)
              if (typeof a === 'number') return errorReply(-a)
              return okReply(6)
            }
            case VconOp.SetAttr:
              return yield* forward(sys, c.vcon, Proto.Log, 4)
            default:
              return errorReply(Err.ENoSys)
          }
        }
        if (proto === Proto.Irq && sys.utcb[0] === IcuOp.Bind) {
          // The client's Irq arrived as an item into our receive window (BR0): bind our terminal's input to it.
          if (tagItems(tag) < 1) return errorReply(Err.EInval)
          const fp = decodeFpage(sys.utcb[tagWords(tag) + 1])
          if (fp.type !== FpageType.Obj) return errorReply(Err.EInval)
          if (c.irq) yield* releaseCap(sys, BaseCap.Task, c.irq)
          c.irq = irqSlot
          irqSlot = env.slots.alloc()
          const r = yield* vconBindIrq(sys, c.vcon, c.irq)
          return r < 0 ? errorReply(-r) : okReply()
        }
        return errorReply(Err.EBadProto)
      }, {
        beforeWait: () => {
          sys.utcb[Utcb.Bdr] = 0
          sys.utcb[Utcb.BrFirst] = objFpage(irqSlot, 0, 0)
        },
      })
    },
  }
}

/** Passes the request in our UTCB on to a kernel object and returns its reply. */
function* forward(sys: ProgramEnv['sys'], cap: number, label: number, words: number): Generator<unknown, number, number> {
  const r = yield* invoke(sys, cap, label, words)
  return r < 0 ? errorReply(-r as Err) : okReply()
}
