import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Broker } from '../broker/broker.js'
import { MemoryBroker } from '../broker/memory-broker.js'
import { ConversationAccess } from '../chat/conversation-access.js'
import { MessageStore } from '../chat/message-store.js'
import { ReadMarks } from '../chat/read-marks.js'
import { MemorySendBudget, type SendBudget } from '../chat/send-budget.js'
import { SendService } from '../chat/send-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    chat: {
      store: MessageStore
      access: ConversationAccess
      sender: SendService
      budget: SendBudget
      reads: ReadMarks
    }
    broker: Broker
  }
}

/** The message store, access rules, send path, read marks and the broker between instances. */
async function chatPlugin (app: FastifyInstance) {
  const store = new MessageStore(app.db)
  const access = new ConversationAccess(app.db.db)
  const budget = new MemorySendBudget(app.config.limits.sendsPer10s)
  const sender = new SendService(store, access, budget)
  const reads = new ReadMarks(app.db, access)

  app.decorate('chat', { store, access, sender, budget, reads })
  app.decorate('broker', new MemoryBroker())

  app.addHook('onClose', async () => {
    await app.broker.close()
  })
}

export default fp(chatPlugin, { name: 'chat', dependencies: ['database', 'redis'] })
