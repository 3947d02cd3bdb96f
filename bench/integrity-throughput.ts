/**
 * Integrity validation throughput: a day of one account-region (24 signed digests, 12 log
 * files an hour of --file-mb MB each, realistic records) validated from a directory with
 * the CLI's code path, as `trail-insights validate DIR --public-key KEY` runs it.
 * Reports files, MB of uncompressed log, wall time and MB/s; the machine is shared, so the
 * median of --repetitions runs is quoted.
 *
 *   npx tsx bench/integrity-throughput.ts [--file-mb 2] [--repetitions 3] [--concurrency 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FixedPublicKeys } from '../lib/integrity/public-keys.js';
import { keysFromPem } from '../lib/integrity/signature.js';
import { DirectoryTrailObjects } from '../lib/integrity/trail-objects.js';
import { isAllValid, validateTrail } from '../lib/integrity/validate-trail.js';
import { bigLogChunks } from '../test/support/big-log.js';
import { buildTrail, writeTrailToDirectory } from '../test/support/digest-chain.js';

const { values } = parseArgs({ options: { 'file-mb': { type: 'string', default: '2' }, repetitions: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '4' } } });
const fileBytes = Number(values['file-mb']) * 1e6;
let uncompressed = 0;
const trail = buildTrail({
  bucket: 'trail-bucket',
  start: Date.UTC(2024, 1, 22, 0, 0, 31),
  hours: 24,
  filesPerHour: 12,
  logBody: (n, deliveredAt) => {
    const body = Buffer.concat([...bigLogChunks({ uncompressedBytes: fileBytes, seed: n, startMinute: Math.floor(deliveredAt / 60_000) - 15 }).chunks]);
    uncompressed += body.length;
    return body;
  },
});
const dir = mkdtempSync(join(tmpdir(), 'ti-integrity-bench-'));
try {
  writeTrailToDirectory(trail, dir);
  const files = trail.logKeys.flat().length;
  const keys = new FixedPublicKeys(keysFromPem(trail.key.pem, 'bench.pem'));
  const times: number[] = [];
  for (let i = 0; i < Number(values.repetitions); i++) {
    const started = performance.now();
    const report = await validateTrail({ objects: new DirectoryTrailObjects(dir), bucket: 'local', prefix: '', keys, maxDecompressedBytes: 1024 ** 3, concurrency: Number(values.concurrency) });
    times.push(performance.now() - started);
    if (!isAllValid(report) || report.logFiles.length !== files) throw new Error('the benchmark trail did not validate');
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(
    `${trail.digestKeys.length} digests, ${files} log files, ${(uncompressed / 1e6).toFixed(0)} MB of log: ` +
      `median ${(median / 1000).toFixed(2)} s (${times.map((t) => (t / 1000).toFixed(2)).join(', ')}), ` +
      `${(uncompressed / 1e6 / (median / 1000)).toFixed(0)} MB/s, ${((median / files) | 0)} ms per file`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
