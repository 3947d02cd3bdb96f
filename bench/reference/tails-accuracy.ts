/**
 * How far lib/stats/tails.ts is from scipy's reference values (test/fixtures/tails-reference.json,
 * made by bench/reference/tails.py): the largest |Δ ln P| per tail, and the worst rows.
 *
 *   npx tsx bench/reference/tails-accuracy.ts [--worst 5]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { logLowerTail, logUpperTail, POISSON_SIZE } from '../../lib/stats/tails.js';

export interface ReferenceRow {
  mean: number;
  /** null: Poisson. */
  size: number | null;
  k: number;
  logUpper?: number;
  logLower?: number;
}

export const REFERENCE_FILE = fileURLToPath(new URL('../../test/fixtures/tails-reference.json', import.meta.url));

export const referenceRows = (): ReferenceRow[] => (JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as { rows: ReferenceRow[] }).rows;

export interface Deviation {
  row: ReferenceRow;
  tail: 'upper' | 'lower';
  expected: number;
  actual: number;
  delta: number;
}

/** Every reference value against the engine's, in ln P. */
export function deviations(rows: readonly ReferenceRow[]): Deviation[] {
  const out: Deviation[] = [];
  for (const row of rows) {
    const size = row.size ?? POISSON_SIZE;
    if (row.logUpper !== undefined) {
      const actual = logUpperTail(row.k, row.mean, size);
      out.push({ row, tail: 'upper', expected: row.logUpper, actual, delta: Math.abs(actual - row.logUpper) });
    }
    if (row.logLower !== undefined) {
      const actual = logLowerTail(row.k, row.mean, size);
      out.push({ row, tail: 'lower', expected: row.logLower, actual, delta: Math.abs(actual - row.logLower) });
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { worst: { type: 'string', default: '5' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npx tsx bench/reference/tails-accuracy.ts [--worst N]');
    process.exit(0);
  }
  const all = deviations(referenceRows());
  for (const tail of ['upper', 'lower'] as const) {
    const of = all.filter((d) => d.tail === tail);
    const worst = [...of].sort((a, b) => (Number.isNaN(b.delta) ? 1 : b.delta - a.delta)).slice(0, Number(values.worst));
    console.log(`${tail} tail: ${of.length} values, max |Δ ln P| = ${worst[0]?.delta.toExponential(2)}`);
    for (const d of worst) {
      console.log(`  mean ${d.row.mean} size ${d.row.size ?? 'Poisson'} k ${d.row.k}: scipy ${d.expected.toPrecision(10)}, ours ${d.actual.toPrecision(10)}`);
    }
  }
}
