/**
 * The boards shipped with the lab: resources/boards/*.json, the one source of
 * their tables (the user edits copies of them in the library; the engine's
 * sessions build on these). Each is put through the same check as a user's
 * board file when this module loads; a shipped file that fails it is a bug
 * of the lab (board-file.test.ts reads the files themselves and places any
 * problem at its line), so it stops the engine with the check's message
 * rather than run on a board nobody described.
 */
import armVeFile from '../../../resources/boards/arm-ve.json'
import armVeExecFile from '../../../resources/boards/arm-ve-exec.json'
import pcFile from '../../../resources/boards/pc.json'
import pcExecFile from '../../../resources/boards/pc-exec.json'
import { boardFileError, checkBoardFile } from './board-file'
import type { BoardDescriptor } from './descriptor'

const shipped = new Map<string, BoardDescriptor>()

function load(file: unknown): BoardDescriptor {
  const name = `${(file as { name?: unknown }).name}.json`
  // Imported as data, the file's own layout is gone: the check's positions are those of this re-serialization.
  const result = checkBoardFile(name, JSON.stringify(file, null, 2), (n) => shipped.get(n) ?? null)
  if (!result.descriptor) throw new Error(`shipped board ${boardFileError(name, result)}`)
  shipped.set(result.descriptor.name, result.descriptor)
  return result.descriptor
}

// In dependency order: a board is loaded after the one it extends.
export const ARM_VE = load(armVeFile)
export const ARM_VE_EXEC = load(armVeExecFile)
export const PC = load(pcFile)
export const PC_EXEC = load(pcExecFile)

/** A shipped board by name (what a board file may extend, and a scenario's `file=` names first). */
export function shippedBoard(name: string): BoardDescriptor | null {
  return shipped.get(name) ?? null
}

export function shippedBoardNames(): string[] {
  return [...shipped.keys()]
}
