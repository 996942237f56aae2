import type { FastifyInstance } from 'fastify'
import { companyAnalytics, companyDashboard } from '../db/queries/company-views.js'
import { responses } from './schemas/common.js'
import { Analytics, AnalyticsQuery, Dashboard } from './schemas/company.js'
import { withTypeBox } from './validation.js'

const tags = ['company']

/** A company's summary views over its jobs, applications and conversations. */
export default async function companyRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.get('/company/dashboard', {
    config: {
      roles: ['company'],
      cache: { kind: 'dashboard', ttlSeconds: 300, scope: 'company' }
    },
    schema: {
      tags,
      summary: 'Open jobs, applications by status, active conversations, unread messages',
      response: responses({ 200: Dashboard }, 403)
    }
  }, async (request) => await companyDashboard(app.db, request.identity!.userId))

  app.get('/company/analytics', {
    config: {
      roles: ['company'],
      cache: { kind: 'analytics', ttlSeconds: 1800, scope: 'company' }
    },
    schema: {
      tags,
      summary: 'Messages and applications per UTC day, median time to the first reply',
      querystring: AnalyticsQuery,
      response: responses({ 200: Analytics }, 403)
    }
  }, async (request) => {
    return await companyAnalytics(app.db, request.identity!.userId, request.query)
  })
}
