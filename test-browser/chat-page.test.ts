import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import t from 'tap'
import { projectRoot } from '../src/lib/paths.js'
import { buildTestApp } from '../test/helpers/app.js'

/*
 * The demo page in a real headless browser (Debian's chromium, never a
 * downloaded one): a company and a candidate, each in their own tab, chat
 * live with typing, read marks and presence.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const WAIT = { timeout: 15_000 }

// The page loads the client's browser build, which the server lists at start.
const root = projectRoot()
const tsc = join(root, 'node_modules/typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], {
  cwd: root,
  stdio: 'inherit'
})

const testApp = await buildTestApp(t, { listen: true })
t.teardown(() => testApp.app.server.closeAllConnections())

const userDataDir = await mkdtemp(join(tmpdir(), 'chat-browser-'))
t.teardown(async () => { await rm(userDataDir, { recursive: true, force: true }) })

const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'
  ]
})
t.teardown(async () => { await browser.close() })

const pageErrors: string[] = []
const hello = 'Hello Kim, are you free on Monday?'

async function openPage (): Promise<Page> {
  const page = await browser.newPage()
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await page.goto(testApp.baseUrl)
  return page
}

async function logIn (page: Page, sub: string, role: 'company' | 'candidate', name: string) {
  await page.fill('#login-form [name=sub]', sub)
  await page.selectOption('#login-form [name=role]', role)
  await page.fill('#login-form [name=name]', name)
  await page.click('#login-form button[type=submit]')
  await page.waitForSelector('#connection[data-state="open"]', WAIT)
}

async function messageTexts (page: Page): Promise<string[]> {
  return await page.locator('#messages li .content').allTextContents()
}

t.test('a company and a candidate chat live on the demo page', async (t) => {
  // The candidate signs in once, so the service knows them, and leaves.
  let candidate = await openPage()
  await logIn(candidate, 'k1', 'candidate', 'Kim')
  t.equal(await candidate.textContent('#me'), 'Kim (candidate)')
  await candidate.click('#logout')
  await candidate.close()

  const company = await openPage()
  await logIn(company, 'coA', 'company', 'Acme')
  await company.fill('#open-form [name=candidateId]', 'k1')
  await company.click('#open-form button[type=submit]')
  await company.waitForSelector('#conversation:not([hidden]) #peer:text("k1")', WAIT)
  await company.waitForSelector('#presence[data-status="offline"]', WAIT)

  // Presence: the candidate comes online while the company looks.
  candidate = await openPage()
  await logIn(candidate, 'k1', 'candidate', 'Kim')
  await company.waitForSelector('#presence[data-status="online"]', WAIT)
  t.pass('the company sees the candidate come online')

  await company.fill('#draft', hello)
  await company.press('#draft', 'Enter')
  await company.waitForSelector('#messages li.mine:has-text("Hello Kim")', WAIT)

  // The candidate is notified: the list shows the message, unread; they open it.
  const item = candidate.locator('#conversations li', { hasText: hello })
  await item.waitFor(WAIT)
  t.match(await item.textContent(), /^coA1Hello Kim/)
  await item.click()
  await candidate.waitForSelector('#messages li:has-text("Hello Kim")', WAIT)
  t.same(await messageTexts(candidate), [hello])
  await candidate.waitForSelector('#presence[data-status="online"]', WAIT)

  await company.waitForSelector('#messages li.mine[data-read="true"]', WAIT)
  t.pass('the company sees its message read')

  // Typing shows on the other side, and stops with the send.
  await candidate.click('#draft')
  await candidate.keyboard.type('Yes, Monday works')
  await company.waitForSelector('#typing:not([hidden]):has-text("k1 is typing")', WAIT)
  t.pass('the company sees the candidate typing')

  await candidate.press('#draft', 'Enter')
  await company.waitForSelector('#messages li:not(.mine):has-text("Yes, Monday works")', WAIT)
  await company.waitForSelector('#typing[hidden]', { ...WAIT, state: 'attached' })
  t.same(await messageTexts(company), [hello, 'Yes, Monday works'])
  t.same(await messageTexts(candidate), [hello, 'Yes, Monday works'])

  // Presence again: the candidate closes the tab.
  await candidate.close()
  await company.waitForSelector('#presence[data-status="offline"]', WAIT)
  t.pass('the company sees the candidate go offline')

  t.same(pageErrors, [], 'no script errors on either page')
})
