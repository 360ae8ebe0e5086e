// Up-to-date checks for the build steps: a step is skipped when every output
// is newer than every input, so `npm test` after a small edit stays quick.
import { readdirSync, statSync, existsSync } from 'node:fs'
import { join } from 'node:path'

export function newestMtime(paths) {
  let newest = 0
  const visit = (p) => {
    if (!existsSync(p)) return
    const st = statSync(p)
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) {
        if (e === 'node_modules' || e === 'generated') continue
        visit(join(p, e))
      }
    } else if (st.mtimeMs > newest) newest = st.mtimeMs
  }
  for (const p of paths) visit(p)
  return newest
}

export function oldestMtime(paths) {
  let oldest = Infinity
  for (const p of paths) {
    if (!existsSync(p)) return 0
    oldest = Math.min(oldest, statSync(p).mtimeMs)
  }
  return oldest
}

export function isFresh(inputs, outputs) {
  return oldestMtime(outputs) > newestMtime(inputs)
}
