import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { ClientFrame } from '../../src/hub/client-frames.js'
import { CloseCodes, ErrorCodes } from '../../src/errors.js'
import { projectRoot } from '../../src/lib/paths.js'

const doc = await readFile(join(projectRoot(), 'protocol.md'), 'utf8')

t.test('protocol.md documents every error code', async (t) => {
  for (const code of Object.keys(ErrorCodes)) t.ok(doc.includes(`\`${code}\``), code)
})

t.test('protocol.md documents every close code in its table', async (t) => {
  for (const [name, { code }] of Object.entries(CloseCodes)) {
    t.match(doc, new RegExp(`^\\| ${code} \\|`, 'm'), `${name} (${code})`)
  }
})

t.test('protocol.md documents every client frame', async (t) => {
  for (const variant of ClientFrame.anyOf) {
    const type = variant.properties.type.const
    t.ok(doc.includes(`### \`${type}\``), type)
  }
})
