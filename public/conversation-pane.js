// The open conversation: history, live messages, typing, read marks and
// the other participant's presence.
import { TypingSignal } from '/client/index.js'
import { peerOf } from '/conversation-list.js'

const HISTORY = 50

export class ConversationPane {
  constructor (client, me) {
    this.client = client
    this.me = me
    this.conversation = null
    this.peer = null
    this.peerReadSeq = 0
    this.myReadSeq = 0
    this.typingSignal = null
    this.rows = new Map()

    this.section = document.getElementById('conversation')
    this.list = document.getElementById('messages')
    this.typingLine = document.getElementById('typing')
    this.presence = document.getElementById('presence')
    this.draft = document.getElementById('draft')
    this.sendError = document.getElementById('send-error')

    this.listen()
    document.getElementById('composer').onsubmit = (event) => {
      event.preventDefault()
      void this.sendDraft()
    }
    this.draft.oninput = () => this.typingSignal?.input()
    this.onVisible = () => this.markRead()
    document.addEventListener('visibilitychange', this.onVisible)
  }

  listen () {
    const here = (frame) => frame.conversationId === this.conversation?.id
    const fromPeer = (frame) => here(frame) && frame.userId === this.peer

    this.offs = [
      this.client.on('message', (frame) => {
        if (!here(frame)) return
        this.append(frame.message)
        this.markRead()
      }),
      this.client.on('typing', (frame) => {
        if (fromPeer(frame)) this.showTyping(frame.state === 'start')
      }),
      this.client.on('read', (frame) => {
        if (fromPeer(frame)) this.showPeerRead(frame.upToSeq)
      }),
      this.client.on('presence', (frame) => {
        if (frame.userId === this.peer) this.showPresence(frame.status === 'online')
      })
    ]
  }

  async open (conversation) {
    if (this.conversation?.id === conversation.id) return
    if (this.conversation) void this.client.leave(this.conversation.id).catch(() => {})

    this.conversation = conversation
    this.peer = peerOf(conversation, this.me)
    this.peerReadSeq = 0
    this.myReadSeq = 0
    this.rows.clear()
    this.list.replaceChildren()
    this.typingSignal?.stop()
    this.typingSignal = new TypingSignal(this.client, conversation.id)
    this.showTyping(false)
    this.showPresence(false)
    document.getElementById('peer').textContent = this.peer
    this.section.hidden = false

    // History first, then join after its last seq: the join replays anything
    // newer, so nothing falls between the two.
    const page = await this.client.http.messages(conversation.id, { limit: HISTORY })
    if (this.conversation?.id !== conversation.id) return
    for (const message of page.items) this.append(message)

    const afterSeq = page.items.at(-1)?.seq ?? 0
    const joined = await this.client.join(conversation.id, { afterSeq })
    if (this.conversation?.id !== conversation.id) return

    this.myReadSeq = joined.lastReadSeq ?? 0
    this.showPresence(joined.online.includes(this.peer))
    this.markRead()
  }

  close () {
    for (const off of this.offs) off()
    document.removeEventListener('visibilitychange', this.onVisible)
    this.typingSignal?.stop()
    this.conversation = null
    this.section.hidden = true
  }

  async sendDraft () {
    const content = this.draft.value
    if (!content.trim() || !this.conversation) return

    this.typingSignal?.stop()
    this.draft.value = ''
    this.sendError.textContent = ''
    try {
      await this.client.send(this.conversation.id, content)
    } catch (err) {
      this.draft.value = content
      this.sendError.textContent = err.message
    }
  }

  append (message) {
    if (this.rows.has(message.seq)) return

    const row = document.createElement('li')
    row.dataset.seq = String(message.seq)
    const mine = message.senderId === this.me
    row.classList.toggle('mine', mine)
    if (mine && message.seq <= this.peerReadSeq) row.dataset.read = 'true'

    const content = document.createElement('span')
    content.className = 'content'
    content.textContent = message.content
    const meta = document.createElement('span')
    meta.className = 'meta'
    const time = new Date(message.createdAt).toLocaleTimeString()
    meta.textContent = `#${message.seq} · ${time}`
    row.append(content, meta)

    // Seqs are delivered in order, but history and live rows may interleave.
    const later = [...this.rows.keys()].filter((seq) => seq > message.seq)
    const next = later.length ? Math.min(...later) : undefined
    this.list.insertBefore(row, next === undefined ? null : this.rows.get(next))
    this.rows.set(message.seq, row)
    row.scrollIntoView({ block: 'end' })
  }

  // Marks what is on screen as read while the page is visible.
  markRead () {
    if (!this.conversation || document.visibilityState === 'hidden') return

    const seqs = [...this.rows.keys()]
    const last = seqs.length ? Math.max(...seqs) : 0
    if (last <= this.myReadSeq) return

    this.myReadSeq = last
    this.client.markRead(this.conversation.id, last).catch(() => {})
  }

  showPeerRead (upToSeq) {
    this.peerReadSeq = Math.max(this.peerReadSeq, upToSeq)
    for (const [seq, row] of this.rows) {
      const mine = row.classList.contains('mine')
      if (mine && seq <= this.peerReadSeq) row.dataset.read = 'true'
    }
  }

  showTyping (typing) {
    this.typingLine.hidden = !typing
    this.typingLine.textContent = typing ? `${this.peer} is typing…` : ''
  }

  showPresence (online) {
    this.presence.dataset.status = online ? 'online' : 'offline'
    this.presence.textContent = online ? 'online' : 'offline'
  }
}
