/**
 * The figures in docs/dynamodb-layout.md: what the real Stratus files cost as stored
 * contributions, and how the codec's choice compares with the alternatives.
 *
 *   npx tsx test/contract/measure-item-sizes.ts
 *
 * Sizes are DynamoDB item sizes as the store computes them (an upper bound that
 * test/integration/dynamodb-store.test.ts checks against DynamoDB Local's 400 KB limit);
 * a write costs one WCU per started KB, twice that inside a transaction.
 */
import { basename } from 'node:path';
import { brotliCompressSync, constants, deflateRawSync, gzipSync } from 'node:zlib';
import type { Contribution } from '../../lib/aggregate/types.js';
import { canonicalJson, encode } from '../../lib/store/codec.js';
import { DEFAULT_MAX_ITEM_BYTES, ledgerBytes, planApply } from '../../lib/store/contribution-items.js';
import { hourOf } from '../../lib/time/minute.js';
import { contributionsOf, readRecords, stratusFiles } from './real-contributions.js';

const wcu = (bytes: number): number => Math.ceil(bytes / 1024);
const objectIdOf = (file: string): string =>
  `trail-bucket/AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/${basename(file)}.gz`;

interface Row {
  file: string;
  records: number;
  series: number;
  minutes: number;
  seriesHours: number;
  json: number;
  /** Item bytes besides the encoded counts (keys, numbers, TTL). */
  overhead: number;
  items: number;
  bytes: number;
  wcu: number;
}

function measure(file: string, records: ReturnType<typeof readRecords>, objectId = objectIdOf(file)): Row {
  const contributions = contributionsOf(objectId, records);
  const plan = planApply(objectId, contributions, DEFAULT_MAX_ITEM_BYTES);
  const series = contributions.flatMap((c) => c.series);
  const bytes = plan.items.reduce((sum, item) => sum + item.bytes, 0);
  const itemWcu = plan.items.reduce((sum, item) => sum + wcu(item.bytes), 0);
  return {
    file: basename(file),
    records: records.length,
    series: series.length,
    minutes: series.reduce((sum, s) => sum + s.minutes.length, 0),
    seriesHours: series.reduce((sum, s) => sum + new Set(s.minutes.map((m) => hourOf(m.minute))).size, 0),
    json: canonicalJson(series).length,
    overhead: plan.items.reduce((total, item) => total + item.bytes - item.d.byteLength, 0),
    items: plan.items.length,
    bytes,
    wcu: plan.mode === 'transaction' ? 2 * (itemWcu + wcu(ledgerBytes(objectId))) : itemWcu,
  };
}

const files = stratusFiles();
const rows = files.map((file) => measure(file, readRecords(file)));
const counted = rows.filter((r) => r.items > 0);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)] ?? 0;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

console.log(`# ${files.length} files of ${files[0] ? basename(files[0]).split('_').slice(0, 3).join('_') : ''}... (invictus-stratus-run)`);
console.log(`files with counts: ${counted.length}; without (no write, no error: no item, 0 WCU): ${rows.length - counted.length}`);
console.log(`items per file: ${[...new Set(counted.map((r) => r.items))].join(', ')}`);
console.log(
  `item bytes: min ${sorted(counted.map((r) => r.bytes))[0]}, median ${median(counted.map((r) => r.bytes))}, max ${sorted(counted.map((r) => r.bytes)).at(-1)}`,
);
console.log(`WCU per file: ${JSON.stringify(Object.fromEntries([...new Set(counted.map((r) => r.wcu))].sort().map((w) => [w, counted.filter((r) => r.wcu === w).length])))} (WCU: files)`);
console.log(`total WCU, all ${files.length} files: ${sum(rows.map((r) => r.wcu))}`);
console.log(
  `alternatives for the same files: one UpdateItem per (series, hour) item: ${sum(rows.map((r) => r.seriesHours))} writes (>= 1 WCU each); ` +
    `one per (series, minute): ${sum(rows.map((r) => r.minutes))} writes`,
);

const busiest = [...counted].sort((a, b) => b.records - a.records)[0];
const whole = measure('ALL-55-FILES-AS-ONE-OBJECT', files.flatMap(readRecords), 'trail-bucket/whole-run');
console.log('\n# worked examples');
for (const row of [busiest, whole]) {
  if (!row) continue;
  console.log(
    `${row.file}: ${row.records} records -> ${row.series} series, ${row.minutes} series-minutes; ` +
      `counts as JSON ${row.json} B -> ${row.items} item(s), ${row.bytes} B -> ${row.wcu} WCU`,
  );
}

// ---- codec choice ----------------------------------------------------------------------
const samples: Array<Contribution['series']> = files.flatMap((file) => contributionsOf(objectIdOf(file), readRecords(file)).map((c) => c.series));
const overheads = counted.map((r) => r.overhead);
samples.push(contributionsOf('x', files.flatMap(readRecords))[0]?.series ?? []);
const methods: Record<string, (input: Buffer) => Buffer> = {
  'deflateRaw level 9': (b) => deflateRawSync(b, { level: 9 }),
  'deflateRaw level 6': (b) => deflateRawSync(b),
  'gzip level 9': (b) => gzipSync(b, { level: 9 }),
  'brotli quality 11 (default)': (b) => brotliCompressSync(b),
  'brotli quality 5': (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  'brotli quality 6 (chosen)': (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  'brotli quality 7': (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 7, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  'none (JSON)': (b) => b,
};
const json = samples.map((s) => Buffer.from(canonicalJson(s)));
console.log(`\n# codec on ${samples.length - 1} per-file contributions + the whole run (${sum(json.map((b) => b.length))} B of JSON)`);
const ratios = json.slice(0, -1).map((b) => b.length / encode(JSON.parse(b.toString())).byteLength);
console.log(`codec ratio per file: ${Math.min(...ratios).toFixed(1)}x to ${Math.max(...ratios).toFixed(1)}x`);
console.log('method | bytes | ratio | encode ms (all samples, best of 5) | WCU of the per-file items');
for (const [name, compress] of Object.entries(methods)) {
  let best = Infinity;
  let out: Buffer[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    out = json.map(compress);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  const bytes = sum(out.map((b) => b.length));
  const fileWcu = sum(out.slice(0, -1).map((b, i) => wcu(b.length + (overheads[i] ?? 0))));
  console.log(`${name} | ${bytes} | ${(sum(json.map((b) => b.length)) / bytes).toFixed(2)} | ${best.toFixed(1)} | ${fileWcu}`);
}
const chosen = methods['brotli quality 6 (chosen)'];
if (!chosen || !json.every((b, i) => chosen(b).equals(encode(samples[i] ?? [])))) {
  throw new Error('the codec is no longer Brotli 6 of canonical JSON: update this script');
}
