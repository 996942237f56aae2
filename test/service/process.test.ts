import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import { TEST_SECRET } from '../helpers/app.js'
import { runServerExpectingExit, startServerProcess } from '../helpers/process.js'

const baseEnv = {
  NODE_ENV: 'test',
  JWT_SECRET: TEST_SECRET,
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  LOG_LEVEL: 'info'
}

test('a bad variable stops the process with one line naming it', async (t) => {
  const { code, stderr } = await runServerExpectingExit({ ...baseEnv, PORT: 'eighty' })

  t.equal(code, 1)
  t.match(stderr.trim(), /^invalid configuration: PORT [^\n]+$/)
})

test('production without a secret refuses to start', async (t) => {
  const { code, stderr } = await runServerExpectingExit({ ...baseEnv, NODE_ENV: 'production', JWT_SECRET: undefined })

  t.equal(code, 1)
  t.match(stderr.trim(), /^JWT_SECRET or JWT_PUBLIC_KEY is required/)
})

test('SIGTERM closes the service and exits 0 within 10 s', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobboard-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const server = await startServerProcess({ ...baseEnv, DATA_DIR: dataDir })

  const started = Date.now()
  server.child.kill('SIGTERM')
  const code = await server.exited

  t.equal(code, 0)
  t.ok(Date.now() - started < 10_000, 'exited within 10 s')
  t.match(server.output(), /"msg":"shutting down"/)
})

test('a second embedded process cannot open the same data folder', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobboard-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const first = await startServerProcess({ ...baseEnv, DATA_DIR: dataDir })
  t.teardown(() => { first.child.kill('SIGKILL') })

  const second = await runServerExpectingExit({ ...baseEnv, DATA_DIR: dataDir, PORT: '0' })

  t.equal(second.code, 1)
  t.match(second.stderr, /DATA_DIR .* is in use by process \d+/)
})
