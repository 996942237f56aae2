import { and, count, eq } from 'drizzle-orm'
import { AppError } from '../../errors.js'
import type { Database } from '../client.js'
import { applications, jobs } from '../schema.js'
import { APPLICATION_STATUSES, type ApplicationStatus } from './applications.js'

export interface Dashboard {
  openJobs: number
  applicationsByStatus: Record<ApplicationStatus, number>
  /** Conversations with a message in the last 30 days. */
  activeConversations: number
  /** Candidates' messages above the company's read marks. */
  unreadMessages: number
}

export interface AnalyticsRange {
  /** UTC dates (YYYY-MM-DD), inclusive. */
  from?: string
  to?: string
}

export interface Analytics {
  days: Array<{ date: string, messages: number, applications: number }>
  /** Median over conversations of the company's first reply delay; null when none. */
  medianFirstReplyMs: number | null
}

const DAY_MS = 86_400_000
export const DEFAULT_ANALYTICS_DAYS = 30
export const MAX_ANALYTICS_DAYS = 366
// The day after it must still have a four-digit year.
const LAST_DATE = '9999-12-30'

const ACTIVE_CONVERSATIONS = `
select count(*)::int as n from conversations c
where c.company_id = $1 and exists (
  select 1 from messages m
  where m.conversation_id = c.id and m.created_at >= now() - interval '30 days'
)
`

// Conversations read to the end are skipped without touching their messages.
const UNREAD_MESSAGES = `
select count(*)::int as n
from conversation_participants p
join conversations c on c.id = p.conversation_id and c.last_seq > p.last_read_seq
join messages m on m.conversation_id = p.conversation_id
  and m.seq > p.last_read_seq and m.sender_id <> p.user_id
where p.user_id = $1
`

// A conversation quiet since the start of the range has nothing in it: skipped.
const MESSAGES_PER_DAY = `
select to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as n
from conversations c
join messages m on m.conversation_id = c.id
where c.company_id = $1 and c.last_activity_at >= $2::timestamptz
  and m.created_at >= $2::timestamptz and m.created_at < $3::timestamptz
group by 1
`

const APPLICATIONS_PER_DAY = `
select to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as n
from jobs j
join applications a on a.job_id = j.id
where j.company_id = $1
  and a.created_at >= $2::timestamptz and a.created_at < $3::timestamptz
group by 1
`

/*
 * Per conversation: the candidate's first message, then the company's first
 * message after it (by seq). Conversations count when that first candidate
 * message falls in the range; the median is over their reply delays.
 */
const MEDIAN_FIRST_REPLY = `
with asked as (
  select c.id as conversation_id, c.company_id, f.seq, f.created_at
  from conversations c
  cross join lateral (
    select m.seq, m.created_at from messages m
    where m.conversation_id = c.id and m.sender_id = c.candidate_id
    order by m.seq limit 1
  ) f
  where c.company_id = $1 and c.last_activity_at >= $2::timestamptz
),
replied as (
  select (extract(epoch from (r.created_at - a.created_at)) * 1000)::float8 as delay_ms
  from asked a
  join lateral (
    select m.created_at from messages m
    where m.conversation_id = a.conversation_id and m.sender_id = a.company_id
      and m.seq > a.seq
    order by m.seq limit 1
  ) r on true
  where a.created_at >= $2::timestamptz and a.created_at < $3::timestamptz
)
select percentile_cont(0.5) within group (order by delay_ms) as median from replied
`

export async function companyDashboard (
  database: Database,
  companyId: string
): Promise<Dashboard> {
  const [[open], byStatus, [active], [unread]] = await Promise.all([
    database.db.select({ n: count() }).from(jobs)
      .where(and(eq(jobs.companyId, companyId), eq(jobs.status, 'open'))),
    database.db.select({ status: applications.status, n: count() }).from(applications)
      .innerJoin(jobs, eq(jobs.id, applications.jobId))
      .where(eq(jobs.companyId, companyId))
      .groupBy(applications.status),
    database.query<{ n: number }>(ACTIVE_CONVERSATIONS, [companyId]),
    database.query<{ n: number }>(UNREAD_MESSAGES, [companyId])
  ])

  const applicationsByStatus = {} as Record<ApplicationStatus, number>
  for (const status of APPLICATION_STATUSES) applicationsByStatus[status] = 0
  for (const row of byStatus) applicationsByStatus[row.status] = row.n

  return {
    openJobs: open.n,
    applicationsByStatus,
    activeConversations: Number(active.n),
    unreadMessages: Number(unread.n)
  }
}

/** Messages and applications per UTC day (every day present) and the first-reply median. */
export async function companyAnalytics (
  database: Database,
  companyId: string,
  range: AnalyticsRange,
  now = new Date()
): Promise<Analytics> {
  const { from, to } = resolveRange(range, now)
  const start = new Date(dayStart(from)).toISOString()
  const end = new Date(dayStart(to) + DAY_MS).toISOString()
  const params = [companyId, start, end]

  const [messages, applied, [median]] = await Promise.all([
    database.query<{ day: string, n: number }>(MESSAGES_PER_DAY, params),
    database.query<{ day: string, n: number }>(APPLICATIONS_PER_DAY, params),
    database.query<{ median: number | string | null }>(MEDIAN_FIRST_REPLY, params)
  ])

  const messagesByDay = new Map(messages.map((row) => [row.day, Number(row.n)]))
  const applicationsByDay = new Map(applied.map((row) => [row.day, Number(row.n)]))
  const days = datesBetween(from, to).map((date) => ({
    date,
    messages: messagesByDay.get(date) ?? 0,
    applications: applicationsByDay.get(date) ?? 0
  }))

  const medianFirstReplyMs = median?.median === null || median?.median === undefined
    ? null
    : Math.round(Number(median.median))
  return { days, medianFirstReplyMs }
}

/** Fills in the default range (the last 30 days, today included) and checks it. */
export function resolveRange (range: AnalyticsRange, now: Date): { from: string, to: string } {
  const to = range.to ?? utcDate(now)
  const defaultFrom = dayStart(to) - (DEFAULT_ANALYTICS_DAYS - 1) * DAY_MS
  const from = range.from ?? utcDate(new Date(defaultFrom))

  const span = (dayStart(to) - dayStart(from)) / DAY_MS + 1
  if (!Number.isFinite(span) || dayStart(from) < 0 || to > LAST_DATE) {
    throw new AppError('BAD_REQUEST', `from and to must be dates from 1970-01-01 to ${LAST_DATE}`)
  }
  if (span < 1) throw new AppError('BAD_REQUEST', 'from must not be after to')
  if (span > MAX_ANALYTICS_DAYS) {
    throw new AppError('BAD_REQUEST', `The range is limited to ${MAX_ANALYTICS_DAYS} days`)
  }

  return { from, to }
}

function datesBetween (from: string, to: string): string[] {
  const dates: string[] = []
  const last = dayStart(to)
  for (let t = dayStart(from); t <= last; t += DAY_MS) dates.push(utcDate(new Date(t)))
  return dates
}

/** Milliseconds since the epoch at the start of a UTC date. */
function dayStart (date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`)
}

function utcDate (date: Date): string {
  return date.toISOString().slice(0, 10)
}
