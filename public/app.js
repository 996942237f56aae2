// The demo page: development log-in, then the conversation list and the
// open conversation, all on the ChatClient served from /client/.
import { ChatClient } from '/client/index.js'
import { ConversationList } from '/conversation-list.js'
import { ConversationPane } from '/conversation-pane.js'

const SESSION_KEY = 'jobboard-chat-user'

const loginSection = document.getElementById('login')
const chatSection = document.getElementById('chat')
const loginForm = document.getElementById('login-form')
const loginError = document.getElementById('login-error')

let session = null

/** Asks the service for a development token (absent in production). */
async function devToken (user) {
  const response = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user)
  })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(body.message ?? `log-in failed (${response.status})`)
  return body.token
}

async function logIn (user) {
  const token = await devToken(user)
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(user))

  const client = new ChatClient({ token, refreshToken: () => devToken(user) })
  const pane = new ConversationPane(client, user.sub)
  const list = new ConversationList(client, user, (conversation) => {
    list.select(conversation.id)
    void pane.open(conversation)
  })

  showConnectionState(client)
  client.on('error', (err) => console.warn('chat client:', err.code, err.message))

  document.getElementById('me').textContent = `${user.name || user.sub} (${user.role})`
  loginSection.hidden = true
  chatSection.hidden = false

  session = { client, list, pane }
  await client.connect()
  await list.refresh()
}

function logOut () {
  session?.pane.close()
  session?.client.close()
  session = null
  sessionStorage.removeItem(SESSION_KEY)
  chatSection.hidden = true
  loginSection.hidden = false
}

function showConnectionState (client) {
  const badge = document.getElementById('connection')
  const show = (state) => {
    badge.dataset.state = state
    badge.textContent = state === 'polling' ? 'polling (no socket)' : state
  }
  show(client.state)
  client.on('state', show)
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault()
  loginError.textContent = ''

  const data = new FormData(loginForm)
  const user = { sub: String(data.get('sub')).trim(), role: String(data.get('role')) }
  const name = String(data.get('name') ?? '').trim()
  if (name) user.name = name

  logIn(user).catch((err) => {
    logOut()
    loginError.textContent = err.message
  })
})

document.getElementById('logout').addEventListener('click', logOut)

const saved = sessionStorage.getItem(SESSION_KEY)
if (saved) logIn(JSON.parse(saved)).catch(logOut)
