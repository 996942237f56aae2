import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'

export interface DataDirLock {
  release(): Promise<void>
}

export class DataDirLockedError extends Error {
  constructor (dataDir: string, pid: number) {
    super(`DATA_DIR ${dataDir} is in use by process ${pid}`)
    this.name = 'DataDirLockedError'
  }
}

/**
 * PGlite opens a folder another process is using without complaint and then
 * corrupts it, so the folder carries a pid lock file. A lock left by a dead
 * process is taken over.
 */
export async function lockDataDir (dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true })
  const path = join(dataDir, 'service.lock')

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return { release: async () => { await rm(path, { force: true }) } }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = await readHolder(path)
      if (holder !== undefined && isAlive(holder)) throw new DataDirLockedError(dataDir, holder)
      await rm(path, { force: true })
    }
  }

  throw new Error(`could not lock DATA_DIR ${dataDir}`)
}

async function readHolder (path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const pid = Number.parseInt(text, 10)
  return Number.isFinite(pid) ? pid : undefined
}

function isAlive (pid: number): boolean {
  if (pid === process.pid) return true

  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
