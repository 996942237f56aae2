import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { projectRoot, publicFolder } from '../lib/paths.js'

/** Where `npm run build` puts the browser build of src/client. */
export const clientBuildFolder = () => join(projectRoot(), 'dist', 'client')

/**
 * The demo chat page at `/` and the browser build of the client under
 * `/client/`. Files are listed at start (no wildcard route), so unknown
 * paths still get the API's own 404, and every file route is public.
 */
export default async function staticPlugin (app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true }
  })

  await app.register(fastifyStatic, { root: publicFolder(), prefix: '/', wildcard: false })

  const clientFolder = clientBuildFolder()
  if (!existsSync(clientFolder)) {
    app.log.warn({ folder: clientFolder }, 'browser client not built, run npm run build')
    return
  }

  await app.register(fastifyStatic, {
    root: clientFolder,
    prefix: '/client/',
    wildcard: false,
    decorateReply: false,
    globIgnore: ['**/*.d.ts', '**/*.map']
  })
}
