/*
 * Summarises a V8 heap snapshot: objects grouped by constructor (or kind),
 * with count and self size, so per-socket costs show up as groups whose
 * count is a multiple of the number of sockets. Given a second snapshot,
 * prints what the first holds beyond it, divided by `per` (e.g. sockets).
 *
 * Run: npx tsx bench/tools/heap-summary.ts FILE.heapsnapshot [BASE.heapsnapshot PER] [top]
 */
import { readFileSync } from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

type Groups = Map<string, { count: number, bytes: number }>

const args = process.argv.slice(2)
if (args.length === 0) {
  process.stderr.write('usage: heap-summary.ts FILE [BASE PER] [top]\n')
  process.exit(1)
}

const [file, base, perArg, topArg] = args.length >= 3 ? args : [args[0], undefined, '1', args[1]]
const top = Number(topArg ?? 40)
const per = Number(perArg ?? 1)
const groups = summarise(file)
const baseGroups = base ? summarise(base) : new Map() as Groups

const rows = [...groups.entries()].map(([key, group]) => {
  const other = baseGroups.get(key) ?? { count: 0, bytes: 0 }
  return { key, count: (group.count - other.count) / per, bytes: (group.bytes - other.bytes) / per }
}).sort((a, b) => b.bytes - a.bytes).slice(0, top)

const total = rows.reduce((sum, row) => sum + row.bytes, 0)
process.stdout.write(`${base ? `beyond ${base}, per ${per}` : 'self size'}: ` +
  `top ${top} groups hold ${(total / 1024).toFixed(1)} KiB\n`)
for (const row of rows) {
  const kib = (row.bytes / 1024).toFixed(2).padStart(10)
  const count = row.count.toFixed(per === 1 ? 0 : 2).padStart(10)
  process.stdout.write(`${kib} KiB  ${count}  ${row.key}\n`)
}

function summarise (path: string): Groups {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot
  const fields = heap.snapshot.meta.node_fields
  const types = heap.snapshot.meta.node_types[0]
  const width = fields.length
  const [TYPE, NAME, SIZE] = ['type', 'name', 'self_size'].map((name) => fields.indexOf(name))
  const result: Groups = new Map()

  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + TYPE]]
    const name = heap.strings[heap.nodes[i + NAME]]
    const named = type === 'object' || type === 'closure' || type === 'array'
    const key = named ? `${type} ${name}` : `(${type})`
    const group = result.get(key) ?? { count: 0, bytes: 0 }
    group.count++
    group.bytes += heap.nodes[i + SIZE]
    result.set(key, group)
  }

  return result
}
