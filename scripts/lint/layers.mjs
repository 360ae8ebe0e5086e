// ESLint plugin `l4lab` with one rule, `layers`: the layers inside the engine
// and the shells' use of the engine's public entry. The table (which layer may
// import which) and the texts of the rules are the rule's options, written out
// in eslint.config.js; this file only applies them.
//
// An import is `import … from`, `import type … from`, `export … from`,
// `export * from`, `import('…')`, a TypeScript `import('…')` type and
// `import x = require('…')`. Only relative specifiers are checked (packages are
// other rules' business); each is resolved against the importing file's folder
// and classified by its first folder under the engine (`index.ts` at the
// engine's top is the layer `index`).
import path from 'node:path'

const layerSchema = {
  type: 'object',
  properties: {
    // Layers (first folders under the engine) or sub-paths such as
    // 'kernel/uapi' (= kernel/uapi.ts or anything under kernel/uapi/); '*' = all.
    may: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    why: { type: 'string' },
  },
  required: ['may', 'why'],
  additionalProperties: false,
}

const optionsSchema = {
  type: 'object',
  properties: {
    root: { type: 'string' },      // the repository (default: ESLint's cwd); the paths below are relative to it
    engine: { type: 'string' },    // e.g. 'src/engine'
    see: { type: 'string' },       // where the rules are explained, appended to each message
    layers: { type: 'object', additionalProperties: layerSchema },
    labels: { type: 'object', additionalProperties: { type: 'string' } }, // names of sub-paths, e.g. 'kernel/uapi': 'its user ABI'
    shells: {
      type: 'object',
      properties: {
        dirs: { type: 'array', items: { type: 'string' } },
        entries: { type: 'array', items: { type: 'string' }, minItems: 1 }, // e.g. ['src/engine/index.ts']
        why: { type: 'string' },
      },
      required: ['dirs', 'entries', 'why'],
      additionalProperties: false,
    },
  },
  required: ['engine', 'layers'],
  additionalProperties: false,
}

/** `rel` with forward slashes, whatever the platform. */
const posix = (rel) => rel.split(path.sep).join('/')
/** A module path without its extension ('x.ts', 'x.d.ts', 'x.js' → 'x'). */
const stripExt = (p) => p.replace(/(\.d)?\.[cm]?[jt]sx?$/, '')
/** `abs` relative to `dir` with forward slashes, or null when it lies outside. */
function inside(dir, abs) {
  const rel = path.relative(dir, abs)
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) ? null : posix(rel)
}
/**
 * The layer of a path relative to the engine: its first folder, 'index' for
 * index.ts (or the engine folder itself), null for other top-level files.
 * `folders` are the names that, alone, mean a folder (an import of its index).
 */
function layerOf(rel, folders = {}) {
  const slash = rel.indexOf('/')
  if (slash >= 0) return rel.slice(0, slash)
  if (rel === '' || stripExt(rel) === 'index') return 'index'
  return Object.hasOwn(folders, rel) ? rel : null
}
const shown = (layer) => (layer === 'index' ? 'index.ts' : `${layer}/`)

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layers inside the engine and the shells\' use of its public entry' },
    schema: [optionsSchema],
    messages: {
      layer: '{{from}} may not import {{to}} (layer rule: {{why}}{{see}})',
      part: '{{from}} may import from {{to}} only {{label}}{{part}} (layer rule: {{why}}{{see}})',
      unknown: '{{engine}}/{{from}} is not in the layer table of l4lab/layers (add a row in eslint.config.js)',
      shell: '{{shell}} may import the engine only through its public {{entries}} (layer rule: {{why}}{{see}})',
    },
  },
  create(context) {
    const opt = context.options[0]
    const root = opt.root ?? context.cwd
    const engineDir = path.resolve(root, opt.engine)
    const see = opt.see ? `; see ${opt.see}` : ''
    const file = context.filename
    const fileDir = path.dirname(file)

    const inEngine = inside(engineDir, file)
    const shell = inEngine === null
      ? opt.shells?.dirs.find((dir) => inside(path.resolve(root, dir), file) !== null)
      : undefined
    const from = inEngine === null ? null : layerOf(inEngine)
    const row = from === null ? undefined : opt.layers[from]
    const entries = shell ? opt.shells.entries.map((e) => stripExt(path.resolve(root, e))) : []
    const entriesText = opt.shells ? `${opt.shells.entries.length > 1 ? 'entries' : 'entry'} ${opt.shells.entries.join(', ')}` : ''

    /** The report for an import of `target` (absolute) by an engine file, or null. */
    function engineProblem(target) {
      const rel = inside(engineDir, target)
      if (rel === null) return null // outside the engine: the outer rules' business
      const to = layerOf(rel, opt.layers)
      if (to === null || row.may.includes('*') || row.may.includes(to)) return null
      const parts = row.may.filter((p) => p.startsWith(`${to}/`))
      const bare = stripExt(rel)
      if (parts.some((p) => bare === p || bare.startsWith(`${p}/`))) return null
      const data = { from: shown(from), to: shown(to), why: row.why, see }
      if (parts.length === 0) return { messageId: 'layer', data }
      const label = parts.map((p) => opt.labels?.[p]).find(Boolean)
      return { messageId: 'part', data: { ...data, label: label ? `${label} ` : '', part: parts.join(', ') } }
    }

    /** The report for an import of `target` (absolute) by a shell file, or null. */
    function shellProblem(target) {
      const rel = inside(engineDir, target)
      if (rel === null || rel === '' || entries.includes(stripExt(target))) return null
      return { messageId: 'shell', data: { shell, entries: entriesText, why: opt.shells.why, see } }
    }

    function check(source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return
      if (!source.value.startsWith('.')) return // a package
      const target = path.resolve(fileDir, source.value)
      const problem = shell ? shellProblem(target) : engineProblem(target)
      if (problem) context.report({ node: source, ...problem })
    }

    if (!shell && !row) {
      if (from === null) return {} // neither engine nor shell, or a top-level file such as globals.d.ts: exempt
      return { Program: (node) => context.report({ node, messageId: 'unknown', data: { engine: opt.engine, from: `${from}/` } }) }
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
      TSExternalModuleReference: (node) => check(node.expression),
    }
  },
}

export default { meta: { name: 'l4lab' }, rules: { layers } }
