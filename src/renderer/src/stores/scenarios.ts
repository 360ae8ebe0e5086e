/**
 * The scenario editor's state: the library as the back end lists it, the
 * scenario open in the editor, and what its last check found. The editor
 * (CodeMirror) owns the text while it is open; it reports each change here,
 * and checks go through the back end (scenario.check), which runs the real
 * Lua parser and ned's prelude.
 */
import { defineStore } from 'pinia'
import { labBridge, useLab } from './lab'
import type { ScenarioDiagnostic, ScenarioEntry } from '../../../shared/contract'

export const useScenarios = defineStore('scenarios', {
  state: () => ({
    /** Whether the editor panel is open in the main pane. */
    open: false,
    library: [] as ScenarioEntry[],
    /** The library entry the text came from (null: a new scenario). */
    from: null as ScenarioEntry | null,
    /** The file name it is saved and run under. */
    name: 'untitled.lua',
    source: '',
    /** Changed since it was read or saved. */
    dirty: false,
    /** The last check's findings, for the text it was made for. */
    diagnostics: [] as ScenarioDiagnostic[],
    checkedSource: null as string | null,
    /** What the last save or run said, for the toolbar. */
    note: '' as string,
    busy: false,
  }),
  getters: {
    errors: (state): number => state.diagnostics.filter((d) => d.severity === 'error').length,
    /** The diagnostics describe the text as it is now. */
    current: (state): boolean => state.checkedSource === state.source,
  },
  actions: {
    async toggle(): Promise<void> {
      this.open = !this.open
      if (this.open) await this.refresh()
    },
    async refresh(): Promise<void> {
      await useLab().run(async () => {
        this.library = await labBridge().call('scenario.list', {})
      })
    },
    /** Opens a library entry in the editor. */
    async load(id: string): Promise<void> {
      await useLab().run(async () => {
        const file = await labBridge().call('scenario.read', { id })
        const { source, ...entry } = file
        this.from = entry
        this.name = file.name
        this.source = source
        this.dirty = false
        this.diagnostics = []
        this.checkedSource = null
        this.note = entry.origin === 'shipped' ? `shipped ${entry.kind}: Save keeps your copy in your ${entry.kind === 'board' ? 'boards' : 'scenario'} folder` : ''
      })
    },
    edited(source: string): void {
      if (source === this.source) return
      this.source = source
      this.dirty = true
    },
    /** Checks `source` (the editor's text); the answer counts only while that is still the text. */
    async check(text?: string): Promise<ScenarioDiagnostic[]> {
      const source = text ?? this.source
      const diagnostics = await labBridge().call('scenario.check', { name: this.name, source })
      if (source === this.source) {
        this.diagnostics = diagnostics
        this.checkedSource = source
      }
      return diagnostics
    },
    async save(): Promise<void> {
      this.busy = true
      try {
        await useLab().run(async () => {
          const source = this.source
          const r = await labBridge().call('scenario.save', { name: this.name, source })
          this.diagnostics = r.diagnostics
          this.checkedSource = source
          if (!r.saved) {
            this.note = `not saved: ${r.diagnostics.filter((d) => d.severity === 'error').length} error(s); the last good file stays`
            return
          }
          this.from = r.entry
          if (source === this.source) this.dirty = false
          this.note = `saved as ${r.entry!.id}`
          this.library = await labBridge().call('scenario.list', {})
        })
      } finally {
        this.busy = false
      }
    },
    /** Starts the text as a new board; the lab shows it beside the others. */
    async run(): Promise<string | null> {
      this.busy = true
      let board: string | null = null
      try {
        await useLab().run(async () => {
          board = (await labBridge().call('scenario.run', { name: this.name, source: this.source })).board
          this.note = `running as board ${board}`
        })
      } finally {
        this.busy = false
      }
      return board
    },
  },
})
