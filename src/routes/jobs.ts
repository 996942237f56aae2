import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import {
  createJob, deleteJob, getJob, listJobs, updateJob
} from '../db/queries/jobs.js'
import { scopeFromQuery } from '../cache/route-scopes.js'
import { IdParams, responses } from './schemas/common.js'
import {
  CreateJobBody, Job, JobPage, ListJobsQuery, UpdateJobBody
} from './schemas/jobs.js'
import { withTypeBox } from './validation.js'

const tags = ['jobs']

/** Job postings: companies write their own, everyone reads. */
export default async function jobRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.post('/jobs', {
    config: { roles: ['company'] },
    schema: {
      tags,
      summary: 'Post a job (company)',
      body: CreateJobBody,
      response: responses({ 201: Job }, 403, 413)
    }
  }, async (request, reply) => {
    const job = await createJob(app.db, request.identity!.userId, request.body)
    await app.cacheInvalidation.jobChanged(job.companyId)
    return await reply.code(201).send(job)
  })

  app.get('/jobs', {
    config: {
      cache: { kind: 'jobs', ttlSeconds: 600, scope: scopeFromQuery('companyId') }
    },
    schema: {
      tags,
      summary: 'List jobs, newest first (every company unless companyId is given)',
      querystring: ListJobsQuery,
      response: responses({ 200: JobPage }, 404)
    }
  }, async (request) => await listJobs(app.db, request.query))

  app.get('/jobs/:id', {
    schema: {
      tags,
      summary: 'One job',
      params: IdParams,
      response: responses({ 200: Job }, 404)
    }
  }, async (request) => await getJob(app.db, request.params.id))

  app.patch('/jobs/:id', {
    config: { roles: ['company'] },
    schema: {
      tags,
      summary: 'Change a job: its text fields or status (owner)',
      params: IdParams,
      body: UpdateJobBody,
      response: responses({ 200: Job }, 403, 404, 413)
    }
  }, async (request) => {
    const { userId } = request.identity!
    const job = await updateJob(app.db, userId, request.params.id, request.body)
    await app.cacheInvalidation.jobChanged(job.companyId)
    return job
  })

  app.delete('/jobs/:id', {
    config: { roles: ['company'] },
    schema: {
      tags,
      summary: 'Delete a job and its applications; its conversations stay (owner)',
      params: IdParams,
      response: responses({ 204: Type.Null() }, 403, 404)
    }
  }, async (request, reply) => {
    await deleteJob(app.db, request.identity!.userId, request.params.id)
    await app.cacheInvalidation.jobDeleted(request.identity!.userId)
    return await reply.code(204).send(null)
  })
}
