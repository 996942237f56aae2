import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Broker } from '../broker/broker.js'
import { MemoryBroker } from '../broker/memory-broker.js'
import { RedisBroker } from '../broker/redis-broker.js'
import { ConversationAccess } from '../chat/conversation-access.js'
import { MessageStore } from '../chat/message-store.js'
import { ReadMarks } from '../chat/read-marks.js'
import { MemorySendBudget, type SendBudget } from '../chat/send-budget.js'
import { SendService } from '../chat/send-service.js'
import { RedisSendBudget } from '../cluster/redis-send-budget.js'

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
  const budget = createSendBudget(app)
  const sender = new SendService(store, access, budget)
  const reads = new ReadMarks(app.db, access)

  app.decorate('chat', { store, access, sender, budget, reads })
  app.decorate('broker', await createBroker(app))

  app.addHook('onClose', async () => {
    await app.broker.close()
  })
}

// One budget per user across the cluster when Redis is configured.
function createSendBudget (app: FastifyInstance): SendBudget {
  const limit = app.config.limits.sendsPer10s
  const link = app.redisLink
  return link ? new RedisSendBudget({ link, limit }) : new MemorySendBudget(limit)
}

// Redis when configured, so instances act as one; in process otherwise.
async function createBroker (app: FastifyInstance): Promise<Broker> {
  const link = app.redisLink
  if (!link) return new MemoryBroker()

  const broker = new RedisBroker({ link, log: app.log, instanceId: app.config.instanceId })
  app.readiness.addRedisCheck('broker', () => broker.connected)
  if (link.up) await broker.waitUntilConnected(2000)
  return broker
}

export default fp(chatPlugin, { name: 'chat', dependencies: ['database', 'redis', 'readiness'] })
