import { parseArgs } from 'node:util'

/** parseArgs, with a readable message instead of an exception for bad flags. */
export function parseOrExplain<T extends NonNullable<Parameters<typeof parseArgs>[0]>>(config: T, command: string): ReturnType<typeof parseArgs<T>> | null {
  try {
    return parseArgs(config)
  } catch (e) {
    process.stderr.write(`l4lab ${command}: ${e instanceof Error ? e.message : String(e)}\n`)
    return null
  }
}
