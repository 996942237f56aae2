import type { ChatMessage } from './protocol.js'

export type PushOutcome = 'delivered' | 'duplicate' | 'held'

/**
 * Hands one conversation's messages to the application in seq order, each
 * once. Seqs at or below the cursor are duplicates (a replay overlapping
 * what was seen); a seq beyond the next one is held until the gap is filled.
 */
export class Sequencer {
  private last: number | null
  private readonly held = new Map<number, ChatMessage>()

  constructor (
    lastSeq: number | null,
    private readonly deliver: (message: ChatMessage) => void
  ) {
    this.last = lastSeq
  }

  /** The highest seq delivered (or the start point); null until known. */
  get cursor (): number | null {
    return this.last
  }

  /** Sets the start point when it was not known yet. */
  startAt (seq: number): void {
    if (this.last === null) this.last = seq
    this.drain()
  }

  push (message: ChatMessage): PushOutcome {
    if (this.last === null) this.last = message.seq - 1

    if (message.seq <= this.last) return 'duplicate'
    if (message.seq > this.last + 1) {
      this.held.set(message.seq, message)
      return 'held'
    }

    this.last = message.seq
    this.deliver(message)
    this.drain()
    return 'delivered'
  }

  /** True while messages wait behind a missing seq. */
  get hasGap (): boolean {
    return this.held.size > 0
  }

  /** Gives up on a gap that cannot be filled: delivers what is held, in order. */
  releaseHeld (): void {
    const seqs = [...this.held.keys()].sort((a, b) => a - b)
    for (const seq of seqs) {
      const message = this.held.get(seq)!
      this.held.delete(seq)
      if (this.last !== null && seq <= this.last) continue
      this.last = seq
      this.deliver(message)
    }
  }

  private drain (): void {
    if (this.last === null) return

    for (;;) {
      const next = this.held.get(this.last + 1)
      if (!next) break
      this.held.delete(next.seq)
      this.last = next.seq
      this.deliver(next)
    }

    for (const seq of this.held.keys()) {
      if (seq <= this.last) this.held.delete(seq)
    }
  }
}
