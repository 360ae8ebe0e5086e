/**
 * WebAssembly, as far as the CPU cores use it. Separate from globals.d.ts
 * because Node-side code (tests importing the engine) needs it too, while
 * Node's own types already declare the text codecs.
 */
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

