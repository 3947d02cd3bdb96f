import { describe, expect, it } from 'vitest';
import type { ValueCount } from '../../../lib/aggregate/types.js';
import { baselineWindow, buildInsightRecord, inAwsOrder, type RecordFacts } from '../../../lib/insights/build.js';
import type { InsightRecord } from '../../../lib/insights/record.js';
import { INSIGHT_ID_NAMESPACE, insightIds, uuidFromName, uuidV5 } from '../../../lib/insights/ids.js';
import { minuteOf } from '../../../lib/time/minute.js';
import { insightExamples } from '../../support/datasets.js';

/** Every key path of a JSON value, in document order, with the JSON type at each. */
function shape(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return [`${path}:array`, ...value.flatMap((item, i) => shape(item, `${path}[${i}]`))];
  if (value !== null && typeof value === 'object') {
    return [`${path}:object`, ...Object.entries(value).flatMap(([key, item]) => shape(item, `${path}.${key}`))];
  }
  return [`${path}:${value === null ? 'null' : typeof value}`];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const attributions = (principals: ValueCount[], agents: ValueCount[], codes: ValueCount[] = []) => ({
  userIdentityArn: principals,
  userAgent: agents,
  errorCode: codes,
});

describe('Function: buildInsightRecord', () => {
  const [awsStart, awsEnd] = insightExamples('error-rate-2024.json') as [Record<string, unknown>, Record<string, unknown>];
  const admin = 'arn:aws:sts::888888888888:assumed-role/Admin';
  const chrome =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const series = {
    insightType: 'ApiErrorRateInsight' as const,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'DescribeQuery',
    errorCode: 'QueryIdNotFoundException',
  };
  const start = minuteOf('2024-12-11T16:52:00Z')!;
  const facts = (state: 'Start' | 'End', minute: number, events: number, duration: number): RecordFacts => ({
    account: '888888888888',
    region: 'us-east-1',
    series,
    state,
    minute,
    eventID: state === 'Start' ? (awsStart.eventID as string) : (awsEnd.eventID as string),
    sharedEventID: awsStart.sharedEventID as string,
    insight: { events, duration, attributions: attributions([[admin, events]], [[chrome, events]]) },
    baseline: { events: 0, duration: baselineWindow(start, 7, Number.NEGATIVE_INFINITY).duration, attributions: attributions([], []) },
  });

  it('reproduces the current AWS error-rate Start record exactly, key order included', () => {
    // Prepare: the facts behind AWS's published example: 6 errors in 5 minutes, none in the baseline.
    // Act
    const record = buildInsightRecord(facts('Start', start, 6, 5));
    // Assess
    expect(JSON.stringify(record)).toBe(JSON.stringify(awsStart));
  });

  it('reproduces the matching End record exactly', () => {
    const record = buildInsightRecord(facts('End', start + 1, 6, 1));
    expect(JSON.stringify(record)).toBe(JSON.stringify(awsEnd));
  });

  it('has the keys, order and JSON types of every published example (call rate too)', () => {
    // Prepare: a call-rate insight shaped like the StreamAlert/AWS example with all three attribution kinds.
    const [callRate] = insightExamples('records.json') as [Record<string, unknown>];
    const roles = [1, 2, 3].map((n): ValueCount => [`arn:aws:sts::012345678901:assumed-role/CodeDeployRole${n}`, 1]);
    const minute = minuteOf(callRate.eventTime as string)!;
    // Act
    const record = buildInsightRecord({
      account: callRate.recipientAccountId as string,
      region: callRate.awsRegion as string,
      series: { insightType: 'ApiCallRateInsight', eventSource: 'autoscaling.amazonaws.com', eventName: 'CompleteLifecycleAction' },
      state: 'Start',
      minute,
      eventID: uuidFromName('a'),
      sharedEventID: uuidFromName('b'),
      insight: { events: 3, duration: 5, attributions: attributions(roles, [['codedeploy.amazonaws.com', 3]], [['null', 3]]) },
      baseline: {
        events: 1,
        duration: baselineWindow(minute, 7, Number.NEGATIVE_INFINITY).duration,
        attributions: attributions([roles[0]!], [['codedeploy.amazonaws.com', 1]], [['null', 1]]),
      },
    });
    // Assess: same statistics and attributions as AWS computed them (1/11336 → 8.82145e-05) …
    const details = (callRate as { insightDetails: { insightContext: unknown } }).insightDetails;
    expect(record.insightDetails.insightContext).toEqual(details.insightContext);
    // … and the same shape, except the two fields AWS added since (eventVersion 1.07 → 1.09).
    const ours = shape(record).filter((path) => !path.startsWith('$.insightDetails.sourceEventCategory'));
    expect(ours).toEqual(shape(callRate));
    expect(record.eventVersion).toBe('1.09');
  });
});

describe('Function: inAwsOrder', () => {
  /** The same JSON value with every object's keys in reverse order. */
  const reversed = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(reversed)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]))
        : value;

  it.each([...insightExamples('error-rate-2024.json'), insightExamples('records.json')[0]!])(
    'restores AWS key order of a record whose keys were shuffled (%#)',
    (example) => {
      const shuffled = reversed(example) as InsightRecord;
      expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(example));
      expect(JSON.stringify(inAwsOrder(shuffled))).toBe(JSON.stringify(example));
    },
  );
});

describe('Function: baselineWindow', () => {
  const examples = [...insightExamples('records.json'), ...insightExamples('error-rate-2024.json')] as Array<{
    eventTime: string;
    insightDetails: { state: string; insightContext: { statistics: { baselineDuration?: number } } };
  }>;
  const starts = examples.filter((r) => r.insightDetails.state === 'Start' && r.insightDetails.insightContext.statistics.baselineDuration);

  it('reproduces baselineDuration from the Start time of each example with its own statistics', () => {
    // The 2020-07-21 and 2024-12-11 examples carry their own figures: 10080 + minutes since midnight UTC.
    const reproduced = starts.filter(
      (r) => baselineWindow(minuteOf(r.eventTime)!, 7, Number.NEGATIVE_INFINITY).duration === r.insightDetails.insightContext.statistics.baselineDuration,
    );
    expect(reproduced.map((r) => r.eventTime)).toEqual(['2020-07-21T20:56:00Z', '2024-12-11T16:52:00Z']);
  });

  it('finds the other examples to be verbatim copies of the 2020 statistics (documentation reuse), not counter-examples', () => {
    const reference = JSON.stringify(starts.find((r) => r.eventTime === '2020-07-21T20:56:00Z')!.insightDetails.insightContext);
    const others = starts.filter((r) => !['2020-07-21T20:56:00Z', '2024-12-11T16:52:00Z'].includes(r.eventTime));
    expect(others.length).toBe(2);
    for (const record of others) expect(JSON.stringify(record.insightDetails.insightContext)).toBe(reference);
  });

  it('clips the window to when observation began', () => {
    const start = minuteOf('2024-12-11T16:52:00Z')!;
    expect(baselineWindow(start, 7, start - 90)).toEqual({ from: start - 90, duration: 90 });
  });
});

describe('Function: uuidV5', () => {
  it("matches RFC 9562's example (DNS namespace, www.example.com)", () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it("derives insight ids in the project's fixed namespace, as Python's uuid.uuid5 does", () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.UUID('0f3c9c77-5d05-5a3f-9a54-8d7f1e2f6a10'), 'x'))"
    expect(INSIGHT_ID_NAMESPACE).toBe('0f3c9c77-5d05-5a3f-9a54-8d7f1e2f6a10');
    expect(uuidFromName('x')).toBe('1a651cfd-635d-5d8d-8f83-c33c2859ee83');
    expect(uuidFromName('123456789012|us-east-1|c|iam.amazonaws.com|CreateUser|spike|28000000|shared')).toBe('b602a783-e2c6-538f-8d20-aa9a173e1d44');
  });
});

describe('Function: insightIds', () => {
  const identity = { account: '111111111111', region: 'eu-west-1', seriesId: 'c|iam.amazonaws.com|CreateUser', kind: 'spike' as const, startMinute: 29_000_000 };

  it('derives the same version-5 UUIDs for the same insight, every time', () => {
    const first = insightIds(identity);
    expect(insightIds({ ...identity })).toEqual(first);
    for (const id of Object.values(first)) expect(id).toMatch(UUID);
    expect(new Set(Object.values(first)).size).toBe(3);
  });

  it.each([
    ['account', { account: '222222222222' }],
    ['region', { region: 'eu-west-2' }],
    ['series', { seriesId: 'c|iam.amazonaws.com|DeleteUser' }],
    ['kind', { kind: 'drop' as const }],
    ['start minute', { startMinute: 29_000_001 }],
  ])('changes every id when the %s changes', (_name, change) => {
    const other = insightIds({ ...identity, ...change });
    const first = insightIds(identity);
    expect(other.sharedEventID).not.toBe(first.sharedEventID);
    expect(other.startEventID).not.toBe(first.startEventID);
  });
});
