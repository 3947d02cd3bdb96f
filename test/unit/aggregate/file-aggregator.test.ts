import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileAggregator } from '../../../lib/aggregate/file-aggregator.js';
import { IAM_WRITES_ID, PROVISIONING_ID, allApisErrorId, isProvisioningCall } from '../../../lib/aggregate/groups.js';
import { TopK, mergeValueCounts } from '../../../lib/aggregate/top-k.js';
import { DEFAULT_DETECTOR_CONFIG, parseDetectorConfig } from '../../../lib/config/detector-config.js';
import { invictusFiles } from '../../support/datasets.js';
import { countsOfContributions, independentCounts } from '../../support/independent-counts.js';

const aggregate = (records: Array<Record<string, unknown>>, config = DEFAULT_DETECTOR_CONFIG) => {
  const aggregator = new FileAggregator({ objectId: 'o', account: '111111111111', region: 'us-east-1', config });
  for (const record of records) aggregator.add(record);
  return { contributions: aggregator.contributions(), stats: aggregator.stats };
};

const record = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventVersion: '1.09',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111111111111:assumed-role/Deployer/session-1' },
  eventTime: '2024-05-01T10:00:30Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'RunInstances',
  awsRegion: 'us-east-1',
  userAgent: 'terraform/1.8',
  eventID: `id-${Math.random()}`,
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111111111111',
  eventCategory: 'Management',
  ...over,
});

describe('Class: FileAggregator', () => {
  it('counts every invictus file exactly as an independent recount of the raw records does', () => {
    // Prepare
    const files = invictusFiles().map(({ path }) => (JSON.parse(readFileSync(path, 'utf8')) as { Records: Array<Record<string, unknown>> }).Records);
    // Act
    const ours = countsOfContributions(files.flatMap((records) => aggregate(records).contributions));
    // Assess
    const expected = independentCounts(files);
    expect(expected.size).toBeGreaterThan(100);
    expect(ours).toEqual(expected);
  });

  it('counts a duplicated eventID once within a file', () => {
    const one = record({ eventID: 'same' });
    const { contributions, stats } = aggregate([one, { ...one }, record({ eventID: 'other' })]);
    const series = contributions[0]!.series.find((s) => s.id === 'c|ec2.amazonaws.com|RunInstances')!;
    expect(series.minutes[0]!.count).toBe(2);
    expect(stats.duplicates).toBe(1);
  });

  it('adds group series: IAM writes, provisioning, and all errors of one code', () => {
    const { contributions } = aggregate([
      record({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }),
      record(),
      record({ eventName: 'DescribeInstances', readOnly: true, errorCode: 'AccessDenied' }),
      record({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true, errorCode: 'AccessDenied' }),
    ]);
    const ids = new Map(contributions[0]!.series.map((s) => [s.id, s.minutes[0]!.count]));
    expect(ids.get(IAM_WRITES_ID)).toBe(1);
    expect(ids.get(PROVISIONING_ID)).toBe(1);
    expect(ids.get(allApisErrorId('AccessDenied'))).toBe(2);
  });

  it('reports role-level ARNs, user agents, and "null" error codes on call rate', () => {
    const { contributions } = aggregate([record(), record({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111111111111:assumed-role/Deployer/other' } })]);
    const cell = contributions[0]!.series.find((s) => s.id === 'c|ec2.amazonaws.com|RunInstances')!.minutes[0]!;
    expect(cell.attributions.userIdentityArn).toEqual([['arn:aws:sts::111111111111:assumed-role/Deployer', 2]]);
    expect(cell.attributions.userAgent).toEqual([['terraform/1.8', 2]]);
    expect(cell.attributions.errorCode).toEqual([['null', 2]]);
  });

  it('does not count suppressed events at all', () => {
    const config = parseDetectorConfig({ suppressions: [{ principalArn: '*:assumed-role/Deployer', reason: 'CI' }] });
    const { contributions, stats } = aggregate([record(), record({ userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/eve' } })], config);
    expect(stats.ignored.suppressed).toBe(1);
    expect(contributions[0]!.series.find((s) => s.id === 'c|ec2.amazonaws.com|RunInstances')!.minutes[0]!.count).toBe(1);
  });

  it('counts only the insight types that are enabled', () => {
    const config = parseDetectorConfig({ insightTypes: ['ApiErrorRateInsight'] });
    const { contributions } = aggregate([record(), record({ errorCode: 'Client.UnauthorizedOperation' })], config);
    expect(contributions[0]!.series.map((s) => s.id).sort()).toEqual([
      allApisErrorId('Client.UnauthorizedOperation'),
      'e|ec2.amazonaws.com|RunInstances|Client.UnauthorizedOperation',
    ].sort());
  });

  it('reports malformed and ignored records without failing', () => {
    const { stats } = aggregate([record({ eventTime: undefined }), record({ eventCategory: 'Data', managementEvent: false }), record({ readOnly: true })]);
    expect(stats.records).toBe(3);
    expect(stats.counted).toBe(0);
    expect(Object.values(stats.malformed).reduce((a, b) => a + b, 0)).toBe(1);
    expect(Object.values(stats.ignored).reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('Function: isProvisioningCall', () => {
  it.each([
    ['ec2.amazonaws.com', 'RunInstances', true],
    ['rds.amazonaws.com', 'CreateDBInstance', true],
    ['lambda.amazonaws.com', 'CreateFunction20150331', true],
    ['ec2.amazonaws.com', 'CreateTags', false],
    ['ec2.amazonaws.com', 'DescribeInstances', false],
    ['iam.amazonaws.com', 'CreateUser', false],
    ['ec2.amazonaws.com', 'Creator', false],
  ])('%s %s → %s', (source, name, expected) => expect(isProvisioningCall(source, name)).toBe(expected));
});

describe('Class: TopK', () => {
  it('is exact while there are at most `capacity` distinct values', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 200 }), (values) => {
        const topK = new TopK(4);
        for (const value of values) topK.add(value);
        const exact = new Map<string, number>();
        for (const value of values) exact.set(value, (exact.get(value) ?? 0) + 1);
        expect(new Map(topK.entries())).toEqual(exact);
      }),
      { numRuns: 1000 },
    );
  });

  it('always keeps a value seen more than total/capacity times, never undercounting it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 400 }), (numbers) => {
        const capacity = 8;
        const topK = new TopK(capacity);
        const exact = new Map<string, number>();
        for (const n of numbers) {
          topK.add(String(n));
          exact.set(String(n), (exact.get(String(n)) ?? 0) + 1);
        }
        const kept = new Map(topK.entries());
        expect(kept.size).toBeLessThanOrEqual(capacity);
        for (const [value, count] of exact) {
          if (count > numbers.length / capacity) expect(kept.get(value) ?? 0).toBeGreaterThanOrEqual(count);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts by count then value, whatever the insertion order', () => {
    expect(mergeValueCounts([[['b', 2], ['a', 2]], [['c', 3]]], 5)).toEqual([['c', 3], ['a', 2], ['b', 2]]);
  });
});
