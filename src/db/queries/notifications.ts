import { and, count, desc, eq, inArray, isNull, type SQL } from 'drizzle-orm'
import type { NotificationView } from '../../chat/message-view.js'
import { AppError } from '../../errors.js'
import type { Database } from '../client.js'
import { notifications, type Notification } from '../schema.js'
import { pageOffset, type Page, type PageRequest } from './paging.js'

export interface NotificationFilter extends PageRequest {
  unreadOnly: boolean
}

export type ReadSelection = { ids: string[] } | { all: true }

/** The user's unread notifications (the socket's `ready` frame carries it). */
export async function countUnreadNotifications (
  database: Database,
  userId: string
): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
  return row.n
}

/** The user's notifications, newest first. */
export async function listNotifications (
  database: Database,
  userId: string,
  filter: NotificationFilter
): Promise<Page<NotificationView>> {
  const where = ownedBy(userId, filter.unreadOnly)

  const [rows, [{ total }]] = await Promise.all([
    database.db.select().from(notifications).where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(filter.pageSize).offset(pageOffset(filter)),
    database.db.select({ total: count() }).from(notifications).where(where)
  ])

  const { page, pageSize } = filter
  return { items: rows.map(notificationView), page, pageSize, total }
}

/**
 * Marks the chosen notifications read and counts those that were unread.
 * Every id must exist (404) and belong to the caller (403) before any changes.
 */
export async function markNotificationsRead (
  database: Database,
  userId: string,
  selection: ReadSelection
): Promise<number> {
  let where = ownedBy(userId, true)

  if ('ids' in selection) {
    const ids = [...new Set(selection.ids.map((id) => id.toLowerCase()))]
    await requireOwnNotifications(database, userId, ids)
    where = and(where, inArray(notifications.id, ids)) as SQL
  }

  const updated = await database.db.update(notifications).set({ readAt: new Date() })
    .where(where).returning({ id: notifications.id })
  return updated.length
}

async function requireOwnNotifications (database: Database, userId: string, ids: string[]) {
  const rows = await database.db.select({ id: notifications.id, userId: notifications.userId })
    .from(notifications).where(inArray(notifications.id, ids))

  if (rows.length < ids.length) throw new AppError('NOT_FOUND', 'Notification not found')
  if (rows.some((row) => row.userId !== userId)) {
    throw new AppError('FORBIDDEN', 'Notification belongs to another user')
  }
}

function ownedBy (userId: string, unreadOnly: boolean): SQL {
  const mine = eq(notifications.userId, userId)
  return unreadOnly ? and(mine, isNull(notifications.readAt)) as SQL : mine
}

export function notificationView (row: Notification): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    conversationId: row.conversationId,
    messageId: row.messageId,
    preview: row.preview,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null
  }
}
