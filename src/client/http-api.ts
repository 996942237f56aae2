import { ChatClientError } from './client-error.js'
import type { ChatMessage } from './protocol.js'

export type FetchLike = typeof fetch

export interface MessagePage {
  items: ChatMessage[]
  hasMore: boolean
}

export interface MessageQuery {
  afterSeq?: number
  beforeSeq?: number
  limit?: number
  waitMs?: number
}

export interface CallOptions {
  signal?: AbortSignal
  timeoutMs?: number
}

/**
 * The service's HTTP API with the current token: the fallback transport
 * (long-poll, send, read) and the calls a chat page needs besides.
 */
export class HttpApi {
  constructor (
    private readonly baseUrl: string,
    private readonly token: () => string,
    private readonly fetchImpl: FetchLike,
    private readonly timeoutMs: number
  ) {}

  /** Any JSON call to the service; errors become ChatClientError with the server's code. */
  async call<T> (
    method: string,
    path: string,
    body?: unknown,
    options: CallOptions = {}
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs
    const { signal, dispose } = withTimeout(options.signal, timeoutMs)

    const headers: Record<string, string> = { authorization: `Bearer ${this.token()}` }
    if (body !== undefined) headers['content-type'] = 'application/json'

    let response: Response
    let text: string
    try {
      // The service marks answers `private, max-age=N`; revalidating (ETag,
      // 304) keeps a browser from showing its own stale copy after a write.
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        cache: 'no-cache',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal
      })
      text = await response.text()
    } catch (err) {
      if (options.signal?.aborted) throw err
      const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : String(err)
      throw new ChatClientError('NETWORK', `${method} ${path}: ${reason}`)
    } finally {
      dispose()
    }

    return readAnswer<T>(response, text)
  }

  async messages (conversationId: string, query: MessageQuery, options: CallOptions = {}) {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) search.set(key, String(value))
    }

    const path = `${conversationPath(conversationId)}/messages?${search}`
    return await this.call<MessagePage>('GET', path, undefined, options)
  }

  async send (conversationId: string, content: string, clientMsgId: string) {
    const path = `${conversationPath(conversationId)}/messages`
    return await this.call<ChatMessage>('POST', path, { content, clientMsgId })
  }

  async markRead (conversationId: string, upToSeq: number) {
    const path = `${conversationPath(conversationId)}/read`
    return await this.call<unknown>('POST', path, { upToSeq })
  }

  async conversation (conversationId: string) {
    const path = conversationPath(conversationId)
    return await this.call<{ id: string, lastSeq: number }>('GET', path)
  }
}

function readAnswer<T> (response: Response, text: string): T {
  const body = text ? safeJson(text) : undefined
  if (response.ok) return body as T

  const fault = (body ?? {}) as { code?: string, message?: string, retryAfterMs?: number }
  const retryAfter = Number(response.headers.get('retry-after'))
  const retryAfterMs = fault.retryAfterMs ??
    (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined)

  throw new ChatClientError(
    fault.code ?? codeForStatus(response.status),
    fault.message ?? `HTTP ${response.status}`,
    { statusCode: response.status, retryAfterMs }
  )
}

function conversationPath (conversationId: string): string {
  return `/api/conversations/${encodeURIComponent(conversationId)}`
}

function safeJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function codeForStatus (status: number): string {
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  if (status === 429) return 'RATE_LIMITED'
  if (status === 503 || status === 502 || status === 504) return 'UNAVAILABLE'
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'
}

// One signal that fires on the caller's abort or on the timeout.
function withTimeout (outer: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController()
  const abort = () => controller.abort()
  const timer = setTimeout(abort, timeoutMs)
  outer?.addEventListener('abort', abort)
  if (outer?.aborted) controller.abort()

  const dispose = () => {
    clearTimeout(timer)
    outer?.removeEventListener('abort', abort)
  }

  return { signal: controller.signal, dispose }
}
