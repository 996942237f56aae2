import { Type } from 'typebox'
import { MAX_PAGE_LIMIT, MAX_WAIT_MS } from '../../chat/message-history.js'
import { IsoTime, PageFields, PageOf, Seq, UserId, Uuid } from './common.js'

export const Message = Type.Object({
  id: Uuid,
  conversationId: Uuid,
  seq: Type.Integer({ minimum: 1 }),
  senderId: UserId,
  content: Type.String(),
  clientMsgId: Type.String(),
  createdAt: IsoTime
})

export const Conversation = Type.Object({
  id: Uuid,
  companyId: UserId,
  candidateId: UserId,
  jobId: Type.Union([Uuid, Type.Null()]),
  lastSeq: Type.Integer({ minimum: 0 }),
  lastMessage: Type.Union([Message, Type.Null()]),
  unreadCount: Type.Integer({
    minimum: 0,
    description: 'The other participant\'s messages above my read mark'
  }),
  createdAt: IsoTime
})

export const OpenConversationBody = Type.Object({
  candidateId: UserId,
  jobId: Type.Optional(Type.Union([Uuid, Type.Null()]))
}, { additionalProperties: false })

export const ConversationsQuery = Type.Object({ ...PageFields }, {
  additionalProperties: false
})

export const ConversationPage = PageOf(Conversation)

export const MessagesQuery = Type.Object({
  beforeSeq: Type.Optional(Seq),
  afterSeq: Type.Optional(Seq),
  limit: Type.Optional(Type.Integer({
    minimum: 1, maximum: MAX_PAGE_LIMIT, description: 'Default 50'
  })),
  waitMs: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: MAX_WAIT_MS,
    description: 'Long-poll (needs afterSeq): wait up to this long for a newer message'
  }))
}, { additionalProperties: false })

export const MessagePage = Type.Object({
  items: Type.Array(Message, { description: 'Ascending seq' }),
  hasMore: Type.Boolean({
    description: 'With afterSeq: newer messages follow. Otherwise: older messages precede.'
  })
})

export const SendMessageBody = Type.Object({
  content: Type.String({ description: '1 to 4000 characters (code points) after trimming' }),
  clientMsgId: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[^\\u0000-\\u001F\\u007F]*$',
    description: 'Makes a resend idempotent; no control characters'
  })
}, { additionalProperties: false })

export const ReadBody = Type.Object({ upToSeq: Seq }, { additionalProperties: false })

export const ReadMark = Type.Object({
  conversationId: Uuid,
  userId: UserId,
  lastReadSeq: Type.Integer({ minimum: 0 })
})
