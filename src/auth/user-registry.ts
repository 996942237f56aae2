import { eq } from 'drizzle-orm'
import { LRUCache } from 'lru-cache'
import type { Db } from '../db/client.js'
import { users } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Identity, Role } from './identity.js'

/**
 * Records users the first time their token is seen. Known users are kept in
 * memory so an authenticated request costs no database round trip.
 */
export class UserRegistry {
  private readonly known = new LRUCache<string, Role>({ max: 50_000 })

  constructor (private readonly db: Db) {}

  /** Records the user if new; refuses a token whose role differs from the recorded one. */
  async ensure (identity: Identity): Promise<void> {
    const role = this.known.get(identity.userId) ?? await this.record(identity)

    if (role !== identity.role) {
      throw new AppError('FORBIDDEN', 'Token role differs from the role recorded for this user')
    }
  }

  private async record (identity: Identity): Promise<Role> {
    await this.db.insert(users)
      .values({ id: identity.userId, role: identity.role, name: identity.name })
      .onConflictDoNothing()

    const [row] = await this.db.select({ role: users.role }).from(users)
      .where(eq(users.id, identity.userId))

    this.known.set(identity.userId, row.role)
    return row.role
  }
}
