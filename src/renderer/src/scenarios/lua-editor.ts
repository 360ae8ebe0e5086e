/**
 * The scenario editor proper: CodeMirror 6 with Lua highlighting (the
 * legacy Lua mode through StreamLanguage; JSON's for board files), line numbers, undo history, and a
 * linter whose findings come from the back end's check (scenario.check):
 * each problem's 1-based line and column become a range CodeMirror marks in
 * the text and in the lint gutter beside its line.
 */
import { Compartment, EditorState } from '@codemirror/state'
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { StreamLanguage, bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { lintGutter, linter, type Diagnostic } from '@codemirror/lint'
import { lua } from '@codemirror/legacy-modes/mode/lua'
import { json } from '@codemirror/legacy-modes/mode/javascript'
import type { ScenarioDiagnostic } from '../../../shared/contract'

/** How long typing must pause before a check: a check runs the script's dry run on the back end. */
export const CHECK_DELAY_MS = 400

export interface LuaEditorOptions {
  doc: string
  /** Each change of the text. */
  onChange(doc: string): void
  /** The back end's check of a text. */
  check(doc: string): Promise<ScenarioDiagnostic[]>
  /** The highlighting to start with (default Lua). */
  language?: EditorLanguage
}

/** A 1-based line and column of `doc` as an offset, clamped into the text (a line shorter than the column ends there). */
export function offsetOf(state: EditorState, line: number, column: number): number {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines))
  return Math.min(l.from + Math.max(0, column - 1), l.to)
}

/** The check's findings as CodeMirror marks them: from the column to the end of its word (at least one character when there is one). */
export function toCodeMirror(state: EditorState, found: ScenarioDiagnostic[]): Diagnostic[] {
  return found.map((d) => {
    const from = offsetOf(state, d.line, d.column)
    const line = state.doc.lineAt(from)
    const word = /^[^\s,(){}]+/.exec(line.text.slice(from - line.from))
    return { from, to: Math.min(line.to, from + Math.max(word?.[0].length ?? 0, 1)), severity: d.severity, message: d.message }
  })
}

/** The highlighting of the file open: scenarios are Lua, board files JSON. */
const language = new Compartment()
const LANGUAGES = { lua: StreamLanguage.define(lua), json: StreamLanguage.define(json) }
export type EditorLanguage = keyof typeof LANGUAGES

/** The language for a file name: NAME.json is a board file, anything else a scenario. */
export function languageOf(fileName: string): EditorLanguage {
  return fileName.endsWith('.json') ? 'json' : 'lua'
}

export function setLanguage(view: EditorView, lang: EditorLanguage): void {
  view.dispatch({ effects: language.reconfigure(LANGUAGES[lang]) })
}

export function createLuaEditor(parent: HTMLElement, options: LuaEditorOptions): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        lineNumbers(),
        lintGutter(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        language.of(LANGUAGES[options.language ?? 'lua']),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange(u.state.doc.toString())
        }),
        linter(async (view) => toCodeMirror(view.state, await options.check(view.state.doc.toString())), { delay: CHECK_DELAY_MS }),
        EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'var(--mono, monospace)' } }),
      ],
    }),
  })
}

/** Replaces the whole text (a scenario opened from the library), as one change the user can undo. */
export function setText(view: EditorView, doc: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } })
}
