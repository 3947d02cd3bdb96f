import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { Attributions, Contribution, SeriesCounts } from '../../lib/aggregate/types.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import type { InsightState } from '../../lib/store/store.js';
import { minuteToIso, type Minute } from '../../lib/time/minute.js';

/**
 * Builders and generators for the store contract. Every test names its own accounts and
 * objects with a random salt, so the suite may share one table (DynamoDB) or not (memory).
 */

export const salt = (): string => randomBytes(5).toString('hex');
/** A fresh 12-digit account id. */
export const newAccount = (): string => String(100_000_000_000 + (randomBytes(5).readUIntBE(0, 5) % 800_000_000_000));
export const newObjectId = (label = 'obj'): string =>
  `trail-bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2023/07/10/${label}_${salt()}.json.gz`;

/** 2023-07-10T00:00Z, the day of the real Stratus run. */
export const DAY0: Minute = Date.UTC(2023, 6, 10) / 60_000;

export const attributions = (arn: string, agent = 'aws-cli/2.13.0', errorCode: string | null = 'null'): Attributions => ({
  userIdentityArn: [[arn, 1]],
  userAgent: [[agent, 1]],
  errorCode: errorCode === null ? [] : [[errorCode, 1]],
});

/** A contribution from `{ seriesId: [[minute, count], ...] }`, minutes sorted for the caller. */
export function contribution(
  objectId: string,
  account: string,
  region: string,
  series: Record<string, Array<[Minute, number]>>,
): Contribution {
  return {
    objectId,
    account,
    region,
    series: Object.entries(series).map(([id, minutes]) => ({
      id,
      minutes: [...minutes]
        .sort((a, b) => a[0] - b[0])
        .map(([minute, count]) => ({ minute, count, attributions: attributions(`arn:aws:iam::${account}:user/u${count}`) })),
    })),
  };
}

/** Minutes of `contribution` inside `[from, to]`, empty series and empty result dropped. */
export function trim(c: Contribution, from: Minute, to: Minute): Contribution | undefined {
  const series = c.series
    .map((s): SeriesCounts => ({ id: s.id, minutes: s.minutes.filter((m) => m.minute >= from && m.minute <= to) }))
    .filter((s) => s.minutes.length > 0);
  return series.length === 0 ? undefined : { ...c, series };
}

/** Order-free form for comparisons: objects by id, series by id. */
export function normalize(contributions: readonly Contribution[]): Contribution[] {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...contributions]
    .map((c) => ({ ...c, series: [...c.series].sort(byId).map((s) => ({ id: s.id, minutes: [...s.minutes].sort((a, b) => a.minute - b.minute) })) }))
    .sort((a, b) => (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : a.account < b.account ? -1 : 1));
}

/** Total count per `series@minute`, to check sums without caring how items were split. */
export function totals(contributions: readonly Contribution[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const c of contributions) {
    for (const s of c.series) for (const m of s.minutes) sums.set(`${s.id}@${m.minute}`, (sums.get(`${s.id}@${m.minute}`) ?? 0) + m.count);
  }
  return sums;
}

const SERIES_IDS = ['c|ec2.amazonaws.com|RunInstances', 'c|iam.amazonaws.com|CreateUser', 'e|ssm.amazonaws.com|GetParameter|ThrottlingException', 'c|s3.amazonaws.com|PutBucketPolicy'];
const ARNS = ['arn:aws:iam::123456789012:user/alice', 'arn:aws:sts::123456789012:assumed-role/Admin', 'arn:aws:iam::123456789012:root'];
const AGENTS = ['aws-cli/2.13.0 Python/3.11.4', 'Boto3/1.28.0', 'console.amazonaws.com', 'stratus-red-team_0b1c'];

const valueCounts = (values: readonly string[]) =>
  fc
    .uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length })
    .chain((picked) => fc.tuple(...picked.map((value) => fc.integer({ min: 1, max: 40 }).map((n): [string, number] => [value, n]))))
    .map((list) => [...list].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));

const seriesCounts = (id: string, start: Minute, span: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: span }), { minLength: 1, maxLength: 12 }).chain((offsets) =>
    fc.tuple(
      ...[...offsets]
        .sort((a, b) => a - b)
        .map((offset) =>
          fc.record({
            minute: fc.constant(start + offset),
            count: fc.integer({ min: 1, max: 500 }),
            attributions: fc.record(
              {
                userIdentityArn: valueCounts(ARNS),
                userAgent: valueCounts(AGENTS),
                errorCode: id.startsWith('e|') ? fc.constant<Array<[string, number]>>([]) : valueCounts(['null', 'AccessDenied']),
              },
              // Plain objects, as the aggregator makes and JSON gives back.
              { noNullPrototype: true },
            ),
          }, { noNullPrototype: true }),
        ),
    ).map((minutes): SeriesCounts => ({ id, minutes })),
  );

/** Minutes the generated objects fall in: from an hour before DAY0 ends, over three days. */
export const ARBITRARY_RANGE = { from: DAY0 - 60, to: DAY0 - 60 + 3 * 1440 } as const;

/** What one log object adds: per account-region (an index into the test's scopes), its series. */
export type GeneratedObject = Array<[scope: number, series: SeriesCounts[]]>;

/**
 * What one log object adds, in one or (less often) two of `scopeCount` account-regions:
 * mostly a real file's shape (minutes within half an hour, one item), sometimes counts
 * spread over days (several items), and either may straddle midnight. Scopes are indices
 * so the test can bind them to fresh accounts on every run and shrinking stays plain.
 */
export const objectArbitrary = (scopeCount: number): fc.Arbitrary<GeneratedObject> =>
  fc
    .record({
      scopes: fc.oneof(
        { weight: 4, arbitrary: fc.uniqueArray(fc.nat({ max: scopeCount - 1 }), { minLength: 1, maxLength: 1 }) },
        { weight: 1, arbitrary: fc.uniqueArray(fc.nat({ max: scopeCount - 1 }), { minLength: 2, maxLength: 2 }) },
      ),
      ids: fc.uniqueArray(fc.constantFrom(...SERIES_IDS), { minLength: 1, maxLength: SERIES_IDS.length }),
      span: fc.oneof({ weight: 3, arbitrary: fc.constant(30) }, { weight: 1, arbitrary: fc.constant(2 * 1440) }),
      start: fc.integer({ min: ARBITRARY_RANGE.from, max: ARBITRARY_RANGE.to - 2 * 1440 }),
    })
    .chain(({ scopes, ids, span, start }) =>
      fc.tuple(...scopes.map((scope) => fc.tuple(fc.constant(scope), fc.tuple(...ids.map((id) => seriesCounts(id, start, span)))))),
    );

/** Binds a generated object to its id and to the test's account-regions. */
export const toContributions = (
  objectId: string,
  generated: GeneratedObject,
  scopes: ReadonlyArray<readonly [account: string, region: string]>,
): Contribution[] =>
  generated.map(([scope, series]) => {
    const [account, region] = scopes[scope] ?? ['', ''];
    return { objectId, account, region, series };
  });

/**
 * A window edge: anywhere in the generated range, or snapped to a counted minute of the
 * objects (or a minute either side), where trimming goes wrong if it does.
 */
export const edgeArbitrary = fc.record({
  minute: fc.integer({ min: ARBITRARY_RANGE.from - 10, max: ARBITRARY_RANGE.to }),
  snap: fc.option(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 1 })), { freq: 2 }),
});

export function edgeMinute(edge: { minute: Minute; snap: [number, number] | null }, objects: readonly GeneratedObject[]): Minute {
  if (!edge.snap) return edge.minute;
  const minutes = objects.flatMap((o) => o.flatMap(([, series]) => series.flatMap((s) => s.minutes.map((m) => m.minute))));
  const [index, delta] = edge.snap;
  return (minutes[index % minutes.length] ?? edge.minute) + delta;
}

/** Where two contribution lists first differ, in a line; `undefined` when they are equal. */
export function firstDifference(expected: readonly Contribution[], actual: readonly Contribution[]): string | undefined {
  if (isDeepStrictEqual(expected, actual)) return undefined;
  const [want, got] = [totals(expected), totals(actual)];
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    if (want.get(key) !== got.get(key)) return `count at ${key}: expected ${want.get(key)}, got ${got.get(key)}`;
  }
  const ids = (list: readonly Contribution[]) => list.map((c) => `${c.objectId}@${c.account}/${c.region}`).join(', ');
  if (ids(expected) !== ids(actual)) return `objects: expected [${ids(expected)}], got [${ids(actual)}]`;
  return 'same counts, different attributions or series layout';
}

/** An AWS-shaped Insights record of RunInstances, as an insight state carries. */
export const insightRecord = (account: string, state: 'Start' | 'End', minute: Minute): InsightRecord => ({
  eventVersion: '1.09',
  eventTime: minuteToIso(minute),
  awsRegion: 'us-east-1',
  eventID: `00000000-0000-4000-8000-${String(minute).padStart(12, '0')}`,
  eventType: 'AwsCloudTrailInsight',
  recipientAccountId: account,
  sharedEventID: '11111111-1111-4111-8111-111111111111',
  insightDetails: {
    state,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    insightType: 'ApiCallRateInsight',
    sourceEventCategory: 'Management',
    insightContext: { statistics: { baseline: { average: 0.0123456789 }, insight: { average: 42 }, insightDuration: 3, baselineDuration: 10_800 } },
  },
  eventCategory: 'Insight',
});

/** What the engine passes to `openInsight` for a RunInstances spike. */
export const opening = (account: string, seriesId = 'c|ec2.amazonaws.com|RunInstances', minute = DAY0 + 720): Omit<InsightState, 'version'> => ({
  account,
  region: 'us-east-1',
  seriesId,
  kind: 'spike',
  status: 'open',
  startMinute: minute,
  start: insightRecord(account, 'Start', minute),
  startPublished: false,
  endPublished: false,
  location: { bucket: 'trail-bucket', prefix: '' },
});
