import { setupS } from '../helpers/api.js'
import { buildTestApp, type TestApp, type TestAppOptions } from '../helpers/app.js'
import { USERS, type TestUser } from '../helpers/api.js'
import { TestSocket } from '../helpers/ws-client.js'

interface Teardown { teardown(fn: () => unknown): void }

export interface HubFixture {
  testApp: TestApp
  baseUrl: string
  /** Conversation C of Setup S (coA with k1). */
  conversationId: string
  jobId: string
  tokenOf(user: TestUser, options?: { expiresInSeconds?: number }): string
  /** A socket as the user, ready. */
  socket(t: Teardown, user: TestUser): Promise<TestSocket>
  /** A socket as the user, ready and joined to C (or the conversation given). */
  joined(t: Teardown, user: TestUser, conversationId?: string): Promise<TestSocket>
}

/** One listening app per test file, with Setup S done. */
export async function hubFixture (t: Teardown, options: TestAppOptions = {}) {
  const testApp = await buildTestApp(t, { listen: true, ...options })
  const { conversationId, jobId } = await setupS(testApp)
  const tokenOf = (user: TestUser, opts: { expiresInSeconds?: number } = {}) =>
    testApp.token(user, USERS[user], opts)

  const socket = async (t: Teardown, user: TestUser) =>
    await TestSocket.ready(t, testApp.baseUrl, tokenOf(user))

  const joined = async (t: Teardown, user: TestUser, conversation = conversationId) => {
    const s = await socket(t, user)
    await s.ok({ type: 'join', conversationId: conversation })
    return s
  }

  const fixture: HubFixture = {
    testApp, baseUrl: testApp.baseUrl, conversationId, jobId, tokenOf, socket, joined
  }
  return fixture
}

/** Waits until every hub counter is back to zero (closes finish asynchronously). */
export async function hubIdle (testApp: TestApp, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const stats = testApp.app.hub.stats()
    if (Object.values(stats).every((n) => n === 0)) return stats
    if (Date.now() > deadline) return stats
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
