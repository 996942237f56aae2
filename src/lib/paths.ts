import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | undefined

/** The folder holding package.json, whether running from src/ or dist/. */
export function projectRoot (): string {
  if (root) return root

  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('package.json not found above ' + dir)
    dir = parent
  }

  root = dir
  return dir
}

export const migrationsFolder = () => join(projectRoot(), 'migrations')
export const publicFolder = () => join(projectRoot(), 'public')
