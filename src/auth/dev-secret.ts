import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const FILE_NAME = 'dev-jwt-secret'

/**
 * Outside production a secret is kept under the data folder so tokens minted
 * by `npm run token` keep working across restarts.
 */
export async function loadOrCreateDevSecret (dataDir: string): Promise<string> {
  const folder = dataDir === 'memory://' ? './data' : dataDir
  const path = join(folder, FILE_NAME)

  const existing = await readFile(path, 'utf8').catch(() => undefined)
  if (existing && existing.trim().length >= 32) return existing.trim()

  await mkdir(folder, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  await writeFile(path, secret, { mode: 0o600 })
  return secret
}
