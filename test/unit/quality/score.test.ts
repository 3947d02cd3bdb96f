import { describe, expect, it } from 'vitest';
import { formatReport, readJsonLines, score, type Emission } from '../../../bench/quality/score.js';
import type { LabelledIncident, Labels } from '../../../bench/synth/labels.js';
import type { InsightRecord } from '../../../lib/insights/record.js';

const A = '111111111111';
const B = '222222222222';

function incident(over: Partial<LabelledIncident> & Pick<LabelledIncident, 'id'>): LabelledIncident {
  return {
    kind: 'iam-burst',
    size: 'large',
    account: A,
    region: 'us-east-1',
    start: '2024-03-01T03:00:00Z',
    end: '2024-03-01T03:10:00Z',
    description: '',
    expect: [],
    injected: { records: 1, byEventName: {}, principals: [], userAgents: [] },
    ...over,
  };
}

/** Two accounts with three active regions in all, ten days, warm-up to day 7: 9 region-days scored. */
const labels: Labels = {
  generator: { name: 'trail-insights-synth', version: 1, seed: 1, profile: 'full', days: 10, deliveryEveryMinutes: 5, recommendedLatenessMinutes: 20 },
  start: '2024-02-22T00:00:00.000Z',
  end: '2024-03-03T00:00:00.000Z',
  warmupEnd: '2024-02-29T00:00:00.000Z',
  accounts: [
    { id: A, name: 'prod', character: '', tzHours: 0, regions: ['us-east-1', 'eu-west-1'] },
    { id: B, name: 'dev', character: '', tzHours: 0, regions: ['eu-west-1'] },
  ],
  incidents: [
    incident({
      id: 'I01',
      expect: [
        { insightType: 'ApiCallRateInsight', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
        { insightType: 'ApiCallRateInsight', eventSource: 'trail-insights.group', eventName: 'IamWriteCalls' },
      ],
    }),
    incident({
      id: 'I02',
      kind: 'access-denied-storm',
      account: B,
      region: 'eu-west-1',
      start: '2024-03-01T22:00:00Z',
      end: '2024-03-01T22:20:00Z',
      expect: [
        { insightType: 'ApiErrorRateInsight', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeVolumes', errorCode: 'Client.UnauthorizedOperation' },
        { insightType: 'ApiErrorRateInsight', eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', errorCode: 'AccessDenied', region: 'us-east-1' },
      ],
    }),
    incident({
      id: 'I03',
      kind: 'job-stop',
      size: 'medium',
      region: 'eu-west-1',
      start: '2024-03-02T18:00:00Z',
      end: '2024-03-02T23:55:00Z',
      expect: [{ insightType: 'ApiCallRateInsight', eventSource: 'ssm.amazonaws.com', eventName: 'PutParameter' }],
    }),
  ],
  normal: [
    {
      id: 'N01',
      kind: 'weekly-release',
      policy: 'quiet',
      account: A,
      region: 'us-east-1',
      start: '2024-03-01T16:00:00Z',
      end: '2024-03-01T17:00:00Z',
      description: '',
      expect: [{ insightType: 'ApiCallRateInsight', eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode20150331v2' }],
    },
    {
      id: 'N02',
      kind: 'monthly-batch',
      policy: 'either',
      account: A,
      region: 'us-east-1',
      start: '2024-03-01T03:30:00Z',
      end: '2024-03-01T05:00:00Z',
      description: '',
      expect: [{ insightType: 'ApiCallRateInsight', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' }],
    },
  ],
  stats: { files: 0, bytes: 0, duplicates: 0, maxDelayMinutes: 0, records: { total: 0, managementWrite: 0, managementRead: 0, data: 0, errors: 0, incident: 0 } },
};

let ids = 0;
function insight(o: {
  time: string;
  source: string;
  name: string;
  account?: string;
  region?: string;
  errorCode?: string;
  state?: 'Start' | 'End';
  id?: string;
}): InsightRecord {
  ids++;
  return {
    eventVersion: '1.09',
    eventTime: o.time,
    awsRegion: o.region ?? 'us-east-1',
    eventID: o.id ?? `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: o.account ?? A,
    sharedEventID: `00000000-0000-4000-9000-${String(ids).padStart(12, '0')}`,
    insightDetails: {
      state: o.state ?? 'Start',
      eventSource: o.source,
      eventName: o.name,
      insightType: o.errorCode ? 'ApiErrorRateInsight' : 'ApiCallRateInsight',
      ...(o.errorCode ? { errorCode: o.errorCode } : {}),
      sourceEventCategory: 'Management',
      insightContext: { statistics: { baseline: { average: 0 }, insight: { average: 1 }, insightDuration: 1, baselineDuration: 10080 } },
    },
    eventCategory: 'Insight',
  };
}

const createUser = (time: string, over: Partial<Parameters<typeof insight>[0]> = {}): InsightRecord =>
  insight({ time, source: 'iam.amazonaws.com', name: 'CreateUser', ...over });

interface Case {
  name: string;
  insights: InsightRecord[];
  detected: string[];
  truePositives: number;
  falsePositives: number;
}

const cases: Case[] = [
  { name: 'exact hit on the incident series', insights: [createUser('2024-03-01T03:02:00Z')], detected: ['I01'], truePositives: 1, falsePositives: 0 },
  { name: 'wrong region', insights: [createUser('2024-03-01T03:02:00Z', { region: 'eu-west-1' })], detected: [], truePositives: 0, falsePositives: 1 },
  { name: 'wrong account', insights: [createUser('2024-03-01T03:02:00Z', { account: B })], detected: [], truePositives: 0, falsePositives: 1 },
  { name: 'wrong API', insights: [createUser('2024-03-01T03:02:00Z', { name: 'CreateRole' })], detected: [], truePositives: 0, falsePositives: 1 },
  { name: 'group series hit', insights: [insight({ time: '2024-03-01T03:05:00Z', source: 'trail-insights.group', name: 'IamWriteCalls' })], detected: ['I01'], truePositives: 1, falsePositives: 0 },
  { name: 'first minute of the tolerance before the start', insights: [createUser('2024-03-01T02:45:00Z')], detected: ['I01'], truePositives: 1, falsePositives: 0 },
  { name: 'one minute before the tolerance', insights: [createUser('2024-03-01T02:44:00Z')], detected: [], truePositives: 0, falsePositives: 1 },
  { name: 'last minute of the tolerance after the end', insights: [createUser('2024-03-01T03:20:00Z')], detected: ['I01'], truePositives: 1, falsePositives: 0 },
  { name: 'one minute after the tolerance', insights: [createUser('2024-03-01T03:21:00Z')], detected: [], truePositives: 0, falsePositives: 1 },
  {
    name: 'error series needs its error code',
    insights: [insight({ time: '2024-03-01T22:05:00Z', account: B, region: 'eu-west-1', source: 'ec2.amazonaws.com', name: 'DescribeVolumes', errorCode: 'Client.RequestLimitExceeded' })],
    detected: [],
    truePositives: 0,
    falsePositives: 1,
  },
  {
    name: 'error series with its error code',
    insights: [insight({ time: '2024-03-01T22:05:00Z', account: B, region: 'eu-west-1', source: 'ec2.amazonaws.com', name: 'DescribeVolumes', errorCode: 'Client.UnauthorizedOperation' })],
    detected: ['I02'],
    truePositives: 1,
    falsePositives: 0,
  },
  {
    name: 'global service filed in us-east-1 for an incident in eu-west-1',
    insights: [insight({ time: '2024-03-01T22:05:00Z', account: B, region: 'us-east-1', source: 'iam.amazonaws.com', name: 'ListUsers', errorCode: 'AccessDenied' })],
    detected: ['I02'],
    truePositives: 1,
    falsePositives: 0,
  },
  {
    name: 'the same global series in the incident region does not match',
    insights: [insight({ time: '2024-03-01T22:05:00Z', account: B, region: 'eu-west-1', source: 'iam.amazonaws.com', name: 'ListUsers', errorCode: 'AccessDenied' })],
    detected: [],
    truePositives: 0,
    falsePositives: 1,
  },
  {
    name: 'a stopped job detected at its first missing minute',
    insights: [insight({ time: '2024-03-02T18:00:00Z', region: 'eu-west-1', source: 'ssm.amazonaws.com', name: 'PutParameter' })],
    detected: ['I03'],
    truePositives: 1,
    falsePositives: 0,
  },
  {
    name: 'several Starts for one incident are all true',
    insights: [createUser('2024-03-01T03:01:00Z'), insight({ time: '2024-03-01T03:02:00Z', source: 'trail-insights.group', name: 'IamWriteCalls' }), createUser('2024-03-01T03:09:00Z')],
    detected: ['I01'],
    truePositives: 3,
    falsePositives: 0,
  },
  {
    name: 'a record emitted twice counts once',
    insights: [createUser('2024-03-01T03:02:00Z', { id: 'aaaaaaaa-0000-4000-8000-000000000001' }), createUser('2024-03-01T03:02:00Z', { id: 'aaaaaaaa-0000-4000-8000-000000000001' })],
    detected: ['I01'],
    truePositives: 1,
    falsePositives: 0,
  },
  { name: 'End records are not scored', insights: [createUser('2024-03-01T12:00:00Z', { state: 'End' })], detected: [], truePositives: 0, falsePositives: 0 },
  { name: 'Starts before warm-up are not scored', insights: [createUser('2024-02-28T23:59:00Z', { name: 'CreateRole' })], detected: [], truePositives: 0, falsePositives: 0 },
  {
    name: "a Start on an 'either' decoy is neither true nor false",
    insights: [insight({ time: '2024-03-01T04:00:00Z', source: 'ec2.amazonaws.com', name: 'RunInstances' })],
    detected: [],
    truePositives: 0,
    falsePositives: 0,
  },
];

describe('Function: score', () => {
  it.each(cases)('$name', ({ insights, detected, truePositives, falsePositives }) => {
    // Act
    const r = score(labels, insights);
    // Assess
    expect(r.incidents.filter((i) => i.detected).map((i) => i.id)).toEqual(detected);
    expect(r.truePositives).toBe(truePositives);
    expect(r.falsePositives).toBe(falsePositives);
    expect(r.recall).toBeCloseTo(detected.length / 3);
  });

  it('counts precision over matching and false Starts, leaving either-decoy hits out', () => {
    // Prepare
    const insights = [
      createUser('2024-03-01T03:02:00Z'),
      insight({ time: '2024-03-01T04:00:00Z', source: 'ec2.amazonaws.com', name: 'RunInstances' }),
      createUser('2024-03-02T10:00:00Z', { name: 'DeleteRole' }),
    ];
    // Act
    const r = score(labels, insights);
    // Assess
    expect(r.precision).toBe(0.5);
    expect(r.decoyEitherHits).toBe(1);
    expect(r.decoyHits[0]?.decoy).toBe('N02');
  });

  it('names the quiet decoy a false insight fell on', () => {
    // Act
    const r = score(labels, [insight({ time: '2024-03-01T16:30:00Z', source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2' })]);
    // Assess
    expect(r.falsePositives).toBe(1);
    expect(r.falseInsights[0]?.decoy).toBe('N01');
  });

  it('divides false insights by active account-regions times days after warm-up', () => {
    // Prepare: 6 false Starts; 3 account-regions x 3 days = 9 region-days.
    const insights = Array.from({ length: 6 }, (_, i) => createUser(`2024-03-0${1 + (i % 2)}T1${i}:00:00Z`, { name: 'DeleteUser' }));
    // Act
    const r = score(labels, insights);
    // Assess
    expect(r.activeAccountRegions).toBe(3);
    expect(r.daysAfterWarmup).toBe(3);
    expect(r.falsePerAccountRegionDay).toBeCloseTo(6 / 9);
    expect(r.targets.met.falsePerAccountRegionDay).toBe(false);
  });

  it('reports recall per kind and the missed incidents', () => {
    // Act
    const r = score(labels, [createUser('2024-03-01T03:02:00Z')]);
    // Assess
    expect(r.perKind['iam-burst']).toEqual({ incidents: 1, detected: 1, recall: 1 });
    expect(r.perKind['job-stop']).toEqual({ incidents: 1, detected: 0, recall: 0 });
    expect(r.missed.map((i) => i.id)).toEqual(['I02', 'I03']);
  });

  it('has no precision without Starts', () => {
    const r = score(labels, []);
    expect(r.precision).toBeNull();
    expect(r.recall).toBe(0);
  });

  it('measures delay from the earliest matching Start time without emissions', () => {
    // Act
    const r = score(labels, [
      createUser('2024-03-01T03:04:00Z'),
      createUser('2024-03-01T03:07:00Z'),
      insight({ time: '2024-03-02T18:00:00Z', region: 'eu-west-1', source: 'ssm.amazonaws.com', name: 'PutParameter' }),
    ]);
    // Assess
    expect(r.delay.source).toBe('eventTime');
    expect(r.incidents.find((i) => i.id === 'I01')?.delayMinutes).toBe(4);
    expect(r.incidents.find((i) => i.id === 'I03')?.delayMinutes).toBe(0);
    expect(r.delay.medianMinutes).toBe(2);
    expect(r.delay.maxMinutes).toBe(4);
  });

  it('measures delay from emission times when given', () => {
    // Prepare
    const a = createUser('2024-03-01T03:00:00Z', { id: 'e1000000-0000-4000-8000-000000000001' });
    const b = createUser('2024-03-01T03:01:00Z', { id: 'e1000000-0000-4000-8000-000000000002' });
    const c = insight({ time: '2024-03-02T18:00:00Z', region: 'eu-west-1', source: 'ssm.amazonaws.com', name: 'PutParameter', id: 'e1000000-0000-4000-8000-000000000003' });
    const emissions: Emission[] = [
      { eventID: a.eventID, emittedAt: '2024-03-01T03:09:30Z' },
      { eventID: b.eventID, emittedAt: '2024-03-01T03:06:00Z' },
      { eventID: c.eventID, emittedAt: '2024-03-02T18:25:00Z' },
    ];
    // Act
    const r = score(labels, [a, b, c], emissions);
    // Assess: the earliest emission per incident.
    expect(r.delay.source).toBe('emissions');
    expect(r.incidents.find((i) => i.id === 'I01')?.delayMinutes).toBe(6);
    expect(r.incidents.find((i) => i.id === 'I03')?.delayMinutes).toBe(25);
    expect(r.delay.medianMinutes).toBe(15.5);
    expect(r.delay.maxMinutes).toBe(25);
  });

  it('widens or narrows the window with the tolerance options', () => {
    const early = [createUser('2024-03-01T02:50:00Z')];
    expect(score(labels, early).recall).toBeCloseTo(1 / 3);
    expect(score(labels, early, undefined, { beforeMinutes: 5 }).recall).toBe(0);
  });
});

describe('Function: readJsonLines', () => {
  it('reads one record per line, skips blank lines and unwraps Records bodies', () => {
    // Prepare
    const one = createUser('2024-03-01T03:02:00Z');
    const two = createUser('2024-03-01T03:03:00Z');
    const text = `${JSON.stringify(one)}\n\n${JSON.stringify({ Records: [two] })}\n`;
    // Act
    const read = readJsonLines<InsightRecord>(text);
    // Assess
    expect(read.map((r) => r.eventID)).toEqual([one.eventID, two.eventID]);
  });

  it('names the line that is not JSON', () => {
    expect(() => readJsonLines('{}\nnot json')).toThrow(/line 2/);
  });
});

describe('Function: formatReport', () => {
  it('prints the headline metrics, the missed incidents and the false insights', () => {
    // Act
    const text = formatReport(score(labels, [createUser('2024-03-01T03:02:00Z'), createUser('2024-03-02T09:00:00Z', { name: 'DeleteUser' })]), labels);
    // Assess
    expect(text).toMatch(/recall\s+0\.333/);
    expect(text).toMatch(/precision\s+0\.500/);
    expect(text).toContain('missed (2):');
    expect(text).toContain('false insights (1):');
    expect(text).toContain('2024-03-02T09:00 prod us-east-1 call iam.amazonaws.com DeleteUser');
  });
});
