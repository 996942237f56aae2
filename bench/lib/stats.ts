/** The middle value (mean of the two middle ones for an even count). */
export function median (values: number[]): number {
  if (values.length === 0) return Number.NaN

  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** a / b rounded to two decimals; NaN when b is zero. */
export function ratio (a: number, b: number): number {
  if (b === 0) return Number.NaN
  return Math.round((a / b) * 100) / 100
}

export function round (value: number, decimals = 0): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}
