/**
 * The scenario library behind the editor: the shipped scenarios
 * (resources/scenarios, read-only) and the user's own, in their scenario
 * folder ($L4LAB_HOME/scenarios, else ~/.config/l4lab/scenarios).
 *
 * Save rules, so that a user never loses a scenario that worked:
 * - files are written only into the user's folder, under a plain file name
 *   (no path, no "..") — a shipped file is never written, whatever the name;
 * - a text the check finds errors in is not saved: the last good file stays
 *   as it was, and the caller gets the errors;
 * - a save writes a temporary file beside the target and renames it over,
 *   so a crash mid-write leaves the old file or the new one, never half.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { checkScenarioForBoard } from '../engine'
import type { ScenarioDiagnostic, ScenarioEntry, ScenarioFile, ScenarioSaved } from '../shared/contract'
import type { BoardConfig } from './engine-host'
import { boardOptions, projectRoot, romModuleAvailable, scenarioModules } from './lab-config'

/** A scenario's file name: a plain name ending in .lua. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.lua$/

export interface ScenarioLibraryOptions {
  /** The project the shipped scenarios and rom modules are under (default: this checkout). */
  root?: string
  /** The user's scenario folder (default: $L4LAB_HOME/scenarios, else ~/.config/l4lab/scenarios). */
  userDir?: string
}

export function defaultUserScenarioDir(): string {
  const home = process.env.L4LAB_HOME
  return home ? join(home, 'scenarios') : join(homedir(), '.config', 'l4lab', 'scenarios')
}

export class ScenarioLibrary {
  readonly root: string
  readonly userDir: string
  constructor(options: ScenarioLibraryOptions = {}) {
    this.root = options.root ?? projectRoot()
    this.userDir = options.userDir ?? defaultUserScenarioDir()
  }

  private get shippedDir(): string {
    return join(this.root, 'resources', 'scenarios')
  }

  list(): ScenarioEntry[] {
    return [...this.names('shipped').map((n) => this.entry('shipped', n)), ...this.names('user').map((n) => this.entry('user', n))]
  }

  read(id: string): ScenarioFile {
    const { origin, name } = parseId(id)
    if (!this.names(origin).includes(name)) throw new Error(`no ${origin} scenario named ${name}`)
    const source = readFileSync(join(this.dir(origin), name), 'utf8')
    return { ...this.entry(origin, name, source), source }
  }

  check(name: string, source: string): ScenarioDiagnostic[] {
    checkName(name)
    return checkScenarioForBoard(name, source, { romModule: (m) => m === name || romModuleAvailable(m, this.root), ...boardOptions(source) })
  }

  save(name: string, source: string): ScenarioSaved {
    const diagnostics = this.check(name, source)
    if (diagnostics.some((d) => d.severity === 'error')) return { saved: false, entry: null, diagnostics }
    // A user folder set to the shipped one (L4LAB_HOME pointing into the project) would make Save write over shipped files.
    if (resolve(this.userDir) === resolve(this.shippedDir)) throw new Error(`the user's scenario folder ${this.userDir} is the shipped scenarios' folder: set L4LAB_HOME elsewhere`)
    mkdirSync(this.userDir, { recursive: true })
    const target = join(this.userDir, name)
    const temporary = join(this.userDir, `.${name}.${process.pid}.tmp`)
    writeFileSync(temporary, source)
    renameSync(temporary, target)
    return { saved: true, entry: this.entry('user', name, source), diagnostics }
  }

  /**
   * The board that runs `source`: checked first (a scenario with errors is
   * refused with the first of them, file:line:column), its rom modules read
   * now (a module that cannot be read is refused here, not in the worker).
   */
  boardFor(name: string, source: string, taken: (id: string) => boolean): BoardConfig {
    const errors = this.check(name, source).filter((d) => d.severity === 'error')
    if (errors.length > 0) {
      const e = errors[0]
      throw new Error(`${name}:${e.line}:${e.column}: ${e.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`)
    }
    const stem = name.replace(/\.lua$/, '').replace(/[^A-Za-z0-9_-]/g, '-')
    // Each run of a scenario is a board of its own: hello-1, hello-2 … (the first number no board has).
    let n = 1
    while (taken(`${stem}-${n}`)) n++
    const id = `${stem}-${n}`
    return { id, name: id, scenario: name, spec: { kind: 'scenario', scenario: { name, source }, modules: scenarioModules(source, this.root), ...boardOptions(source) } }
  }

  private dir(origin: ScenarioEntry['origin']): string {
    return origin === 'shipped' ? this.shippedDir : this.userDir
  }

  private names(origin: ScenarioEntry['origin']): string[] {
    try {
      return readdirSync(this.dir(origin), { withFileTypes: true })
        .filter((e) => e.isFile() && FILE_NAME.test(e.name))
        .map((e) => e.name)
        .sort()
    } catch {
      // No user folder yet: no user scenarios.
      return []
    }
  }

  private entry(origin: ScenarioEntry['origin'], name: string, source?: string): ScenarioEntry {
    const text = source ?? readFileSync(join(this.dir(origin), name), 'utf8')
    return { id: `${origin}/${name}`, name, origin, board: boardOptions(text) }
  }
}

function checkName(name: string): void {
  if (!FILE_NAME.test(name)) throw new Error(`a scenario's name is a file name ending in .lua (letters, digits, _ . -), not ${JSON.stringify(name)}`)
}

function parseId(id: string): { origin: ScenarioEntry['origin']; name: string } {
  const slash = id.indexOf('/')
  const origin = id.slice(0, slash)
  const name = id.slice(slash + 1)
  if ((origin !== 'shipped' && origin !== 'user') || !FILE_NAME.test(name)) throw new Error(`scenario ids are shipped/NAME.lua or user/NAME.lua, not ${JSON.stringify(id)}`)
  return { origin, name }
}
