import postgres from 'postgres'
import { openDatabase } from '../../src/db/client.js'
import { SCHEMA } from '../socketio/store.js'
import type { Population } from './population.js'

const USERS = `
insert into users (id, role, name)
select id, role, id from json_to_recordset($1::json) as t(id text, role text)`

const CONVERSATIONS = `
insert into conversations (id, company_id, candidate_id, job_key)
select id, "companyId", "candidateId", ''
from json_to_recordset($1::json) as t(id uuid, "companyId" text, "candidateId" text)`

const PARTICIPANTS = `
insert into conversation_participants (conversation_id, user_id)
select id, unnest(array["companyId", "candidateId"])
from json_to_recordset($1::json) as t(id uuid, "companyId" text, "candidateId" text)`

const SOCKETIO_CONVERSATIONS = `
insert into sio_conversations (id, company_id, candidate_id)
select id, "companyId", "candidateId"
from json_to_recordset($1::json) as t(id uuid, "companyId" text, "candidateId" text)`

/** Applies the product's migrations to a bench database (as the product does at start). */
export async function migrateProduct (databaseUrl: string): Promise<void> {
  const database = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 1 })
  await database.close()
}

/** Users, conversations and participants straight into the product's tables. */
export async function seedProduct (databaseUrl: string, population: Population) {
  await withSql(databaseUrl, async (sql) => {
    await sql.unsafe(USERS, [population.users as never])
    await sql.unsafe(CONVERSATIONS, [population.conversations as never])
    await sql.unsafe(PARTICIPANTS, [population.conversations as never])
  })
}

/** The Socket.IO server's own tables and conversations, with the same ids. */
export async function seedSocketIo (databaseUrl: string, population: Population) {
  await withSql(databaseUrl, async (sql) => {
    await sql.unsafe(SCHEMA)
    await sql.unsafe(SOCKETIO_CONVERSATIONS, [population.conversations as never])
  })
}

// Plain postgres.js serialises a json parameter itself: objects go in as they are.
async function withSql (url: string, work: (sql: postgres.Sql) => Promise<void>) {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await work(sql)
  } finally {
    await sql.end()
  }
}
