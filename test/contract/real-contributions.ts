import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributions, Contribution, SeriesCounts, ValueCount } from '../../lib/aggregate/types.js';
import { callRateId, errorRateId } from '../../lib/series/series.js';
import { minuteOf, type Minute } from '../../lib/time/minute.js';

/**
 * Builds contributions from real CloudTrail files the way the aggregator counts them, so
 * store tests and the size figures in docs/dynamodb-layout.md run on realistic series ids,
 * ARNs and user agents. Deliberately independent of lib/aggregate: the store's tests must
 * not change when the aggregator's policies do.
 */
/** The repository's copy of the Invictus Stratus run (MIT; see its README and LICENSE). */
export const STRATUS_RUN = fileURLToPath(new URL('../fixtures/datasets/invictus-stratus-run/', import.meta.url));

interface TrailRecord {
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  recipientAccountId?: string;
  readOnly?: boolean;
  managementEvent?: boolean;
  eventCategory?: string;
  errorCode?: string;
  userAgent?: string;
  userIdentity?: { type?: string; arn?: string; invokedBy?: string };
}

/** Assumed-role ARNs are attributed per role, as AWS reports them (no session name). */
function identityOf(record: TrailRecord): string {
  const arn = record.userIdentity?.arn;
  if (arn === undefined) return record.userIdentity?.invokedBy ?? 'null';
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\//.exec(arn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}` : arn;
}

type Tally = Map<string, number>;
interface MinuteTally {
  count: number;
  arn: Tally;
  agent: Tally;
  code: Tally;
}

const bump = (tally: Tally, value: string): void => {
  tally.set(value, (tally.get(value) ?? 0) + 1);
};
const sorted = (tally: Tally): ValueCount[] =>
  [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

export function readRecords(file: string): TrailRecord[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { Records: TrailRecord[] }).Records;
}

export function stratusFiles(): string[] {
  return readdirSync(STRATUS_RUN)
    .filter((name) => name.includes('_CloudTrail_') && name.endsWith('.json'))
    .sort()
    .map((name) => join(STRATUS_RUN, name));
}

/** One contribution per account-region found in `records`, series sorted by id. */
export function contributionsOf(objectId: string, records: readonly TrailRecord[]): Contribution[] {
  const perAccountRegion = new Map<string, Map<string, Map<Minute, MinuteTally>>>();
  const add = (record: TrailRecord, id: string, minute: Minute, withCode: boolean): void => {
    const arKey = `${record.recipientAccountId}#${record.awsRegion}`;
    let series = perAccountRegion.get(arKey);
    if (!series) perAccountRegion.set(arKey, (series = new Map()));
    let minutes = series.get(id);
    if (!minutes) series.set(id, (minutes = new Map()));
    let tally = minutes.get(minute);
    if (!tally) minutes.set(minute, (tally = { count: 0, arn: new Map(), agent: new Map(), code: new Map() }));
    tally.count += 1;
    bump(tally.arn, identityOf(record));
    bump(tally.agent, record.userAgent ?? 'null');
    if (withCode) bump(tally.code, record.errorCode ?? 'null');
  };
  for (const record of records) {
    const minute = record.eventTime === undefined ? undefined : minuteOf(record.eventTime);
    const { eventSource, eventName } = record;
    if (minute === undefined || eventSource === undefined || eventName === undefined) continue;
    if (record.managementEvent === false || (record.eventCategory ?? 'Management') !== 'Management') continue;
    if (record.readOnly === false) add(record, callRateId(eventSource, eventName), minute, true);
    if (record.errorCode) add(record, errorRateId(eventSource, eventName, record.errorCode), minute, false);
  }
  const contributions: Contribution[] = [];
  for (const [arKey, seriesMap] of [...perAccountRegion].sort()) {
    const [account = '', region = ''] = arKey.split('#');
    const series: SeriesCounts[] = [...seriesMap]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([id, minutes]) => ({
        id,
        minutes: [...minutes]
          .sort((a, b) => a[0] - b[0])
          .map(([minute, t]) => {
            const attributions: Attributions = { userIdentityArn: sorted(t.arn), userAgent: sorted(t.agent), errorCode: sorted(t.code) };
            return { minute, count: t.count, attributions };
          }),
      }));
    contributions.push({ objectId, account, region, series });
  }
  return contributions;
}
