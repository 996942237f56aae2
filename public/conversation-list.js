// The caller's conversations (latest activity first) and, for a company,
// the form that opens one with a candidate.

export class ConversationList {
  constructor (client, user, onOpen) {
    this.client = client
    this.user = user
    this.onOpen = onOpen
    this.current = null
    this.element = document.getElementById('conversations')
    this.error = document.getElementById('list-error')
    this.form = document.getElementById('open-form')

    this.form.hidden = user.role !== 'company'
    this.form.onsubmit = (event) => {
      event.preventDefault()
      void this.openWith(new FormData(this.form))
    }

    // New messages change previews, order and unread counts.
    this.refreshTimer = null
    client.on('notification', () => this.refreshSoon())
    client.on('message', () => this.refreshSoon())
  }

  refreshSoon () {
    clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => { void this.refresh() }, 200)
  }

  async refresh () {
    try {
      const page = await this.client.http.call('GET', '/api/conversations?pageSize=100')
      this.render(page.items)
      this.error.textContent = ''
    } catch (err) {
      this.error.textContent = err.message
    }
  }

  select (conversationId) {
    this.current = conversationId
    for (const item of this.element.children) {
      item.classList.toggle('current', item.dataset.conversationId === conversationId)
    }
  }

  async openWith (data) {
    const body = { candidateId: String(data.get('candidateId')).trim() }
    const jobId = String(data.get('jobId') ?? '').trim()
    if (jobId) body.jobId = jobId

    try {
      const conversation = await this.client.http.call('POST', '/api/conversations', body)
      this.form.reset()
      this.error.textContent = ''
      await this.refresh()
      this.onOpen(conversation)
    } catch (err) {
      this.error.textContent = err.message
    }
  }

  render (conversations) {
    this.element.replaceChildren(...conversations.map((conversation) => {
      const peer = peerOf(conversation, this.user.sub)
      const item = document.createElement('li')
      item.dataset.conversationId = conversation.id
      item.classList.toggle('current', conversation.id === this.current)
      item.append(peer)

      const unread = conversation.id === this.current ? 0 : conversation.unreadCount
      if (unread > 0) {
        const badge = document.createElement('span')
        badge.className = 'unread'
        badge.textContent = String(unread)
        item.append(badge)
      }

      const preview = document.createElement('span')
      preview.className = 'preview'
      preview.textContent = conversation.lastMessage?.content ?? 'No messages yet'
      item.append(preview)

      item.onclick = () => this.onOpen(conversation)
      return item
    }))
  }
}

export function peerOf (conversation, me) {
  return conversation.companyId === me ? conversation.candidateId : conversation.companyId
}
