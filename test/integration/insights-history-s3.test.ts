/**
 * `trail-insights insights` and the context writer against s3rver, through the real SDK
 * client: the same archive as the directory tests, uploaded under a trail prefix, beside
 * a log folder the listing must never walk.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Archive } from '../../lib/history/archive.js';
import { readInsightContext } from '../../lib/history/read-insights.js';
import { main } from '../../lib/cli/main.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { S3ContextWriter } from '../../lib/publish/context-writers.js';
import { parseInsightContext } from '../../lib/insights/context.js';
import { useLocalAws } from '../support/aws-env.js';
import { buildInsightArchive, filesOf, type InsightArchiveFixture } from '../support/insight-archive.js';

const aws = useLocalAws();
const s3 = new S3Client({ forcePathStyle: true });
const root = mkdtempSync(join(tmpdir(), 'trail-insights-history-s3-'));
let archive: InsightArchiveFixture;
let bucket: string;

beforeAll(async () => {
  archive = await buildInsightArchive(root);
  bucket = (await aws.createTestBucket({ label: 'history' })).name;
  for (const key of filesOf(root)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `audit/${key}`, Body: readFileSync(join(root, ...key.split('/'))) }));
  }
  // A log folder holding garbage: read, it would be reported as skipped.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'audit/AWSLogs/888888888888/CloudTrail/us-east-1/2024/12/11/888888888888_CloudTrail_us-east-1_20241211T1700Z_x.json.gz', Body: 'not gzip' }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false, env: { ...process.env, S3_FORCE_PATH_STYLE: 'true' } });
  return { code, stdout, stderr };
}
const ids = (records: readonly InsightRecord[]) => records.map((record) => record.eventID).sort();
const lines = (text: string): InsightRecord[] => text.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as InsightRecord);

describe('CLI: trail-insights insights (s3rver)', () => {
  it('lists every record once from s3://bucket/prefix, without reading the log folders', async () => {
    const { code, stdout, stderr } = await cli('insights', 'list', `s3://${bucket}/audit`, '--format', 'jsonl');

    expect(code).toBe(0);
    expect(ids(lines(stdout))).toEqual(ids([...archive.ours, ...archive.aws]));
    expect(stderr).toContain(`skipped  s3://${bucket}/audit/${archive.truncated}: not an Insights file: truncated-gzip`);
    expect(stderr).toContain('2 skipped');
    expect(stderr).not.toContain('/CloudTrail/');
  });

  it('lists only the regions and days asked for', async () => {
    const { stdout } = await cli('insights', 'list', `s3://${bucket}/audit/`, '--format', 'jsonl', '--region', 'eu-central-1', '--since', '2022-01-01');

    expect(ids(lines(stdout))).toEqual(ids(archive.aws.filter((r) => r.awsRegion === 'eu-central-1')));
  });

  it('reads a prefix that points into AWSLogs/ as it is', async () => {
    const { stdout } = await cli('insights', 'list', `s3://${bucket}/audit/AWSLogs/888888888888/`, '--format', 'jsonl');

    expect(ids(lines(stdout))).toEqual(ids(archive.aws.filter((r) => r.recipientAccountId === '888888888888')));
  });

  it('shows an insight with the reason from its sidecar in the bucket', async () => {
    const { code, stdout } = await cli('insights', 'show', `s3://${bucket}/audit`, archive.withContext);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^why {6}\S/m);
    expect(stdout).not.toContain('no context sidecar');
  });
});

describe('Class: S3ContextWriter (s3rver)', () => {
  it('writes a context where readers of the bucket find it from the record', async () => {
    const source = new S3Archive(s3, bucket, 'audit/');
    const record = archive.ours.find((r) => r.sharedEventID === archive.withContext)!;
    const found = await readInsightContext(source, record);
    if (!('context' in found)) throw new Error(`expected the uploaded context: ${JSON.stringify(found)}`);
    const other = (await aws.createTestBucket({ label: 'contexts' })).name;

    await new S3ContextWriter({ client: s3, bucket: other, prefix: 'trail' }).write([found.context]);

    const again = await readInsightContext(new S3Archive(s3, other, 'trail'), record);
    expect('context' in again && parseInsightContext(again.context)).toEqual(found.context);
  });
});
