export { ChatClient } from './chat-client.js'
export type {
  ChatClientEvents, ChatClientOptions, ConnectionState, SendOptions, Transport
} from './chat-client.js'
export { ChatClientError } from './client-error.js'
export type { WebSocketConstructor, WebSocketLike } from './connection.js'
export type { HttpApi, MessagePage, MessageQuery } from './http-api.js'
export { TypingSignal } from './typing-signal.js'
export type * from './protocol.js'
