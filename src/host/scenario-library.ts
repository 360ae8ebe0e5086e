/**
 * The library behind the editor: the shipped scenarios (resources/scenarios,
 * read-only) and the user's own, in their scenario folder ($L4LAB_HOME/scenarios,
 * else ~/.config/l4lab/scenarios); and the board files the same way
 * (resources/boards; the user's boards folder beside their scenarios). The
 * kind of a file is its name's: NAME.lua is a scenario, NAME.json a board.
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
import { dirname, join, resolve } from 'node:path'
import { BOARD_FILE_NAME, checkScenarioForBoard } from '../engine'
import type { ScenarioDiagnostic, ScenarioEntry, ScenarioFile, ScenarioSaved } from '../shared/contract'
import type { BoardConfig } from './engine-host'
import { boardFiles, boardOptions, projectRoot, romModuleAvailable, scenarioModules } from './lab-config'
import { scenarioBoard, scenarioBoardOrThrow, type BoardFiles } from './board-files'

/** A scenario's file name: a plain name ending in .lua. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.lua$/

type Kind = ScenarioEntry['kind']
const kindOf = (name: string): Kind => (name.endsWith('.json') ? 'board' : 'scenario')
const validName = (name: string) => FILE_NAME.test(name) || BOARD_FILE_NAME.test(name)

export interface ScenarioLibraryOptions {
  /** The project the shipped scenarios and rom modules are under (default: this checkout). */
  root?: string
  /** The user's scenario folder (default: $L4LAB_HOME/scenarios, else ~/.config/l4lab/scenarios). */
  userDir?: string
  /** The user's boards folder (default: "boards" beside the scenario folder). */
  userBoardDir?: string
}

export function defaultUserScenarioDir(): string {
  const home = process.env.L4LAB_HOME
  return home ? join(home, 'scenarios') : join(homedir(), '.config', 'l4lab', 'scenarios')
}

export class ScenarioLibrary {
  readonly root: string
  readonly userDir: string
  readonly boards: BoardFiles
  constructor(options: ScenarioLibraryOptions = {}) {
    this.root = options.root ?? projectRoot()
    this.userDir = options.userDir ?? defaultUserScenarioDir()
    this.boards = boardFiles(this.root, options.userBoardDir ?? join(dirname(resolve(this.userDir)), 'boards'))
  }

  private get shippedDir(): string {
    return join(this.root, 'resources', 'scenarios')
  }

  list(): ScenarioEntry[] {
    const all = (kind: Kind) => (['shipped', 'user'] as const).flatMap((o) => this.names(o, kind).map((n) => this.entry(o, n)))
    return [...all('scenario'), ...all('board')]
  }

  read(id: string): ScenarioFile {
    const { origin, name } = parseId(id)
    if (!this.names(origin, kindOf(name)).includes(name)) throw new Error(`no ${origin} ${kindOf(name)} file named ${name}`)
    const source = readFileSync(join(this.dir(origin, kindOf(name)), name), 'utf8')
    return { ...this.entry(origin, name, source), source }
  }

  check(name: string, source: string): ScenarioDiagnostic[] {
    checkName(name)
    if (kindOf(name) === 'board') return this.boards.check(name, source).diagnostics
    const { board, diagnostics } = scenarioBoard(source, this.boards)
    const found = checkScenarioForBoard(name, source, { romModule: (m) => m === name || romModuleAvailable(m, this.root), ramMiB: board.ramMiB, arch: board.board?.arch })
    return [...diagnostics, ...found].sort((a, b) => a.line - b.line || a.column - b.column)
  }

  save(name: string, source: string): ScenarioSaved {
    const diagnostics = this.check(name, source)
    if (diagnostics.some((d) => d.severity === 'error')) return { saved: false, entry: null, diagnostics }
    const kind = kindOf(name)
    const userDir = this.dir('user', kind)
    // A user folder set to a shipped one (L4LAB_HOME pointing into the project) would make Save write over shipped files.
    if (resolve(userDir) === resolve(this.dir('shipped', kind))) throw new Error(`the user's ${kind} folder ${userDir} is the shipped ${kind}s' folder: set L4LAB_HOME elsewhere`)
    mkdirSync(userDir, { recursive: true })
    const target = join(userDir, name)
    const temporary = join(userDir, `.${name}.${process.pid}.tmp`)
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
    if (kindOf(name) === 'board') throw new Error(`${name} is a board file: it runs when a scenario names it on its board line (-- l4lab board: file=${name.replace(/\.json$/, '')})`)
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
    return { id, name: id, scenario: name, spec: { kind: 'scenario', scenario: { name, source }, modules: scenarioModules(source, this.root), ...scenarioBoardOrThrow(name, source, this.boards) } }
  }

  private dir(origin: ScenarioEntry['origin'], kind: Kind): string {
    if (kind === 'board') return this.boards.dir(origin)
    return origin === 'shipped' ? this.shippedDir : this.userDir
  }

  private names(origin: ScenarioEntry['origin'], kind: Kind): string[] {
    if (kind === 'board') return this.boards.names(origin)
    try {
      return readdirSync(this.dir(origin, kind), { withFileTypes: true })
        .filter((e) => e.isFile() && FILE_NAME.test(e.name))
        .map((e) => e.name)
        .sort()
    } catch {
      // No user folder yet: no user scenarios.
      return []
    }
  }

  private entry(origin: ScenarioEntry['origin'], name: string, source?: string): ScenarioEntry {
    const kind = kindOf(name)
    const text = source ?? readFileSync(join(this.dir(origin, kind), name), 'utf8')
    return { id: `${origin}/${name}`, name, origin, kind, board: kind === 'board' ? this.boardSummary(name, text) : boardOptions(text) }
  }

  /** A board file's RAM, CPUs and summary for the list (nothing when it does not pass its check). */
  private boardSummary(name: string, text: string): ScenarioEntry['board'] {
    const d = this.boards.check(name, text).descriptor
    return d ? { ramMiB: d.memmap.ram.size / 2 ** 20, cpus: d.cpus, summary: d.summary } : {}
  }
}

function checkName(name: string): void {
  if (!validName(name)) throw new Error(`a scenario's name is a file name ending in .lua (letters, digits, _ . -), a board file's one ending in .json (lower-case letters, digits, -), not ${JSON.stringify(name)}`)
}

function parseId(id: string): { origin: ScenarioEntry['origin']; name: string } {
  const slash = id.indexOf('/')
  const origin = id.slice(0, slash)
  const name = id.slice(slash + 1)
  if ((origin !== 'shipped' && origin !== 'user') || !validName(name)) throw new Error(`library ids are shipped/NAME.lua, user/NAME.lua, shipped/NAME.json or user/NAME.json, not ${JSON.stringify(id)}`)
  return { origin, name }
}
