import type { FastifyInstance } from 'fastify'
import { listNotifications, markNotificationsRead } from '../db/queries/notifications.js'
import { responses } from './schemas/common.js'
import {
  MarkNotificationsBody, MarkNotificationsResult, NotificationPage, NotificationsQuery
} from './schemas/notifications.js'
import { withTypeBox } from './validation.js'

const tags = ['notifications']

/** Stored notifications of messages that arrived while the user was not looking. */
export default async function notificationRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.get('/notifications', {
    schema: {
      tags,
      summary: 'My notifications, newest first',
      querystring: NotificationsQuery,
      response: responses({ 200: NotificationPage })
    }
  }, async (request) => {
    const { unread, page, pageSize } = request.query
    return await listNotifications(app.db, request.identity!.userId, {
      unreadOnly: unread === true, page, pageSize
    })
  })

  app.post('/notifications/read', {
    schema: {
      tags,
      summary: 'Mark some or all of my notifications read',
      body: MarkNotificationsBody,
      response: responses({ 200: MarkNotificationsResult }, 403, 404)
    }
  }, async (request) => ({
    updated: await markNotificationsRead(app.db, request.identity!.userId, request.body)
  }))
}
