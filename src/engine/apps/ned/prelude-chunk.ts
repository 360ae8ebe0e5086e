/**
 * ned's prelude (prelude.ts) as a Lua binary chunk, compiled by fengari at
 * build time (scripts/build/lua.mjs). In a fresh process fengari's parser
 * is cold JavaScript: parsing the prelude's source took 40–90 ms of every
 * board's first start, loading the chunk takes a few. The chunk keeps its
 * line numbers, and ned.test.ts checks that it is the prelude of this
 * checkout.
 */
import { decodeBase64 } from '../../util/base64'
import { preludeChunkBase64 } from './generated/prelude-chunk'

export { PRELUDE_CHUNK_NAME } from './prelude'

let chunk: Uint8Array | null = null

/** The chunk's bytes; fengari only reads them. */
export function preludeChunk(): Uint8Array {
  return (chunk ??= decodeBase64(preludeChunkBase64))
}
