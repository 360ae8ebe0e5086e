// Every handler the encoding table names, for the generated dispatch
// (./generated/decoder.ts): one module the generator imports.
export * from './alu'
export * from './move'
export * from './control'
export * from './string'
export * from './system'
export * from './sse'
export * from './bmi'
export * from './fp'
export * from './x87'
export * from './fxsave'
export * from './sse3'
