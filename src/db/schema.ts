import { sql } from 'drizzle-orm'
import {
  index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' })
  .notNull().defaultNow()

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  role: text('role', { enum: ['company', 'candidate', 'admin'] }).notNull(),
  name: text('name'),
  createdAt: createdAt()
})

export const jobs = pgTable('jobs', {
  id: uuid('id').primaryKey().defaultRandom(),
  companyId: text('company_id').notNull().references(() => users.id),
  title: text('title').notNull(),
  description: text('description').notNull(),
  location: text('location'),
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
}, (t) => [
  index('jobs_company_created_idx').on(t.companyId, t.createdAt),
  index('jobs_status_created_idx').on(t.status, t.createdAt),
  // GET /api/jobs without a company or status: every job, newest first.
  index('jobs_created_idx').on(t.createdAt)
])

export const applications = pgTable('applications', {
  id: uuid('id').primaryKey().defaultRandom(),
  jobId: uuid('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
  candidateId: text('candidate_id').notNull().references(() => users.id),
  status: text('status', {
    enum: ['applied', 'reviewing', 'interview', 'rejected', 'hired']
  }).notNull().default('applied'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
}, (t) => [
  uniqueIndex('applications_job_candidate_uq').on(t.jobId, t.candidateId),
  index('applications_candidate_idx').on(t.candidateId),
  index('applications_created_idx').on(t.createdAt)
])

/**
 * jobKey is the job id at creation ('' without a job) and never changes, so the
 * uniqueness of (company, candidate, job) survives the job being deleted and
 * jobId being set to null.
 */
export const conversations = pgTable('conversations', {
  id: uuid('id').primaryKey().defaultRandom(),
  companyId: text('company_id').notNull().references(() => users.id),
  candidateId: text('candidate_id').notNull().references(() => users.id),
  jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
  jobKey: text('job_key').notNull(),
  lastSeq: integer('last_seq').notNull().default(0),
  lastActivityAt: timestamp('last_activity_at', { withTimezone: true, mode: 'date' })
    .notNull().defaultNow(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('conversations_pair_job_uq').on(t.companyId, t.candidateId, t.jobKey),
  index('conversations_job_idx').on(t.jobId)
])

/** Exactly two rows per conversation; lastReadSeq is the participant's read mark. */
export const participants = pgTable('conversation_participants', {
  conversationId: uuid('conversation_id').notNull()
    .references(() => conversations.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull().references(() => users.id),
  lastReadSeq: integer('last_read_seq').notNull().default(0)
}, (t) => [
  primaryKey({ columns: [t.conversationId, t.userId] }),
  index('participants_user_idx').on(t.userId)
])

export const messages = pgTable('messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').notNull()
    .references(() => conversations.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  senderId: text('sender_id').notNull().references(() => users.id),
  content: text('content').notNull(),
  clientMsgId: text('client_msg_id').notNull(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('messages_conversation_seq_uq').on(t.conversationId, t.seq),
  uniqueIndex('messages_sender_client_uq').on(t.conversationId, t.senderId, t.clientMsgId),
  index('messages_created_idx').on(t.createdAt),
  // Company analytics: a conversation's messages within a date range.
  index('messages_conversation_created_idx').on(t.conversationId, t.createdAt)
])

export const notifications = pgTable('notifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id').notNull().references(() => users.id),
  kind: text('kind', { enum: ['message'] }).notNull().default('message'),
  conversationId: uuid('conversation_id')
    .references(() => conversations.id, { onDelete: 'cascade' }),
  messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
  preview: text('preview'),
  createdAt: createdAt(),
  readAt: timestamp('read_at', { withTimezone: true, mode: 'date' })
}, (t) => [
  index('notifications_user_created_idx').on(t.userId, t.createdAt),
  index('notifications_user_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
  index('notifications_conversation_user_idx').on(t.conversationId, t.userId)
])

export type User = typeof users.$inferSelect
export type Job = typeof jobs.$inferSelect
export type Application = typeof applications.$inferSelect
export type Conversation = typeof conversations.$inferSelect
export type Message = typeof messages.$inferSelect
export type Notification = typeof notifications.$inferSelect
export type Role = User['role']
