export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  initialDelayMs: number
  /** Upper bound of any delay (ms). */
  maxDelayMs: number
  /** Growth per attempt. */
  factor: number
  /** Share of the delay drawn at random, 0..1, so clients do not retry in step. */
  jitter: number
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5
}

/**
 * The delay before retry number `attempt` (0 for the first): exponential,
 * capped, then shortened by a random share of at most `jitter`.
 */
export function backoffDelay (
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random
): number {
  const grown = options.initialDelayMs * options.factor ** attempt
  const ceiling = Math.min(options.maxDelayMs, grown)
  return Math.round(ceiling * (1 - options.jitter * random()))
}
