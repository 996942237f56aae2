import type { ConversationMembers } from '../chat/conversation-access.js'
import type { CacheService } from './cache-service.js'
import { PUBLIC_SCOPE, scopeName } from './keys.js'

interface Batch {
  scopes: Set<string>
  done: Promise<void>
  resolve: () => void
}

/** Every kind of cached data a company's own entries can sit under. */
const COMPANY_KINDS = ['jobs', 'dashboard', 'candidates', 'analytics', 'conversations']

/**
 * What each write invalidates (`app.cacheInvalidation`), one method per
 * domain event. A write awaits its method before it responds, so a read
 * after the write never sees the old value.
 *
 * Message sends are the hot path: invalidations asked for in the same turn
 * of the event loop share one batch, and one batch at a time goes to Redis
 * as one script, so a burst of sends costs one round trip.
 */
export class CacheInvalidation {
  private next: Batch | undefined
  private running: Promise<void> = Promise.resolve()

  constructor (private readonly cache: CacheService) {}

  /** A job was created, changed or deleted. */
  async jobChanged (companyId: string): Promise<void> {
    await this.invalidate([
      scopeName('jobs', companyId),
      scopeName('jobs', PUBLIC_SCOPE),
      scopeName('dashboard', companyId)
    ])
  }

  /** A deleted job also takes its applications with it. */
  async jobDeleted (companyId: string): Promise<void> {
    await this.invalidate([
      scopeName('jobs', companyId),
      scopeName('jobs', PUBLIC_SCOPE),
      scopeName('dashboard', companyId),
      scopeName('candidates', companyId)
    ])
  }

  /** An application to one of the company's jobs was created or changed. */
  async applicationChanged (companyId: string): Promise<void> {
    await this.invalidate([
      scopeName('candidates', companyId),
      scopeName('dashboard', companyId)
    ])
  }

  async conversationCreated (companyId: string, candidateId: string): Promise<void> {
    await this.invalidate([
      scopeName('conversations', companyId),
      scopeName('conversations', candidateId),
      scopeName('dashboard', companyId)
    ])
  }

  /** A message was stored or a read mark moved. */
  async conversationActivity (members: ConversationMembers): Promise<void> {
    await this.invalidate([
      scopeName('conversations', members.companyId),
      scopeName('conversations', members.candidateId),
      scopeName('messages', members.conversationId),
      scopeName('dashboard', members.companyId)
    ])
  }

  /** Everything cached for one company (management). */
  async companyEverything (companyId: string): Promise<void> {
    const scopes = COMPANY_KINDS.map((kind) => scopeName(kind, companyId))
    await this.invalidate([...scopes, scopeName('jobs', PUBLIC_SCOPE)])
  }

  /** Resolves once these scopes are gone from every tier that could be reached. */
  async invalidate (scopes: readonly string[]): Promise<void> {
    if (!this.cache.enabled) return

    // Computations already running may have read the old data: never store them.
    this.cache.flights.markStale(new Set(scopes))

    const batch = this.next ?? this.openBatch()
    for (const scope of scopes) batch.scopes.add(scope)
    await batch.done
  }

  private openBatch (): Batch {
    let resolve: () => void = () => {}
    const done = new Promise<void>((settle) => { resolve = settle })
    const batch: Batch = { scopes: new Set(), done, resolve }
    this.next = batch

    // The batch closes at the end of this turn and is sent once the previous one is back.
    const previous = this.running
    this.running = new Promise<void>((release) => {
      setImmediate(() => {
        void previous.then(async () => {
          if (this.next === batch) this.next = undefined
          await this.cache.invalidateScopes([...batch.scopes])
        }).catch(() => {
          this.cache.counters.errors++
        }).finally(() => {
          batch.resolve()
          release()
        })
      })
    })

    return batch
  }
}
