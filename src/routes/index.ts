import type { FastifyInstance } from 'fastify'
import applicationRoutes from './applications.js'
import companyRoutes from './company.js'
import conversationRoutes from './conversations.js'
import jobRoutes from './jobs.js'
import messageRoutes from './messages.js'
import notificationRoutes from './notifications.js'
import readMarkRoutes from './read-marks.js'

/** Every route under /api. */
export default async function apiRoutes (app: FastifyInstance) {
  await app.register(jobRoutes)
  await app.register(applicationRoutes)
  await app.register(conversationRoutes)
  await app.register(messageRoutes)
  await app.register(readMarkRoutes)
  await app.register(notificationRoutes)
  await app.register(companyRoutes)
}
