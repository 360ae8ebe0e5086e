/**
 * Board files on disk: the shipped ones (resources/boards, read-only) and the
 * user's (their boards folder, beside their scenario folder), and the board
 * a scenario asks for on its board line:
 *
 *   -- l4lab board: file=arm-ve ram=768M cpus=2
 *
 * `file=NAME` names a board file (the user's first, so that a saved copy of a
 * shipped board is the one that runs, then the shipped one); `ram=` and
 * `cpus=` change the board's RAM and CPUs for this scenario. Every problem of
 * the line — a board file that is not there or does not pass its check, a
 * board a scenario cannot run on, a size out of the limits — is a diagnostic
 * at the line's place, so the editor shows it and Run refuses it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { BOARD_FILE_NAME, BOARD_LIMITS, boardFileError, checkBoardFile, shippedBoard, type BoardDescriptor, type BoardFileResult, type ScenarioDiagnostic } from '../engine'

export type BoardOrigin = 'shipped' | 'user'

/** The user's boards folder: $L4LAB_HOME/boards, else ~/.config/l4lab/boards (beside their scenarios). */
export function defaultUserBoardDir(): string {
  const home = process.env.L4LAB_HOME
  return home ? join(home, 'boards') : join(homedir(), '.config', 'l4lab', 'boards')
}

/** Deeper `extends` chains than this are refused (they are surely a loop). */
const MAX_EXTENDS = 8

export class BoardFiles {
  constructor(readonly shippedDir: string, readonly userDir: string) {}

  dir(origin: BoardOrigin): string {
    return origin === 'shipped' ? this.shippedDir : this.userDir
  }

  /** The board files of one origin, by file name (NAME.json), sorted. */
  names(origin: BoardOrigin): string[] {
    try {
      return readdirSync(this.dir(origin), { withFileTypes: true })
        .filter((e) => e.isFile() && BOARD_FILE_NAME.test(e.name))
        .map((e) => e.name)
        .sort()
    } catch {
      // No user folder yet: no user boards.
      return []
    }
  }

  read(origin: BoardOrigin, fileName: string): string {
    return readFileSync(join(this.dir(origin), fileName), 'utf8')
  }

  /** Checks the text of board file `fileName`; `extends` finds the user's board first, then the shipped one. */
  check(fileName: string, source: string, depth = 0): BoardFileResult {
    const self = fileName.replace(/\.json$/, '')
    return checkBoardFile(fileName, source, (name) => (name === self || depth >= MAX_EXTENDS ? null : this.find(name, depth + 1).descriptor))
  }

  /** The board a scenario names: the user's file NAME.json, else the shipped one; its error says which file and where. */
  find(name: string, depth = 0): { descriptor: BoardDescriptor | null; error: string | null } {
    const fileName = `${name.replace(/\.json$/, '')}.json`
    if (!BOARD_FILE_NAME.test(fileName)) return { descriptor: null, error: `"${name}" is not a board file's name (lower-case letters, digits and -)` }
    for (const origin of ['user', 'shipped'] as const) {
      if (!this.names(origin).includes(fileName)) continue
      const r = this.check(fileName, this.read(origin, fileName), depth)
      return { descriptor: r.descriptor, error: r.descriptor ? null : `${origin} board ${boardFileError(fileName, r)}` }
    }
    // A board the engine ships but whose file is not on this disk (a packaged lab): the engine's own copy.
    const builtIn = shippedBoard(name)
    if (builtIn) return { descriptor: builtIn, error: null }
    return { descriptor: null, error: `no board file ${fileName} in ${this.userDir} or ${this.shippedDir}` }
  }
}

/** What a scenario's board line says, with where each setting is (1-based). */
export interface BoardLine {
  line: number
  ramMiB?: { value: number; column: number }
  cpus?: { value: number; column: number }
  file?: { value: string; column: number }
}

export function parseBoardLine(source: string): BoardLine | null {
  const m = /^--\s*l4lab board:(.*)$/m.exec(source)
  if (!m) return null
  const line = source.slice(0, m.index).split('\n').length
  const rest = m[1]
  const restColumn = m[0].length - rest.length + 1
  const at = (re: RegExp) => {
    const x = re.exec(rest)
    return x ? { x, column: restColumn + x.index } : null
  }
  const out: BoardLine = { line }
  const ram = at(/\bram=(\d+)([MG])\b/i)
  if (ram) out.ramMiB = { value: Number(ram.x[1]) * (ram.x[2].toUpperCase() === 'G' ? 1024 : 1), column: ram.column }
  const cpus = at(/\bcpus=(\d+)\b/)
  if (cpus) out.cpus = { value: Number(cpus.x[1]), column: cpus.column }
  const file = at(/\bfile=(\S+)/)
  if (file) out.file = { value: file.x[1], column: file.column }
  return out
}

/** The board settings a session takes, from a board line (the board itself resolved by `boards`). */
export interface ScenarioBoard {
  board?: BoardDescriptor
  ramMiB?: number
  cpus?: number
}

/**
 * The board `source`'s board line asks for, and its problems as diagnostics
 * (empty when it asks for nothing: the shipped arm-ve as it is).
 */
export function scenarioBoard(source: string, boards: BoardFiles): { board: ScenarioBoard; diagnostics: ScenarioDiagnostic[] } {
  const parsed = parseBoardLine(source)
  const board: ScenarioBoard = {}
  const diagnostics: ScenarioDiagnostic[] = []
  if (!parsed) return { board, diagnostics }
  const problem = (column: number, message: string) => diagnostics.push({ line: parsed.line, column, severity: 'error', message })
  let desc: BoardDescriptor | null = shippedBoard('arm-ve')
  if (parsed.file) {
    const found = boards.find(parsed.file.value)
    desc = found.descriptor
    if (found.error) problem(parsed.file.column, `board file: ${found.error}`)
    else if (desc && desc.cpus < 1) {
      problem(parsed.file.column, `board ${desc.name}: scenarios run on boards with CPUs (lx runs its programs on the board's core), not ${desc.cpus}`)
    } else if (desc) board.board = desc
  }
  if (parsed.ramMiB) {
    const { value, column } = parsed.ramMiB
    if (value < BOARD_LIMITS.minRamWithCpus / 2 ** 20 || value * 2 ** 20 > BOARD_LIMITS.maxRam) problem(column, `ram=${value}M: a board's RAM is 1 MiB to ${BOARD_LIMITS.maxRam / 2 ** 30} GiB`)
    else board.ramMiB = value
  }
  if (parsed.cpus) {
    const { value, column } = parsed.cpus
    if (value < 1 || value > BOARD_LIMITS.maxCpus) problem(column, `cpus=${value}: 1 to ${BOARD_LIMITS.maxCpus}`)
    else board.cpus = value
  }
  // The quota check needs the RAM the board will have: the line's, else the board file's.
  if (board.ramMiB === undefined && desc && parsed.file) board.ramMiB = desc.memmap.ram.size / 2 ** 20
  return { board, diagnostics }
}

/** scenarioBoard for a scenario about to run: its first problem is an Error "NAME:LINE:COLUMN: …". */
export function scenarioBoardOrThrow(name: string, source: string, boards: BoardFiles): ScenarioBoard {
  const { board, diagnostics } = scenarioBoard(source, boards)
  const e = diagnostics[0]
  if (e) throw new Error(`${name}:${e.line}:${e.column}: ${e.message}`)
  return board
}
