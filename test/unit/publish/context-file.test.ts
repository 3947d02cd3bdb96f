import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routeKey } from '../../../lib/cloudtrail/log-key.js';
import { buildInsightContext, parseInsightContextText, type InsightContext } from '../../../lib/insights/context.js';
import type { InsightRecord } from '../../../lib/insights/record.js';
import { contextFileBody, contextKeyForRecord, contextKeyOf, contextObjectKey } from '../../../lib/publish/context-file.js';
import { DirectoryContextWriter } from '../../../lib/publish/context-writers.js';
import { InsightKeyError, InsightWriteError } from '../../../lib/publish/errors.js';
import { minuteOf } from '../../../lib/time/minute.js';
import { insightExamples } from '../../support/datasets.js';

const [awsStart, awsEnd] = insightExamples('error-rate-2024.json') as unknown as [InsightRecord, InsightRecord];
const start = minuteOf(awsStart.eventTime)!;

const context = (): InsightContext =>
  buildInsightContext({
    sharedEventID: awsStart.sharedEventID,
    account: awsStart.recipientAccountId,
    region: awsStart.awsRegion,
    series: { insightType: 'ApiErrorRateInsight', eventSource: 'cloudtrail.amazonaws.com', eventName: 'DescribeQuery', errorCode: 'QueryIdNotFoundException' },
    start,
    end: minuteOf(awsEnd.eventTime)!,
    reason: { rule: 'burst', window: 5, observed: 40, expected: 0.5, lnP: -50, lnAlpha: -17, minCount: 10, peak: 4, peakFactor: 1.5 },
    from: start - 10,
    counts: Array(40).fill(2),
    expected: Array(40).fill(0.1),
    upper: Array(40).fill(2),
  });

describe('Function: contextObjectKey', () => {
  it('puts the context under trail-insights/context/, dated by the start, named by sharedEventID', () => {
    expect(contextKeyOf(context(), 'cloudtrail')).toBe(
      `cloudtrail/trail-insights/context/${awsStart.recipientAccountId}/us-east-1/2024/12/11/${awsStart.sharedEventID}.json.gz`,
    );
  });

  it('finds the same key from the Start and from the End record', () => {
    expect(contextKeyForRecord(awsStart, 'p/')).toBe(contextKeyOf(context(), 'p/'));
    expect(contextKeyForRecord(awsEnd, 'p/')).toBe(contextKeyOf(context(), 'p/'));
  });

  it('is never read by ingest nor listed with the Insights files', () => {
    const key = contextKeyOf(context(), 'AWSLogs/');
    const route = routeKey('bucket', key);

    expect(route.kind).toBe('skip');
    expect(key).not.toMatch(/\/CloudTrail(-Insight)?\//);
  });

  it.each([
    ['account', { account: '1234' }],
    ['region', { region: 'EU WEST' }],
    ['sharedEventID', { sharedEventID: '../../etc' }],
  ])('refuses a %s that cannot be part of a key', (field, change) => {
    const id = { account: '111122223333', region: 'eu-west-1', start, sharedEventID: 'abc-123', ...change };

    expect(() => contextObjectKey(id)).toThrow(InsightKeyError);
    expect(() => contextObjectKey(id)).toThrow(field);
  });
});

describe('Class: DirectoryContextWriter', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'context-writer-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes gzip JSON that parses back to the same context, and overwrites it in place', async () => {
    const written = context();
    const writer = new DirectoryContextWriter({ root });

    await writer.write([written]);
    await writer.write([{ ...written, totalEvents: written.totalEvents + 1 }]);

    const bytes = await readFile(join(root, ...contextKeyOf(written).split('/')));
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(parseInsightContextText(gunzipSync(bytes).toString('utf8'))).toEqual({ ...written, totalEvents: written.totalEvents + 1 });
    expect(Buffer.from(contextFileBody(written))).toEqual(Buffer.from(contextFileBody(context())));
  });

  it('reports a context it could not write by sharedEventID', async () => {
    // A file where the writer needs a directory.
    await mkdir(join(root, 'trail-insights'), { recursive: true });
    await writeFile(join(root, 'trail-insights', 'context'), 'in the way');

    const error = await new DirectoryContextWriter({ root }).write([context()]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InsightWriteError);
    expect((error as InsightWriteError).failedEventIDs).toEqual([awsStart.sharedEventID]);
  });
});
