import { and, count, desc, eq, type SQL } from 'drizzle-orm'
import { AppError } from '../../errors.js'
import type { Database } from '../client.js'
import { applications, jobs, users, type Application } from '../schema.js'
import { jobGoneIsNotFound, requireJob, requireOwnJob } from './jobs.js'
import { pageOffset, type Page, type PageRequest } from './paging.js'

export type ApplicationStatus = Application['status']

export const APPLICATION_STATUSES: readonly ApplicationStatus[] =
  ['applied', 'reviewing', 'interview', 'rejected', 'hired']

export interface ApplicationView {
  id: string
  jobId: string
  candidateId: string
  status: ApplicationStatus
  createdAt: string
  updatedAt: string
}

/** An application as the company sees it in its list of candidates. */
export interface CandidateView extends ApplicationView {
  jobTitle: string
  candidateName: string | null
}

export interface CandidateFilter extends PageRequest {
  jobId?: string
  status?: ApplicationStatus
}

/** A candidate applies once to an open job: 404 unknown, 409 closed or already applied. */
export async function applyToJob (
  database: Database,
  candidateId: string,
  jobId: string
): Promise<{ application: ApplicationView, companyId: string }> {
  const job = await requireJob(database, jobId)
  if (job.status !== 'open') throw new AppError('CONFLICT', 'This job is closed')

  const [application] = await database.db.insert(applications)
    .values({ jobId, candidateId })
    .onConflictDoNothing({ target: [applications.jobId, applications.candidateId] })
    .returning()
    .catch(jobGoneIsNotFound)
  if (!application) throw new AppError('CONFLICT', 'You have already applied to this job')

  // The posting company comes back too: its cached views are invalidated.
  return { application: applicationView(application), companyId: job.companyId }
}

/** Applicants to the company's jobs, newest first; a jobId must be the company's own. */
export async function listCandidates (
  database: Database,
  companyId: string,
  filter: CandidateFilter
): Promise<Page<CandidateView>> {
  if (filter.jobId !== undefined) await requireOwnJob(database, companyId, filter.jobId)

  const conditions: SQL[] = [eq(jobs.companyId, companyId)]
  if (filter.jobId !== undefined) conditions.push(eq(applications.jobId, filter.jobId))
  if (filter.status !== undefined) conditions.push(eq(applications.status, filter.status))
  const where = and(...conditions)

  const [rows, [{ total }]] = await Promise.all([
    database.db
      .select({ application: applications, jobTitle: jobs.title, candidateName: users.name })
      .from(applications)
      .innerJoin(jobs, eq(jobs.id, applications.jobId))
      .innerJoin(users, eq(users.id, applications.candidateId))
      .where(where)
      .orderBy(desc(applications.createdAt), desc(applications.id))
      .limit(filter.pageSize).offset(pageOffset(filter)),
    database.db.select({ total: count() }).from(applications)
      .innerJoin(jobs, eq(jobs.id, applications.jobId))
      .where(where)
  ])

  const items = rows.map((row) => ({
    ...applicationView(row.application),
    jobTitle: row.jobTitle,
    candidateName: row.candidateName
  }))
  return { items, page: filter.page, pageSize: filter.pageSize, total }
}

/** The company that posted the job moves the application along. */
export async function updateApplicationStatus (
  database: Database,
  companyId: string,
  applicationId: string,
  status: ApplicationStatus
): Promise<ApplicationView> {
  const [found] = await database.db.select({ companyId: jobs.companyId })
    .from(applications)
    .innerJoin(jobs, eq(jobs.id, applications.jobId))
    .where(eq(applications.id, applicationId))
  if (!found) throw new AppError('NOT_FOUND', 'Application not found')
  if (found.companyId !== companyId) {
    throw new AppError('FORBIDDEN', 'This application is to another company\'s job')
  }

  const [application] = await database.db.update(applications)
    .set({ status, updatedAt: new Date() })
    .where(eq(applications.id, applicationId))
    .returning()
  if (!application) throw new AppError('NOT_FOUND', 'Application not found')

  return applicationView(application)
}

export function applicationView (application: Application): ApplicationView {
  return {
    id: application.id,
    jobId: application.jobId,
    candidateId: application.candidateId,
    status: application.status,
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString()
  }
}
