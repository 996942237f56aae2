import { Type, type Static, type TProperties } from 'typebox'
import { Compile } from 'typebox/compile'
import { Errors } from 'typebox/value'
import { MAX_SEQ } from '../chat/read-marks.js'

/*
 * Every frame a client may send, as one union discriminated by `type`,
 * compiled once. Unknown fields are refused, so a frame means exactly what
 * it says; ids, tokens and conversation ids are bounded before any lookup.
 */
export const MAX_FRAME_ID_LENGTH = 64
const MAX_TOKEN_LENGTH = 8192

const FrameId = Type.String({ minLength: 1, maxLength: MAX_FRAME_ID_LENGTH })
const ConversationId = Type.String({ minLength: 1, maxLength: 64 })
const Seq = Type.Integer({ minimum: 0, maximum: MAX_SEQ })

function frame<T extends string, P extends TProperties> (type: T, properties: P) {
  return Type.Object({
    type: Type.Literal(type),
    id: Type.Optional(FrameId),
    ...properties
  }, { additionalProperties: false })
}

export const AuthFrame = frame('auth', {
  token: Type.String({ minLength: 1, maxLength: MAX_TOKEN_LENGTH })
})
export const JoinFrame = frame('join', {
  conversationId: ConversationId,
  afterSeq: Type.Optional(Seq)
})
export const LeaveFrame = frame('leave', { conversationId: ConversationId })
export const SendFrame = frame('send', {
  conversationId: ConversationId,
  // Length rules (trim, code points, 413 over 4000) belong to the send path.
  content: Type.String(),
  clientMsgId: Type.String({ minLength: 1, maxLength: 64 })
})
export const TypingFrame = frame('typing', {
  conversationId: ConversationId,
  state: Type.Union([Type.Literal('start'), Type.Literal('stop')])
})
export const ReadFrame = frame('read', { conversationId: ConversationId, upToSeq: Seq })
export const PingFrame = frame('ping', {})

export const ClientFrame = Type.Union([
  AuthFrame, JoinFrame, LeaveFrame, SendFrame, TypingFrame, ReadFrame, PingFrame
])

export type ClientFrame = Static<typeof ClientFrame>
export type AuthFrame = Static<typeof AuthFrame>
export type JoinFrame = Static<typeof JoinFrame>
export type LeaveFrame = Static<typeof LeaveFrame>
export type SendFrame = Static<typeof SendFrame>
export type TypingFrame = Static<typeof TypingFrame>
export type ReadFrame = Static<typeof ReadFrame>
export type PingFrame = Static<typeof PingFrame>

// Looked up only to explain a refusal; the compiled union decides.
const VARIANTS: ReadonlyMap<string, typeof ClientFrame.anyOf[number]> = new Map(
  ClientFrame.anyOf.map((variant) => [variant.properties.type.const, variant])
)

const validator = Compile(ClientFrame)

export type ParsedFrame =
  | { ok: true, frame: ClientFrame }
  | { ok: false, id?: string, message: string }

/** Turns raw frame data into a valid client frame, or says why it is not one. */
export function parseClientFrame (data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return { ok: false, message: 'frames must be UTF-8 JSON text' }

  let value: unknown
  try {
    value = JSON.parse(data.toString('utf8'))
  } catch {
    return { ok: false, message: 'frame is not valid JSON' }
  }

  if (validator.Check(value)) return { ok: true, frame: value }
  return { ok: false, id: validId(value), message: describeInvalid(value) }
}

/** The frame's id when it is one the server may echo back. */
function validId (value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined

  const id = value.id
  if (typeof id !== 'string') return undefined
  return id.length >= 1 && id.length <= MAX_FRAME_ID_LENGTH ? id : undefined
}

function describeInvalid (value: unknown): string {
  if (!isPlainObject(value)) return 'a frame must be a JSON object'

  const type = value.type
  if (typeof type !== 'string') return 'a frame needs a string type'

  const variant = VARIANTS.get(type)
  if (!variant) return 'unknown frame type'

  const [first] = Errors(variant, value)
  if (!first) return `invalid ${type} frame`

  // A field outside the schema is reported by TypeBox as "schema is false".
  const reason = first.keyword === 'boolean' ? 'unknown field' : first.message
  const where = first.instancePath ? ` at ${first.instancePath}` : ''
  return `invalid ${type} frame: ${reason}${where}`
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
