import { eq } from 'drizzle-orm'
import type { Role } from '../../auth/identity.js'
import { AppError } from '../../errors.js'
import type { Database } from '../client.js'
import { users, type User } from '../schema.js'

/** A user named by a route; users are known once their token has been seen. */
export async function requireUser (database: Database, userId: string): Promise<User> {
  const [user] = await database.db.select().from(users).where(eq(users.id, userId))
  if (!user) throw new AppError('NOT_FOUND', 'User not found')
  return user
}

/** A known user of the given role: 404 when never seen, 400 when of another role. */
export async function requireUserWithRole (
  database: Database,
  userId: string,
  role: Role
): Promise<User> {
  const user = await requireUser(database, userId)
  if (user.role !== role) throw new AppError('BAD_REQUEST', `User ${userId} is not a ${role}`)
  return user
}
