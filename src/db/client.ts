import { PGlite } from '@electric-sql/pglite'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { lockDataDir, type DataDirLock } from './data-dir-lock.js'
import { migrationsFolder } from '../lib/paths.js'
import * as schema from './schema.js'

/** One type for both drivers, so every query is written once. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export type Row = Record<string, unknown>

export interface Database {
  kind: 'postgres' | 'pglite'
  db: Db
  /** Raw SQL for the few statements the query builder cannot express. */
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>
  ping(): Promise<void>
  close(): Promise<void>
}

export interface DatabaseOptions {
  databaseUrl?: string
  /** Folder for the embedded database, or 'memory://' for a throwaway one. */
  dataDir: string
  poolSize?: number
}

export async function openDatabase (options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10)
  return openPglite(options.dataDir)
}

async function openPostgres (url: string, poolSize: number): Promise<Database> {
  await migrateWithLock(url)

  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 60
  })
  const db = drizzlePostgres({ client, schema }) as unknown as Db

  return {
    kind: 'postgres',
    db,
    query: async <T extends Row>(text: string, params: unknown[] = []) =>
      await client.unsafe(text, params as never[]) as unknown as T[],
    ping: async () => { await client`select 1` },
    close: async () => { await client.end({ timeout: 5 }) }
  }
}

// Several instances may start at once against one database: an advisory
// lock makes exactly one of them apply the migrations.
async function migrateWithLock (url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 })

  try {
    await client`select pg_advisory_lock(727272)`
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: migrationsFolder() })
    await client`select pg_advisory_unlock(727272)`
  } finally {
    await client.end({ timeout: 5 })
  }
}

async function openPglite (dataDir: string): Promise<Database> {
  const inMemory = dataDir === 'memory://'
  const lock: DataDirLock | undefined = inMemory ? undefined : await lockDataDir(dataDir)

  try {
    const client = inMemory ? new PGlite() : new PGlite(dataDir)
    await client.waitReady
    const db = drizzlePglite({ client, schema })
    await migratePglite(db, { migrationsFolder: migrationsFolder() })

    return {
      kind: 'pglite',
      db: db as unknown as Db,
      query: async <T extends Row>(text: string, params: unknown[] = []) =>
        (await client.query<T>(text, params)).rows,
      ping: async () => { await client.query('select 1') },
      close: async () => {
        await client.close()
        await lock?.release()
      }
    }
  } catch (err) {
    await lock?.release()
    throw err
  }
}
