/**
 * Milliseconds on the system's monotonic clock. CLOCK_MONOTONIC is shared by
 * every process on the machine, so a send time written by one load process
 * can be compared with a receipt time read in another.
 */
export function nowMs (): number {
  return Number(process.hrtime.bigint()) / 1e6
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Resolves at a moment on the nowMs() clock (at once when it has passed). */
export async function sleepUntil (atMs: number): Promise<void> {
  const wait = atMs - nowMs()
  if (wait > 0) await sleep(wait)
}
