import type { FastifyInstance } from 'fastify'
import {
  applyToJob, listCandidates, updateApplicationStatus
} from '../db/queries/applications.js'
import {
  Application, CandidatePage, CandidatesQuery, UpdateApplicationBody
} from './schemas/applications.js'
import { IdParams, responses } from './schemas/common.js'
import { withTypeBox } from './validation.js'

const tags = ['applications']

/** Candidates apply to jobs; the posting company reviews them. */
export default async function applicationRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.post('/jobs/:id/applications', {
    config: { roles: ['candidate'] },
    schema: {
      tags,
      summary: 'Apply to an open job, once (candidate)',
      params: IdParams,
      response: responses({ 201: Application }, 403, 404, 409)
    }
  }, async (request, reply) => {
    const { userId } = request.identity!
    const { application, companyId } = await applyToJob(app.db, userId, request.params.id)
    await app.cacheInvalidation.applicationChanged(companyId)
    return await reply.code(201).send(application)
  })

  app.get('/company/candidates', {
    config: {
      roles: ['company'],
      cache: { kind: 'candidates', ttlSeconds: 600, scope: 'company' }
    },
    schema: {
      tags,
      summary: 'Applicants to the company\'s own jobs, newest first (company)',
      querystring: CandidatesQuery,
      response: responses({ 200: CandidatePage }, 403, 404)
    }
  }, async (request) => {
    return await listCandidates(app.db, request.identity!.userId, request.query)
  })

  app.patch('/applications/:id', {
    config: { roles: ['company'] },
    schema: {
      tags,
      summary: 'Move an application to another status (the job\'s company)',
      params: IdParams,
      body: UpdateApplicationBody,
      response: responses({ 200: Application }, 403, 404)
    }
  }, async (request) => {
    const companyId = request.identity!.userId
    const { id } = request.params
    const application = await updateApplicationStatus(app.db, companyId, id, request.body.status)
    await app.cacheInvalidation.applicationChanged(companyId)
    return application
  })
}
