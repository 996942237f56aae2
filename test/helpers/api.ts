import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { TestApp } from './app.js'

/** The users of FIELD-CASES.md with their roles. */
export const USERS = {
  coA: 'company',
  coB: 'company',
  k1: 'candidate',
  k2: 'candidate',
  adm: 'admin'
} as const

export type TestUser = keyof typeof USERS

type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** Calls the app through inject as one of the conventional users. */
export type ApiCaller = (
  method: Method,
  url: string,
  body?: unknown,
  headers?: Record<string, string>
) => Promise<LightMyRequestResponse>

export function caller (testApp: TestApp, user: TestUser | { sub: string, role: string }): ApiCaller {
  const { sub, role } = typeof user === 'string' ? { sub: user, role: USERS[user] } : user
  const token = testApp.token(sub, role)

  return async (method, url, body, headers = {}) => {
    const options: InjectOptions = {
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers }
    }
    if (body !== undefined) options.payload = body as InjectOptions['payload']
    return await testApp.app.inject(options)
  }
}

export function callers (testApp: TestApp): Record<TestUser, ApiCaller> {
  return {
    coA: caller(testApp, 'coA'),
    coB: caller(testApp, 'coB'),
    k1: caller(testApp, 'k1'),
    k2: caller(testApp, 'k2'),
    adm: caller(testApp, 'adm')
  }
}

export interface SetupS {
  jobId: string
  conversationId: string
}

/**
 * Setup S of FIELD-CASES.md: k1 and k2 are recorded, coA posts job J and
 * opens conversation C with k1 about it.
 */
export async function setupS (testApp: TestApp): Promise<SetupS> {
  const as = callers(testApp)
  await expectOk(await as.k1('GET', '/api/notifications'))
  await expectOk(await as.k2('GET', '/api/notifications'))

  const posted = await as.coA('POST', '/api/jobs', { title: 'Backend dev', description: 'x' })
  const job = await expectOk(posted)
  const conversation = await expectOk(await as.coA('POST', '/api/conversations', {
    candidateId: 'k1',
    jobId: job.id
  }))

  return { jobId: String(job.id), conversationId: String(conversation.id) }
}

async function expectOk (res: LightMyRequestResponse) {
  if (res.statusCode >= 300) throw new Error(`setup request failed: ${res.statusCode} ${res.body}`)
  return res.json() as Record<string, unknown>
}
