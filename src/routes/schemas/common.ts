import { Type, type TSchema } from 'typebox'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../db/queries/paging.js'

/** Ids the service makes. A malformed one is a 400 before any lookup. */
export const Uuid = Type.String({ format: 'uuid', description: 'A UUID made by the service' })

// PostgreSQL text cannot hold NUL: refuse it up front rather than fail in the database.
const WITHOUT_NUL = '^[^\\u0000]*$'

/** Free text of a resource (titles, descriptions): anything but NUL. */
export function Text (options: { minLength?: number, maxLength: number }) {
  return Type.String({ ...options, pattern: WITHOUT_NUL })
}

/** A user id is a token's `sub`. */
export const UserId = Type.String({
  minLength: 1, maxLength: 128, pattern: WITHOUT_NUL, description: 'A user id (token sub)'
})

export const IsoTime = Type.String({ format: 'date-time', description: 'ISO-8601 UTC time' })

export const Seq = Type.Integer({ minimum: 0, maximum: 2_147_483_647 })

export const IdParams = Type.Object({ id: Uuid })

export const PageFields = {
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
}

export function PageOf<T extends TSchema> (item: T) {
  return Type.Object({
    items: Type.Array(item),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer()
  })
}

export const ErrorSchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String({ description: 'Stable error code, e.g. NOT_FOUND' }),
  error: Type.String(),
  message: Type.String(),
  retryAfterMs: Type.Optional(Type.Integer())
}, { description: 'Error' })

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429

/**
 * Response schemas for a route: its successes plus the errors it can give.
 * 400, 401 and 429 can come from any authenticated route.
 */
export function responses<T extends Record<number, TSchema>> (
  success: T,
  ...errors: ErrorStatus[]
) {
  const all: Record<number, TSchema> = { ...success }
  for (const status of [400, 401, 429, ...errors]) all[status] = ErrorSchema
  return all as T & Record<ErrorStatus, typeof ErrorSchema>
}
