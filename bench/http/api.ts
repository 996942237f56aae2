import { signToken } from '../../src/auth/tokens.js'

/** A small HTTP client of the product for seeding and checks. */
export class Api {
  constructor (private readonly baseUrl: string, private readonly secret: string) {}

  token (sub: string, role: string): string {
    return signToken(this.secret, { sub, role, expiresInSeconds: 6 * 3600 })
  }

  async call<T = unknown> (
    sub: string, role: string, method: string, path: string, body?: unknown
  ) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token(sub, role)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    if (response.status >= 400) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
    }

    return {
      status: response.status,
      headers: response.headers,
      text,
      json: (text ? JSON.parse(text) : undefined) as T
    }
  }
}

export const COMPANY = 'bench-company'
export const ADMIN = 'bench-admin'

/**
 * A company with jobs, applicants in every status and conversations with
 * messages, so its dashboard is real database work.
 */
export async function seedDashboard (
  api: Api,
  size = { jobs: 10, candidates: 40, conversations: 20 }
) {
  const jobIds: string[] = []
  for (let j = 0; j < size.jobs; j++) {
    const job = await api.call<{ id: string }>(COMPANY, 'company', 'POST', '/api/jobs',
      { title: `Engineer ${j}`, description: `Job number ${j}`, location: 'Remote' })
    jobIds.push(job.json.id)
  }

  const statuses = ['applied', 'reviewing', 'interview', 'rejected', 'hired']
  for (let c = 0; c < size.candidates; c++) {
    const candidate = `bench-cand-${c}`
    const application = await api.call<{ id: string }>(candidate, 'candidate', 'POST',
      `/api/jobs/${jobIds[c % jobIds.length]}/applications`, {})
    const status = statuses[c % statuses.length]
    if (status !== 'applied') {
      const path = `/api/applications/${application.json.id}`
      await api.call(COMPANY, 'company', 'PATCH', path, { status })
    }
  }

  for (let c = 0; c < size.conversations; c++) {
    const candidate = `bench-cand-${c}`
    const conversation = await api.call<{ id: string }>(COMPANY, 'company', 'POST',
      '/api/conversations', { candidateId: candidate, jobId: jobIds[c % jobIds.length] })
    const path = `/api/conversations/${conversation.json.id}/messages`
    for (let m = 0; m < 4; m++) {
      const [sub, role] = m % 2 === 0 ? [candidate, 'candidate'] : [COMPANY, 'company']
      const message = { content: `Message ${m}`, clientMsgId: `seed-${c}-${m}` }
      await api.call(sub, role, 'POST', path, message)
    }
  }
}
