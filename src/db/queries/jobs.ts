import { and, count, desc, eq, type SQL } from 'drizzle-orm'
import { errorCode } from '../../chat/message-store.js'
import { AppError } from '../../errors.js'
import type { Database } from '../client.js'
import { jobs, type Job } from '../schema.js'
import { pageOffset, type Page, type PageRequest } from './paging.js'
import { requireUserWithRole } from './users.js'

export type JobStatus = Job['status']

export interface JobView {
  id: string
  companyId: string
  title: string
  description: string
  location: string | null
  status: JobStatus
  createdAt: string
  updatedAt: string
}

export interface NewJob {
  title: string
  description: string
  location?: string | null
}

export interface JobChanges {
  title?: string
  description?: string
  location?: string | null
  status?: JobStatus
}

export interface JobFilter extends PageRequest {
  companyId?: string
  status?: JobStatus
}

export async function createJob (
  database: Database,
  companyId: string,
  input: NewJob
): Promise<JobView> {
  const [job] = await database.db.insert(jobs).values({
    companyId,
    title: input.title,
    description: input.description,
    location: input.location ?? null
  }).returning()

  return jobView(job)
}

/** Jobs newest first; every company's jobs unless one is named. */
export async function listJobs (database: Database, filter: JobFilter): Promise<Page<JobView>> {
  if (filter.companyId !== undefined) {
    await requireUserWithRole(database, filter.companyId, 'company')
  }

  const conditions: SQL[] = []
  if (filter.companyId !== undefined) conditions.push(eq(jobs.companyId, filter.companyId))
  if (filter.status !== undefined) conditions.push(eq(jobs.status, filter.status))
  const where = and(...conditions)

  const [rows, [{ total }]] = await Promise.all([
    database.db.select().from(jobs).where(where)
      .orderBy(desc(jobs.createdAt), desc(jobs.id))
      .limit(filter.pageSize).offset(pageOffset(filter)),
    database.db.select({ total: count() }).from(jobs).where(where)
  ])

  return { items: rows.map(jobView), page: filter.page, pageSize: filter.pageSize, total }
}

export async function getJob (database: Database, jobId: string): Promise<JobView> {
  return jobView(await requireJob(database, jobId))
}

export async function updateJob (
  database: Database,
  companyId: string,
  jobId: string,
  changes: JobChanges
): Promise<JobView> {
  await requireOwnJob(database, companyId, jobId)

  const [job] = await database.db.update(jobs)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(jobs.id, jobId))
    .returning()
  if (!job) throw new AppError('NOT_FOUND', 'Job not found')

  return jobView(job)
}

/**
 * Removes the job; its applications go with it (cascade) while its
 * conversations stay, with their messages, and jobId set to null.
 */
export async function deleteJob (
  database: Database,
  companyId: string,
  jobId: string
): Promise<void> {
  await requireOwnJob(database, companyId, jobId)
  await database.db.delete(jobs).where(eq(jobs.id, jobId))
}

export async function requireJob (database: Database, jobId: string): Promise<Job> {
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId))
  if (!job) throw new AppError('NOT_FOUND', 'Job not found')
  return job
}

/** The job when it belongs to the company: 404 when unknown, 403 when another's. */
export async function requireOwnJob (
  database: Database,
  companyId: string,
  jobId: string
): Promise<Job> {
  const job = await requireJob(database, jobId)
  if (job.companyId !== companyId) {
    throw new AppError('FORBIDDEN', 'This job belongs to another company')
  }
  return job
}

const FOREIGN_KEY_VIOLATION = '23503'

/**
 * For inserts that name a job checked a moment before: when it was deleted
 * in between, the foreign key refuses the row and the answer is 404.
 */
export function jobGoneIsNotFound (err: unknown): never {
  if (errorCode(err) === FOREIGN_KEY_VIOLATION) throw new AppError('NOT_FOUND', 'Job not found')
  throw err
}

export function jobView (job: Job): JobView {
  return {
    id: job.id,
    companyId: job.companyId,
    title: job.title,
    description: job.description,
    location: job.location,
    status: job.status,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString()
  }
}
