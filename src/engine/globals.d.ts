/**
 * The few globals the engine may use: those every JavaScript host it runs in
 * (a Node worker, vitest, a browser worker) provides. The engine's tsconfig
 * has no DOM and no Node types, so anything else is a compile error.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number }
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string
}

/** Base64 decoding for embedded wasm (present in Node ≥ 16 and every browser). */
declare function atob(data: string): string

/** Web Crypto's random bytes (Node ≥ 19 and every browser and worker): the virtio entropy device's default source. */
declare const crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T }
