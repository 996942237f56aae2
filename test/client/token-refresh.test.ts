import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { setupS } from '../helpers/api.js'
import { waitFor } from '../helpers/wait.js'
import { closeLeftoverConnections, SocketGate, testClient } from './harness.js'

const testApp = await buildTestApp(t, { listen: true })
closeLeftoverConnections(t, testApp)
const { conversationId } = await setupS(testApp)

t.test('refreshes the token before it expires and keeps the same socket', async (t) => {
  const gate = new SocketGate()
  const fresh = testApp.token('k1', 'candidate', { expiresInSeconds: 3600 })
  let refreshes = 0
  const client = testClient(t, testApp, 'k1', 'candidate', {
    WebSocket: gate.WebSocket,
    token: testApp.token('k1', 'candidate', { expiresInSeconds: 2 }),
    refreshToken: async () => {
      refreshes += 1
      return fresh
    }
  })
  await client.join(conversationId)
  const sessionId = client.session?.sessionId

  await waitFor('a refresh', () => gate.sentOfType('auth').length === 2, 3000)
  const auth = gate.sentOfType('auth')[1]
  const acked = () => gate.received.some((f) => f.type === 'ack' && f.id === auth.id)
  await waitFor('its ack', acked)

  // Past the first token's expiry the socket is still the same one.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  t.equal((await client.ping()).type, 'pong')
  t.equal(client.session?.sessionId, sessionId)
  t.equal(gate.sockets.length, 1)
  t.equal(refreshes, 1)
  t.equal(auth.token, fresh)
})

t.test('without a refresh hook an expired token ends the client with UNAUTHENTICATED', async (t) => {
  const client = testClient(t, testApp, 'k1', 'candidate', {
    token: testApp.token('k1', 'candidate', { expiresInSeconds: 1 })
  })
  await client.connect()

  const err = await client.next('error')
  t.equal(err.code, 'UNAUTHENTICATED')
  t.equal(client.state, 'closed')
})

t.test('an expired token is replaced through the hook before connecting', async (t) => {
  const gate = new SocketGate()
  const fresh = testApp.token('k1', 'candidate')
  const client = testClient(t, testApp, 'k1', 'candidate', {
    WebSocket: gate.WebSocket,
    token: testApp.token('k1', 'candidate', { expiresInSeconds: -10 }),
    refreshToken: async () => fresh
  })

  t.equal(await client.connect(), 'socket')
  t.same(gate.sentOfType('auth').map((frame) => frame.token), [fresh])
})

t.test('a token the server refuses is replaced through the hook, then it reconnects', async (t) => {
  const gate = new SocketGate()
  const fresh = testApp.token('k1', 'candidate')
  const forged = fresh.slice(0, -4) + (fresh.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  const disconnects: number[] = []
  const client = testClient(t, testApp, 'k1', 'candidate', {
    WebSocket: gate.WebSocket,
    token: forged,
    refreshToken: async () => fresh
  })
  client.on('disconnect', (event) => disconnects.push(event.code))

  t.equal(await client.connect(), 'socket')
  t.equal(client.session?.userId, 'k1')
  t.same(disconnects, [4401])
  t.same(gate.sentOfType('auth').map((frame) => frame.token), [forged, fresh])
})
