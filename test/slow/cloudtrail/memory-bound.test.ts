import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIG_LOG_VERSION, writeBigLog, type BigLogSummary } from '../../support/big-log.js';
import type { ProbeReport } from '../../support/memory-probe.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROBE = fileURLToPath(new URL('../../support/memory-probe.ts', import.meta.url));
const MiB = 1024 * 1024;

// Bigger than the 128 MiB heap the child gets, so reading it whole could not fit.
const LOG_BYTES = 300 * 1000 * 1000;
const SEED = 20240304;

/**
 * The generated log, cached across runs under the OS temp folder (the name carries the
 * generator version, seed and size, so a changed generator writes a new file).
 */
async function bigLog(): Promise<{ path: string; summary: BigLogSummary }> {
  const path = join(tmpdir(), `trail-insights-big-log-v${BIG_LOG_VERSION}-${SEED}-${LOG_BYTES}.json.gz`);
  const summaryPath = `${path}.summary.json`;
  if (existsSync(path) && existsSync(summaryPath)) {
    return { path, summary: JSON.parse(readFileSync(summaryPath, 'utf8')) as BigLogSummary };
  }
  const summary = await writeBigLog(path, { uncompressedBytes: LOG_BYTES, seed: SEED });
  writeFileSync(summaryPath, JSON.stringify(summary));
  return { path, summary };
}

function runProbe(path: string, mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=128', '--import', 'tsx', PROBE, path, mode], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs one probe mode over the log under a 128 MiB heap and returns its report, logged. */
async function probeReport(path: string, mode: string): Promise<ProbeReport> {
  const { code, stdout, stderr } = await runProbe(path, mode);
  expect(code, stderr).toBe(0);
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeReport;
  console.info(
    `memory probe (${mode}): ${report.records} records in ${report.durationMs} ms, ` +
      `peak heap ${(report.peakHeapUsedBytes / MiB).toFixed(1)} MiB, peak RSS ${(report.peakRssBytes / MiB).toFixed(1)} MiB`,
  );
  return report;
}

describe('Function: readRecordBatches (memory)', () => {
  let log: { path: string; summary: BigLogSummary };

  beforeAll(async () => {
    log = await bigLog();
  }, 180_000);

  it('reads and classifies a 300 MB log in a 128 MiB heap, with memory independent of the file size', async () => {
    // Act
    const report = await probeReport(log.path, 'reader');

    // Assess
    expect(log.summary.uncompressedBytes).toBeGreaterThanOrEqual(LOG_BYTES);
    expect(report).toMatchObject({
      records: log.summary.records,
      counted: log.summary.counted,
      writes: log.summary.writes,
      errors: log.summary.errors,
      ignored: log.summary.ignored,
      malformed: {},
    });
    // A reader that held the file would need 300 MB for its bytes alone.
    expect(report.peakRssBytes).toBeLessThan(200 * MiB);
    expect(report.peakHeapUsedBytes).toBeLessThan(64 * MiB);
  }, 120_000);

  it('runs the whole ingest path (aggregate, store, detect) over the 300 MB log in a 128 MiB heap', async () => {
    // Act
    const report = await probeReport(log.path, 'ingest');

    // Assess
    // Counted records are de-duplicated by eventID: the generator's ids are unique.
    expect(report).toMatchObject({ records: log.summary.records, counted: log.summary.counted, writes: log.summary.writes, errors: log.summary.errors });
    expect(report.peakRssBytes).toBeLessThan(250 * MiB);
    expect(report.peakHeapUsedBytes).toBeLessThan(110 * MiB);
  }, 180_000);
});
