export type Cell = string | number | boolean | null | undefined
export type Row = Record<string, Cell>

/** A fixed-width table on stdout, columns in the order of the first row's keys. */
export function printTable (title: string, rows: Row[]): void {
  if (rows.length === 0) return

  const columns = Object.keys(rows[0])
  const text = (cell: Cell) => cell === undefined || cell === null ? '' : String(cell)
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => text(row[column]).length)))
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.padStart(widths[i])).join('  ')

  process.stdout.write(`\n${title}\n`)
  process.stdout.write(`${line(columns)}\n`)
  process.stdout.write(`${line(widths.map((w) => '-'.repeat(w)))}\n`)
  for (const row of rows) {
    process.stdout.write(`${line(columns.map((column) => text(row[column])))}\n`)
  }
}

/** One machine-readable line per run: `{"bench":..., ...}`. */
export function printJson (record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`)
}

/** Progress for the person watching, on stderr so stdout stays tables and JSON. */
export function progress (message: string): void {
  process.stderr.write(`· ${message}\n`)
}
