import { parseArgs } from 'node:util';
import { generate } from './generate.js';

/**
 * npx tsx bench/synth/cli.ts --seed 1 --days 10 --out bench/out/full [--profile full|sample] [--start 2024-02-22]
 *                            [--accounts prod,security]
 *
 * Writes the CloudTrail log files and labels.json, then prints what it wrote.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    days: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'string', default: 'full' },
    start: { type: 'string' },
    accounts: { type: 'string' },
  },
  strict: true,
});

if (!values.out) {
  console.error('usage: npx tsx bench/synth/cli.ts --seed N --out DIR [--days N] [--profile full|sample] [--start YYYY-MM-DD] [--accounts a,b]');
  process.exit(2);
}
const profile = values.profile;
if (profile !== 'full' && profile !== 'sample') {
  console.error(`unknown profile: ${profile}`);
  process.exit(2);
}
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error(`seed must be an integer: ${values.seed}`);
  process.exit(2);
}

const started = performance.now();
const labels = generate({
  seed,
  out: values.out,
  profile,
  days: values.days === undefined ? undefined : Number(values.days),
  start: values.start,
  accounts: values.accounts?.split(','),
});
const seconds = (performance.now() - started) / 1000;
const r = labels.stats.records;
console.log(`${profile} seed ${seed}: ${labels.generator.days} days from ${labels.start.slice(0, 10)}, warm-up ends ${labels.warmupEnd}`);
for (const a of labels.accounts) console.log(`  account ${a.name} ${a.id} regions ${a.regions.join(', ')}`);
console.log(
  `  ${labels.stats.files} files, ${(labels.stats.bytes / 1e6).toFixed(1)} MB gzip, ${r.total} records ` +
    `(management writes ${r.managementWrite}, management reads ${r.managementRead}, data ${r.data}, errors ${r.errors}, incident ${r.incident}, duplicates ${labels.stats.duplicates})`,
);
console.log(`  ${labels.incidents.length} incidents, ${labels.normal.length} labelled normal events, max delivery delay ${labels.stats.maxDelayMinutes} min`);
console.log(`  generated in ${seconds.toFixed(1)} s -> ${values.out}/labels.json`);
