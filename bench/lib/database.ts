import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export interface BenchDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** A fresh database for one scenario, on the server of `adminUrl`. */
export async function createBenchDatabase (adminUrl: string): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(5).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })

  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end()
  }

  const url = new URL(adminUrl)
  url.pathname = `/${name}`

  return {
    url: url.toString(),
    name,
    drop: async () => {
      const cleaner = postgres(adminUrl, { max: 1, onnotice: () => {} })
      try {
        await cleaner.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await cleaner.end()
      }
    }
  }
}
