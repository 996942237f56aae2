/*
 * Summarises a V8 CPU profile (node --cpu-prof): self time by function and
 * by where the code lives (our files, each package, node internals), so a
 * benchmark's bottleneck can be named with numbers.
 *
 * Run: npx tsx bench/tools/profile-summary.ts FILE.cpuprofile [top] [name,name...]
 * The optional names get their inclusive time (themselves and all they call).
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg, focusArg] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [top]\n')
  process.exit(1)
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const top = Number(topArg ?? 30)
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const selfUs = new Map<number, number>()

profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})

const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0)
const byFunction = new Map<string, number>()
const byPlace = new Map<string, number>()

for (const [id, us] of selfUs) {
  const frame = byId.get(id)?.callFrame
  if (!frame) continue
  const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
  const name = `${frame.functionName || '(anonymous)'} ${where}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + us)
  byPlace.set(place(frame), (byPlace.get(place(frame)) ?? 0) + us)
}

print(`self time by place (total ${(total / 1e6).toFixed(1)} s of samples)`, byPlace)
print('self time by function', byFunction)
if (focusArg) print('inclusive time of the named functions', inclusive(focusArg.split(',')))

/** Time with each named function anywhere on the stack, counted once per sample. */
function inclusive (names: string[]): Map<string, number> {
  const parent = new Map<number, number>()
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id)
  }

  const result = new Map<string, number>(names.map((name) => [name, 0]))
  for (const [id, us] of selfUs) {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)?.callFrame.functionName ?? ''
      if (result.has(name) && !seen.has(name)) {
        seen.add(name)
        result.set(name, (result.get(name) ?? 0) + us)
      }
    }
  }
  return result
}

function place (frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return `pkg ${pkg[1]}`
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`
  const ours = /\/(src|dist\/src)\/(.+)$/.exec(url)
  return ours ? `src/${ours[2].replace(/\.js$/, '.ts')}` : shortUrl(url)
}

function shortUrl (url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|dist|src)\//, '$1/')
}

function print (title: string, table: Map<string, number>) {
  process.stdout.write(`\n${title}\n`)
  const rows = [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [name, us] of rows) {
    const share = (us / total * 100).toFixed(1).padStart(6)
    const ms = (us / 1000).toFixed(0).padStart(7)
    process.stdout.write(`${share}%  ${ms} ms  ${name}\n`)
  }
}
