import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv } from '../../../lib/cli/insights-format.js';
import { main } from '../../../lib/cli/main.js';
import type { InsightRecord } from '../../../lib/insights/record.js';
import { buildInsightArchive, type InsightArchiveFixture } from '../../support/insight-archive.js';

const root = mkdtempSync(join(tmpdir(), 'trail-insights-history-'));
let archive: InsightArchiveFixture;
beforeAll(async () => {
  archive = await buildInsightArchive(root);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false, env: {} });
  return { code, stdout, stderr };
}

const lines = (text: string): InsightRecord[] => text.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as InsightRecord);
const ids = (records: readonly InsightRecord[]) => records.map((record) => record.eventID).sort();

describe('CLI: trail-insights insights list (directory)', () => {
  it('lists every record once, ours and AWS\'s, and names each skipped file with its reason', async () => {
    const { code, stdout, stderr } = await cli('insights', 'list', root, '--format', 'jsonl');

    expect(code).toBe(0);
    expect(ids(lines(stdout))).toEqual(ids([...archive.ours, ...archive.aws]));
    expect(stderr).toContain(`skipped  ${join(root, ...archive.truncated.split('/'))}: not an Insights file: truncated-gzip`);
    expect(stderr).toContain(`skipped  ${join(root, ...archive.foreign.split('/'))}: not an Insights file: eventType is "AwsApiCall"`);
    // The sidecars under trail-insights/ are not Insights files and are not read as such.
    expect(stderr).not.toContain('trail-insights/context');
  });

  it('prints one table line per insight by default', async () => {
    const { stdout } = await cli('insights', 'list', root);
    const insights = new Set([...archive.ours, ...archive.aws].map((record) => record.sharedEventID));

    expect(stdout.trimEnd().split('\n')).toHaveLength(1 + insights.size);
    expect(stdout).toMatch(/888888888888\s+us-east-1\s+error rate ▲\s+cloudtrail:DescribeQuery QueryIdNotFoundException/);
  });

  const testCases: { name: string; args: string[]; expected: (f: InsightArchiveFixture) => InsightRecord[] }[] = [
    { name: 'an account', args: ['--account', '888888888888'], expected: (f) => f.aws.filter((r) => r.recipientAccountId === '888888888888') },
    { name: 'two accounts, comma-separated', args: ['--account', '888888888888,246337027688'], expected: (f) => f.aws.filter((r) => r.recipientAccountId !== '123456789012') },
    { name: 'a region (organization trail layout)', args: ['--region', 'eu-central-1'], expected: (f) => f.aws.filter((r) => r.awsRegion === 'eu-central-1') },
    { name: 'an API glob', args: ['--api', 'ssm:*'], expected: (f) => [...f.ours, ...f.aws].filter((r) => r.insightDetails.eventSource === 'ssm.amazonaws.com') },
    { name: 'a group series', args: ['--api', 'group:IamWriteCalls'], expected: (f) => f.ours.filter((r) => r.insightDetails.eventName === 'IamWriteCalls') },
    { name: 'a type', args: ['--type', 'error'], expected: (f) => [...f.ours, ...f.aws].filter((r) => r.insightDetails.insightType === 'ApiErrorRateInsight') },
    { name: 'End records', args: ['--state', 'End'], expected: (f) => [...f.ours, ...f.aws].filter((r) => r.insightDetails.state === 'End') },
    {
      name: 'open insights',
      args: ['--state', 'open'],
      expected: (f) => {
        const all = [...f.ours, ...f.aws];
        const ended = new Set(all.filter((r) => r.insightDetails.state === 'End').map((r) => r.sharedEventID));
        return all.filter((r) => !ended.has(r.sharedEventID));
      },
    },
    {
      name: 'a time range (an insight counts while active)',
      args: ['--since', '2019-11-14T00:52Z', '--until', '2020-01-01'],
      expected: (f) => f.aws.filter((r) => r.sharedEventID === 'EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE'),
    },
  ];

  it.each(testCases)('selects $name', async ({ args, expected }) => {
    const { code, stdout } = await cli('insights', 'list', root, '--format', 'jsonl', ...args);

    expect(code).toBe(0);
    expect(ids(lines(stdout))).toEqual(ids(expected(archive)));
    expect(expected(archive).length).toBeGreaterThan(0);
  });

  it('writes CSV with one row per record', async () => {
    const { stdout } = await cli('insights', 'list', root, '--format', 'csv', '--account', '888888888888');
    const rows = stdout.trimEnd().split('\r\n');

    expect(rows[0]).toBe('eventID,sharedEventID,state,eventTime,recipientAccountId,awsRegion,insightType,eventSource,eventName,errorCode,baselineAverage,insightAverage,insightDuration,baselineDuration,topPrincipal');
    expect(rows.slice(1).map((row) => row.split(',')[0]).sort()).toEqual(ids(archive.aws.filter((r) => r.recipientAccountId === '888888888888')));
  });
});

describe('CLI: trail-insights insights show (directory)', () => {
  it('prints Start, End and why it fired from the context sidecar', async () => {
    const { code, stdout } = await cli('insights', 'show', root, archive.withContext);
    const pair = archive.ours.filter((record) => record.sharedEventID === archive.withContext);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^why {6}(Burst above|API never called|Provisioning in a region|Regular activity stopped)/m);
    expect(stdout).toMatch(/^events {3}\d+ in the insight$/m);
    for (const record of pair) expect(stdout).toContain(`${record.insightDetails.state} record:\n${JSON.stringify(record, null, 2)}`);
  });

  it('says when an insight has no sidecar (AWS\'s own)', async () => {
    const { code, stdout } = await cli('insights', 'show', root, 'fccb064f-dd07-4822-97c0-11115d8b91d4');

    expect(code).toBe(0);
    expect(stdout).toContain('why      (no context sidecar: an AWS insight, or written without one)');
    expect(stdout).toContain('start    2024-12-11 16:52 UTC\nend      2024-12-11 16:53 UTC (1 min)');
  });

  it('reports a corrupt sidecar instead of failing', async () => {
    const { code, stdout } = await cli('insights', 'show', root, archive.brokenContext);

    expect(code).toBe(0);
    expect(stdout).toMatch(/why {6}\(context sidecar trail-insights\/context\/\S+ unusable: .*not valid JSON/);
  });

  it('fails on an unknown insight', async () => {
    const { code, stderr } = await cli('insights', 'show', root, 'no-such-insight');

    expect(code).toBe(1);
    expect(stderr).toContain(`no insight no-such-insight in ${root}`);
  });
});

describe('CLI: trail-insights insights download (directory)', () => {
  it('writes the selected records as one Records file, gzip when the name says so', async () => {
    const plain = join(root, '..', `${Date.now()}-download.json`);
    const gz = `${plain}.gz`;

    expect((await cli('insights', 'download', root, '--type', 'error', '--output', plain)).code).toBe(0);
    expect((await cli('insights', 'download', root, '--type', 'error', '--output', gz)).code).toBe(0);

    const expected = ids([...archive.ours, ...archive.aws].filter((r) => r.insightDetails.insightType === 'ApiErrorRateInsight'));
    expect(ids((JSON.parse(readFileSync(plain, 'utf8')) as { Records: InsightRecord[] }).Records)).toEqual(expected);
    expect(ids((JSON.parse(gunzipSync(readFileSync(gz)).toString('utf8')) as { Records: InsightRecord[] }).Records)).toEqual(expected);
    rmSync(plain);
    rmSync(gz);
  });

  it('writes jsonl to stdout', async () => {
    const { stdout } = await cli('insights', 'download', root, '--format', 'jsonl', '--account', '246337027688');

    expect(ids(lines(stdout))).toEqual(ids(archive.aws.filter((r) => r.recipientAccountId === '246337027688')));
  });
});

describe('CLI: trail-insights insights usage', () => {
  it.each([
    [['insights'], /needs list, show or download/],
    [['insights', 'list'], /needs an s3:\/\/bucket\[\/prefix\] or a directory/],
    [['insights', 'show', '.'], /needs a sharedEventID/],
    [['insights', 'list', '.', '--api', 'CreateUser'], /--api must be service:Name/],
    [['insights', 'list', '.', '--type', 'rate'], /--type must be/],
    [['insights', 'list', '.', '--state', 'closed'], /--state must be Start, End or open/],
    [['insights', 'list', '.', '--since', 'yesterday'], /--since must be a time/],
    [['insights', 'list', '.', '--account', '1234'], /12-digit/],
    [['insights', 'list', '.', '--format', 'xml'], /--format for list must be table, jsonl, csv/],
    [['insights', 'list', '/no/such/dir'], /no such directory or bucket: \/no\/such\/dir/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const { code, stderr } = await cli(...argv);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('is listed by --help', async () => {
    expect((await cli('--help')).stdout).toMatch(/^ {2}insights +list, show and download past Insights/m);
  });
});

describe('Function: formatCsv', () => {
  it('quotes fields holding commas and quotes', () => {
    const record = archive.aws[0]!;
    const odd = structuredClone(record);
    odd.insightDetails.insightContext.attributions![0]!.insight[0]!.value = 'arn:aws:iam::1:user/a,"b"';

    expect(formatCsv([odd]).split('\r\n')[1]!.endsWith(',"arn:aws:iam::1:user/a,""b"""')).toBe(true);
  });
});
