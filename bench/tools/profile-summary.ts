/*
 * Summarises a V8 CPU profile (node --cpu-prof): self time by function and
 * by where the code lives (our files, each package, node internals), so a
 * benchmark's bottleneck can be named with numbers.
 *
 * Run: npx tsx bench/tools/profile-summary.ts FILE.cpuprofile [top]
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

const [file, topArg] = process.argv.slice(2)
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
  const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + us)
  byPlace.set(place(frame), (byPlace.get(place(frame)) ?? 0) + us)
}

print(`self time by place (total ${(total / 1e6).toFixed(1)} s of samples)`, byPlace)
print('self time by function', byFunction)

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
    process.stdout.write(`${(us / total * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}\n`)
  }
}
