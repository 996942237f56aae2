/** What one client saw of one conversation, against the seqs it should have seen. */
export interface DeliveryCounts {
  /** Distinct messages received. */
  received: number
  /** Seqs in (baseline, finalSeq] never received. */
  lost: number
  /** Messages received more than once, or at or below the baseline. */
  duplicates: number
  /** Messages that arrived after a higher seq of the same conversation. */
  outOfOrder: number
}

/**
 * Checks that one client receives each message of one conversation exactly
 * once and in seq order, in constant memory while deliveries are in order:
 * only seqs skipped over are remembered, until they arrive late or are
 * counted lost.
 */
export class SeqTracker {
  private next: number
  private missing: Set<number> | null = null
  private received = 0
  private duplicates = 0
  private outOfOrder = 0

  /** Seqs up to and including `baseline` were already seen before tracking began. */
  constructor (private readonly baseline = 0) {
    this.next = baseline + 1
  }

  /** The highest seq seen, which a reconnecting client passes as afterSeq. */
  get lastSeq (): number {
    return this.next - 1
  }

  receive (seq: number): void {
    if (seq === this.next) {
      this.next++
      this.received++
      return
    }

    if (seq > this.next) {
      this.missing ??= new Set()
      for (let skipped = this.next; skipped < seq; skipped++) this.missing.add(skipped)
      this.next = seq + 1
      this.received++
      return
    }

    if (seq > this.baseline && this.missing?.delete(seq) === true) {
      this.received++
      this.outOfOrder++
      return
    }

    this.duplicates++
  }

  /** Counts against the conversation's last committed seq. */
  counts (finalSeq: number): DeliveryCounts {
    const neverReached = Math.max(0, finalSeq - this.lastSeq)
    return {
      received: this.received,
      lost: (this.missing?.size ?? 0) + neverReached,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder
    }
  }
}

export function addCounts (a: DeliveryCounts, b: DeliveryCounts): DeliveryCounts {
  return {
    received: a.received + b.received,
    lost: a.lost + b.lost,
    duplicates: a.duplicates + b.duplicates,
    outOfOrder: a.outOfOrder + b.outOfOrder
  }
}

export const noDeliveries = (): DeliveryCounts =>
  ({ received: 0, lost: 0, duplicates: 0, outOfOrder: 0 })
