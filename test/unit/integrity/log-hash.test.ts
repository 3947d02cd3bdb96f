import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MalformedLogFileError } from '../../../lib/cloudtrail/malformed-log-file-error.js';
import { logFileSha256 } from '../../../lib/integrity/log-hash.js';
import { BIG_LOG_VERSION, writeBigLog, type BigLogSummary } from '../../support/big-log.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROBE = fileURLToPath(new URL('../../support/hash-probe.ts', import.meta.url));
const MiB = 1024 * 1024;
// Above CloudTrail's 50 MB, and larger than the memory the probe is allowed to grow by.
const LOG_BYTES = 150 * 1000 * 1000;
const SEED = 20261206;

const once = (bytes: Buffer) => (async function* () {
  yield bytes;
})();
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('Function: logFileSha256', () => {
  const json = Buffer.from(JSON.stringify({ Records: [{ eventName: 'RunInstances', note: 'é' }] }));

  it.each([
    { name: 'gzip, as CloudTrail writes it', bytes: gzipSync(json) },
    { name: 'two gzip members', bytes: Buffer.concat([gzipSync(json.subarray(0, 10)), gzipSync(json.subarray(10))]) },
    { name: 'a copy someone decompressed', bytes: json },
  ])('hashes the uncompressed bytes of $name', async ({ bytes }) => {
    expect(await logFileSha256(once(bytes), { maxDecompressedBytes: 1024 })).toBe(sha(json));
  });

  it.each([
    { name: 'truncated gzip', bytes: gzipSync(json).subarray(0, 20), code: 'truncated-gzip' },
    { name: 'more than the cap', bytes: gzipSync(json), code: 'too-large', max: 10 },
  ])('refuses $name with a named error', async ({ bytes, code, max }) => {
    await expect(logFileSha256(once(bytes), { maxDecompressedBytes: max ?? 1024 })).rejects.toSatisfy((e) => e instanceof MalformedLogFileError && e.code === code);
  });
});

describe('Function: logFileSha256 (memory)', () => {
  let path: string;
  let summary: BigLogSummary;

  beforeAll(async () => {
    path = join(tmpdir(), `trail-insights-big-log-v${BIG_LOG_VERSION}-${SEED}-${LOG_BYTES}.json.gz`);
    const summaryPath = `${path}.summary.json`;
    if (existsSync(path) && existsSync(summaryPath)) summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as BigLogSummary;
    else {
      summary = await writeBigLog(path, { uncompressedBytes: LOG_BYTES, seed: SEED });
      writeFileSync(summaryPath, JSON.stringify(summary));
    }
  }, 180_000);

  it('streams a 150 MB log: the hash of every byte, in far less memory than the file', async () => {
    // Prepare: the expected hash, from zlib's own stream.
    const expected = createHash('sha256');
    for await (const chunk of createReadStream(path).pipe(createGunzip())) expected.update(chunk as Buffer);

    // Act
    const report = await new Promise<{ sha256: string; durationMs: number; peakRssBytes: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', PROBE, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)) : reject(new Error(stderr))));
    });
    console.info(`hash probe: ${(summary.uncompressedBytes / 1e6).toFixed(0)} MB of log in ${report.durationMs} ms, peak RSS ${(report.peakRssBytes / MiB).toFixed(1)} MiB`);

    // Assess
    expect(summary.uncompressedBytes).toBeGreaterThanOrEqual(LOG_BYTES);
    expect(report.sha256).toBe(expected.digest('hex'));
    // Holding the file would take 150 MB on its own.
    expect(report.peakRssBytes).toBeLessThan(140 * MiB);
  }, 180_000);
});
