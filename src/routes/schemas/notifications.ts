import { Type } from 'typebox'
import { IsoTime, PageFields, PageOf, Uuid } from './common.js'

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.Literal('message'),
  conversationId: Type.Union([Uuid, Type.Null()]),
  messageId: Type.Union([Uuid, Type.Null()]),
  preview: Type.Union([Type.String(), Type.Null()], { description: 'First 100 characters' }),
  createdAt: IsoTime,
  readAt: Type.Union([IsoTime, Type.Null()])
})

export const NotificationsQuery = Type.Object({
  unread: Type.Optional(Type.Boolean({ description: 'Only unread ones when true' })),
  ...PageFields
}, { additionalProperties: false })

export const NotificationPage = PageOf(Notification)

export const MarkNotificationsBody = Type.Union([
  Type.Object({
    ids: Type.Array(Uuid, { minItems: 1, maxItems: 100 })
  }, { additionalProperties: false }),
  Type.Object({ all: Type.Literal(true) }, { additionalProperties: false })
], { description: '{ids} to mark those, or {all: true} to mark every unread one' })

export const MarkNotificationsResult = Type.Object({
  updated: Type.Integer({ minimum: 0, description: 'How many were unread and are now read' })
})
