export interface FpOp {
  id: number
  name: string
  kind: 'bin' | 'un' | 'ter' | 'cmp' | 'cvt' | 'toint' | 'fromint' | 'uest'
  fmt?: 'S' | 'D'
  op?: string
  src?: 'H' | 'S' | 'D' | 'W' | 'X'
  dst?: 'H' | 'S' | 'D' | 'W' | 'X'
  signed?: boolean
  mode?: 'N' | 'A' | 'P' | 'M' | 'Z'
  fixed?: boolean
}
export const OPS: FpOp[]
export function opsHeader(): string
