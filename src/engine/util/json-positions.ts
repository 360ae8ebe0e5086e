/**
 * JSON (RFC 8259) parsed into a tree that keeps where every value and key
 * starts, so that a checker of a JSON file (a board file) can put each
 * problem at its line and column, as the editor's gutter needs. JSON.parse
 * gives values only, and a position only for the first syntax error.
 *
 * Never throws: bad text gives the first syntax error with its position.
 * Nesting is bounded so that a hostile file cannot exhaust the stack.
 */

export interface JsonPos {
  /** 1-based line and column (columns count UTF-16 units, as an editor's do). */
  line: number
  column: number
}

export type JsonNode =
  | { kind: 'object'; pos: JsonPos; entries: { key: string; keyPos: JsonPos; value: JsonNode }[] }
  | { kind: 'array'; pos: JsonPos; items: JsonNode[] }
  | { kind: 'string'; pos: JsonPos; value: string }
  | { kind: 'number'; pos: JsonPos; value: number }
  | { kind: 'boolean'; pos: JsonPos; value: boolean }
  | { kind: 'null'; pos: JsonPos }

export type JsonParse = { ok: true; root: JsonNode } | { ok: false; pos: JsonPos; message: string }

/** Deeper than any board file needs; far below what the stack holds. */
const MAX_DEPTH = 64

class Syntax {
  constructor(readonly at: number, readonly message: string) {}
}

export function parseJsonWithPositions(text: string): JsonParse {
  const p = new Parser(text)
  try {
    p.space()
    const root = p.value(0)
    p.space()
    if (p.i < text.length) throw new Syntax(p.i, `unexpected ${describe(text[p.i])} after the value`)
    return { ok: true, root }
  } catch (e) {
    if (!(e instanceof Syntax)) throw e
    return { ok: false, pos: p.pos(e.at), message: e.message }
  }
}

function describe(ch: string | undefined): string {
  return ch === undefined ? 'end of text' : JSON.stringify(ch)
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

class Parser {
  i = 0
  /** Offsets where each line starts, for pos(). */
  private readonly lineStarts: number[] = [0]
  constructor(private readonly s: string) {
    for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 10) this.lineStarts.push(k + 1)
  }

  pos(at: number): JsonPos {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.lineStarts[mid] <= at) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: at - this.lineStarts[lo] + 1 }
  }

  space(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new Syntax(this.i, `nested deeper than ${MAX_DEPTH} levels`)
    const at = this.i
    const pos = this.pos(at)
    const ch = this.s[at]
    if (ch === '{') return this.object(pos, depth)
    if (ch === '[') return this.array(pos, depth)
    if (ch === '"') return { kind: 'string', pos, value: this.string() }
    for (const [word, node] of [['true', { kind: 'boolean', pos, value: true }], ['false', { kind: 'boolean', pos, value: false }], ['null', { kind: 'null', pos }]] as const) {
      if (this.s.startsWith(word, at)) {
        this.i += word.length
        return node
      }
    }
    NUMBER.lastIndex = at
    const m = NUMBER.exec(this.s)
    if (m && m[0] !== '-') {
      this.i += m[0].length
      return { kind: 'number', pos, value: Number(m[0]) }
    }
    throw new Syntax(at, `expected a value, found ${describe(ch)}`)
  }

  private object(pos: JsonPos, depth: number): JsonNode {
    this.i++
    const entries: { key: string; keyPos: JsonPos; value: JsonNode }[] = []
    this.space()
    if (this.s[this.i] === '}') {
      this.i++
      return { kind: 'object', pos, entries }
    }
    for (;;) {
      this.space()
      if (this.s[this.i] !== '"') throw new Syntax(this.i, `expected a key in quotes, found ${describe(this.s[this.i])}`)
      const keyPos = this.pos(this.i)
      const key = this.string()
      this.space()
      if (this.s[this.i] !== ':') throw new Syntax(this.i, `expected ":" after the key "${key}", found ${describe(this.s[this.i])}`)
      this.i++
      this.space()
      entries.push({ key, keyPos, value: this.value(depth + 1) })
      this.space()
      const next = this.s[this.i++]
      if (next === '}') return { kind: 'object', pos, entries }
      if (next !== ',') throw new Syntax(this.i - 1, `expected "," or "}", found ${describe(next)}`)
    }
  }

  private array(pos: JsonPos, depth: number): JsonNode {
    this.i++
    const items: JsonNode[] = []
    this.space()
    if (this.s[this.i] === ']') {
      this.i++
      return { kind: 'array', pos, items }
    }
    for (;;) {
      this.space()
      items.push(this.value(depth + 1))
      this.space()
      const next = this.s[this.i++]
      if (next === ']') return { kind: 'array', pos, items }
      if (next !== ',') throw new Syntax(this.i - 1, `expected "," or "]", found ${describe(next)}`)
    }
  }

  private string(): string {
    const start = this.i++
    let out = ''
    for (;;) {
      const ch = this.s[this.i]
      if (ch === undefined) throw new Syntax(start, 'a string that does not end')
      if (ch === '"') {
        this.i++
        return out
      }
      if (ch.charCodeAt(0) < 0x20) throw new Syntax(this.i, 'a control character in a string (write it as an escape)')
      if (ch !== '\\') {
        out += ch
        this.i++
        continue
      }
      const e = this.s[this.i + 1]
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16))
        this.i += 6
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e]
        this.i += 2
      } else {
        throw new Syntax(this.i, `a bad escape \\${e ?? ''} in a string`)
      }
    }
  }
}
