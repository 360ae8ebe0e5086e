/**
 * The server loop of a native µApp (L4Re's registry server): wait, dispatch
 * on the protocol label, reply, wait again. A handler returns the reply tag
 * (MRs already written) or NO_REPLY when it answered already or must answer
 * later. Failed receives are skipped; a handler's exception kills the server
 * like any µApp error.
 */
import { Err, msgtag, tagHasError, tagLabel, type Sys, type ThreadBody } from '../../kernel/uapi'

export const NO_REPLY = -1

export type Handler = (label: number, tag: number) => Generator<unknown, number, number>

export interface ServeOptions {
  /** Called before every wait: servers that receive capabilities arm their buffer registers here. */
  beforeWait?: () => void
}

export function* serve(sys: Sys, handle: Handler, opts: ServeOptions = {}): ThreadBody {
  opts.beforeWait?.()
  let tag = yield sys.wait()
  for (;;) {
    if (tagHasError(tag)) {
      opts.beforeWait?.()
      tag = yield sys.wait()
      continue
    }
    const reply = yield* handle(sys.label, tag)
    opts.beforeWait?.()
    tag = reply === NO_REPLY ? yield sys.wait() : yield sys.replyAndWait(reply)
  }
}

export function errorReply(e: Err): number {
  return msgtag(-e, 0, 0, 0)
}

export function okReply(words = 0, items = 0): number {
  return msgtag(0, words, items, 0)
}

export { tagLabel }
