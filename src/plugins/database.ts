import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from '../db/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

/** Exposes an opened database and closes it with the instance. */
async function databasePlugin (app: FastifyInstance, options: { database: Database }) {
  app.decorate('db', options.database)

  app.addHook('onClose', async () => {
    await options.database.close()
  })
}

export default fp(databasePlugin, { name: 'database' })
