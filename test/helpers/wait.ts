/** Polls until `check` returns a truthy value; throws with `what` after timeoutMs. */
export async function waitFor<T> (
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  intervalMs = 20
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs

  for (;;) {
    const value = await check()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(intervalMs)
  }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
