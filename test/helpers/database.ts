import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

/**
 * A database of its own for one test file: a fresh PostgreSQL database when
 * DATABASE_URL is set (CI), otherwise an in-memory embedded one. `base`
 * names another server to create it on.
 */
export async function freshDatabaseUrl (
  base = process.env.DATABASE_URL
): Promise<{ url?: string, drop: () => Promise<void> }> {
  if (!base) return { url: undefined, drop: async () => {} }

  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()

  const url = new URL(base)
  url.pathname = `/${name}`

  return {
    url: url.toString(),
    drop: async () => {
      const cleaner = postgres(base, { max: 1, onnotice: () => {} })
      await cleaner.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
      await cleaner.end()
    }
  }
}
