/**
 * hello-server and hello-client: two native µApps that talk over an
 * Ipc_gate (a ned channel) and both log through cons — the smallest
 * scenario that shows capabilities, IPC and consoles working together.
 *
 * hello-server binds the channel it was given as "server" and answers each
 * request n with n²; hello-client [COUNT] asks for 1² … COUNT² and exits.
 */
import { BaseCap, Err, msgtag, tagWords } from '../../kernel/uapi'
import { gateBind, vconWrite } from '../../l4/l4sys'
import { errorReply, okReply, serve } from '../../l4/runtime/server'
import type { NativeProgram } from '../../l4/runtime/program'

export const helloServer: NativeProgram = {
  name: 'hello-server',
  summary: 'answers n with n² on the channel it is given as "server"',
  *main(env) {
    const sys = env.sys
    const gate = env.caps.server
    if (gate === undefined) {
      yield* vconWrite(sys, env.log, 'hello-server: no "server" capability given\n')
      return
    }
    const r = yield* gateBind(sys, gate, BaseCap.Thread, 0x5e)
    if (r < 0) {
      yield* vconWrite(sys, env.log, `hello-server: cannot bind the channel (error ${r})\n`)
      return
    }
    yield* vconWrite(sys, env.log, 'hello-server: waiting for requests\n')
    let served = 0
    yield* serve(sys, function* (label, tag) {
      if (label !== 0x5e || tagWords(tag) < 1) return errorReply(Err.EInval)
      const n = sys.utcb[0]
      served++
      sys.utcb[0] = n * n
      const reply = okReply(1)
      yield* vconWrite(sys, env.log, `hello-server: request ${served}: ${n} -> ${n * n}\n`)
      sys.utcb[0] = n * n
      return reply
    })
  },
}

export const helloClient: NativeProgram = {
  name: 'hello-client',
  summary: 'asks hello-server for the squares of 1..COUNT',
  *main(env) {
    const sys = env.sys
    const count = Number(env.args[1] ?? 3)
    const gate = env.caps.server
    if (gate === undefined || !Number.isInteger(count) || count < 0) {
      yield* vconWrite(sys, env.log, 'usage: hello-client COUNT (with a "server" capability)\n')
      return
    }
    for (let i = 1; i <= count; i++) {
      sys.utcb[0] = i
      const tag = yield sys.call(gate, msgtag(0, 1, 0, 0))
      if (tag & 0x8000) {
        yield* vconWrite(sys, env.log, `hello-client: call failed (IPC error ${sys.error})\n`)
        return
      }
      const answer = sys.utcb[0]
      yield* vconWrite(sys, env.log, `hello-client: ${i}^2 = ${answer}\n`)
    }
    yield* vconWrite(sys, env.log, 'hello-client: done\n')
  },
}
