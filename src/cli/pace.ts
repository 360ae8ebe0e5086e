/**
 * Pacing an idle board to the wall clock, for the commands that run one in
 * the foreground (`l4lab exec`, `l4lab vm`, `bench vm`): when nothing is
 * ready, a guest waits for a timer or for input, and its virtual time must
 * not run ahead of real time (a guest's `sleep 1` takes a second).
 */
interface PacedKernel {
  readonly now: number
  run(ns: number): unknown
  nextEvent(): number
}

/** How long to wait (wall ms, at most 1 s) before the next event is due. */
export function idleWaitMs(k: PacedKernel, startWall: number): number {
  const next = k.nextEvent()
  const wallNs = (performance.now() - startWall) * 1e6
  return next === Infinity ? 1000 : Math.min(1000, Math.max(0, (next - Math.max(wallNs, k.now)) / 1e6))
}

/** After the wait: lets virtual time reach the next event, but not the wall clock's lead. */
export function catchUp(k: PacedKernel, startWall: number): void {
  const next = k.nextEvent()
  const wallNs = (performance.now() - startWall) * 1e6
  if (next !== Infinity && next > k.now) k.run(Math.min(next, Math.max(wallNs, k.now)) - k.now)
}

/** Waits `ms`, or until `wake` is called (input arrived). */
export function idleWait(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((r) => {
    onWake(r)
    setTimeout(r, ms)
  })
}
