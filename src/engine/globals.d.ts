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

/** WebAssembly, as far as the CPU cores use it (synchronous instantiation). */
declare namespace WebAssembly {
  type ImportValue = ((...args: never[]) => unknown) | Memory | Global | Table | number
  type Imports = Record<string, Record<string, ImportValue>>
  type Exports = Record<string, unknown>
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer)
  }
  class Instance {
    constructor(module: Module, imports?: Imports)
    readonly exports: Exports
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean })
    readonly buffer: ArrayBuffer
    grow(delta: number): number
  }
  class Global {
    constructor(descriptor: { value: string; mutable?: boolean }, value?: unknown)
    value: unknown
  }
  class Table {
    constructor(descriptor: { element: string; initial: number; maximum?: number })
    readonly length: number
  }
}

/** Base64 decoding for embedded wasm (present in Node ≥ 16 and every browser). */
declare function atob(data: string): string
