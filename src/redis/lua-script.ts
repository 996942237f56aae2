import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

/**
 * A Lua script defined once and run by its SHA1. Redis forgets scripts when
 * it restarts; the first NOSCRIPT answer sends the source again.
 */
export class LuaScript {
  private readonly sha: string

  constructor (private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  async run (client: Redis, keys: string[], args: Array<string | number>) {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!isNoScript(err)) throw err
      return await client.eval(this.source, keys.length, ...keys, ...args)
    }
  }
}

function isNoScript (err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT')
}
