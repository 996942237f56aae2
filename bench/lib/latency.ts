import * as hdr from 'hdr-histogram-js'

export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/**
 * Latencies in milliseconds, kept in an HDR histogram at microsecond
 * resolution (3 significant digits), so percentiles are exact to 0.1% and
 * recorders from several load processes merge without losing anything.
 */
export class LatencyRecorder {
  private readonly histogram: hdr.Histogram

  constructor (histogram?: hdr.Histogram) {
    this.histogram = histogram ?? hdr.build({
      bitBucketSize: 32,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 600_000_000,
      numberOfSignificantValueDigits: 3
    })
  }

  static decode (encoded: string): LatencyRecorder {
    return new LatencyRecorder(hdr.decodeFromCompressedBase64(encoded, 32))
  }

  record (ms: number): void {
    this.histogram.recordValue(Math.max(0, Math.round(ms * 1000)))
  }

  get count (): number {
    return this.histogram.totalCount
  }

  merge (other: LatencyRecorder): void {
    this.histogram.add(other.histogram)
  }

  encode (): string {
    return hdr.encodeIntoCompressedBase64(this.histogram)
  }

  reset (): void {
    this.histogram.reset()
  }

  /** Percentiles in ms, rounded to 0.01 ms; all zero when nothing was recorded. */
  summary (): LatencySummary {
    const h = this.histogram
    if (h.totalCount === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 }

    const ms = (us: number) => Math.round(us / 10) / 100
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p95: ms(h.getValueAtPercentile(95)),
      p99: ms(h.getValueAtPercentile(99)),
      max: ms(h.maxValue),
      mean: ms(h.mean)
    }
  }
}
