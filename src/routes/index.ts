import type { FastifyInstance } from 'fastify'

/** Every route under /api. */
export default async function apiRoutes (_app: FastifyInstance) {
}
