import type { Contribution, MinuteCount, SeriesCounts } from '../aggregate/types.js';
import type { SeriesId } from '../series/series.js';
import { dayOf, type Minute } from '../time/minute.js';
import { decode, encode } from './codec.js';
import { ContributionTooLargeError, InvalidContributionError } from './errors.js';
import { Keys, objectKeyPart } from './keys.js';

/**
 * How a log object's contributions become stored items, and how items become
 * contributions again. Shared by both adapters so the memory store splits, limits and
 * merges exactly as DynamoDB does (docs/dynamodb-layout.md, "Contributions").
 */

/** DynamoDB's item limit is 400 KB; the margin absorbs attribute-size rounding. */
export const DEFAULT_MAX_ITEM_BYTES = 350 * 1024;
/** TransactWriteItems limits: 100 actions and 4 MB of items (decimal MB, to be safe). */
const TRANSACTION_MAX_ACTIONS = 100;
export const TRANSACTION_MAX_BYTES = 4_000_000;

/** One stored item: the counts of one object, one account-region-day, some series. */
export interface ContributionItem {
  objectId: string;
  account: string;
  region: string;
  day: number;
  pk: string;
  sk: string;
  /** Present when the object needed more than one item. */
  part?: number;
  /** Set when the object id was too long to sit in the sort key (see `objectKeyPart`). */
  fullObjectId?: string;
  min: Minute;
  max: Minute;
  /** `encode(SeriesCounts[])`. */
  d: Uint8Array;
  /** Item size by DynamoDB's rules, TTL attribute included. */
  bytes: number;
}

export interface ApplyPlan {
  /** `none`: nothing to write; `single`: one conditional Put; `transaction`: ledger + parts. */
  mode: 'none' | 'single' | 'transaction';
  items: ContributionItem[];
}

/** DynamoDB's size of a string attribute: name plus UTF-8 bytes. */
const stringBytes = (name: string, value: string): number => name.length + Buffer.byteLength(value, 'utf8');
/** A number is stored as 1 byte per 2 significant digits plus 1. */
const numberBytes = (name: string, value: number): number =>
  name.length + Math.ceil(String(Math.abs(Math.trunc(value))).length / 2) + 1;
/** `expiresAt` is epoch seconds: 10 digits until 2286. */
const TTL_BYTES = numberBytes('expiresAt', 9_999_999_999);
const WIDEST = 9_999_999_999;
/** Sizing happens before parts are numbered; this covers `#<part>` and `p` up to 9,999 parts. */
const PART_RESERVE = '#9999'.length + numberBytes('p', 9999);

function itemBytes(pk: string, sk: string, min: Minute, max: Minute, d: number, fullObjectId?: string): number {
  return (
    stringBytes('pk', pk) +
    stringBytes('sk', sk) +
    numberBytes('min', min) +
    numberBytes('max', max) +
    'd'.length +
    d +
    TTL_BYTES +
    (fullObjectId === undefined ? 0 : stringBytes('o', fullObjectId))
  );
}

/**
 * Splits `contributions` into items of at most `maxItemBytes`: one per account-region-day
 * when it fits (always, for real files: their counts encode to a few KB), else into as
 * many runs of series as the encoded size asks for and, for a single series too big, into
 * runs of minutes; a run still too big splits again. Each level re-encodes its input
 * once, and there are one or two levels in practice.
 */
export function planApply(objectId: string, contributions: readonly Contribution[], maxItemBytes: number): ApplyPlan {
  const { part: objectPart, hashed } = objectKeyPart(objectId);
  const fullObjectId = hashed ? objectId : undefined;
  validate(objectId, contributions);

  const fitted: Array<Omit<ContributionItem, 'sk' | 'part' | 'bytes'>> = [];
  for (const contribution of contributions) {
    for (const [day, series] of splitByDay(contribution.series)) {
      const pk = Keys.contributionPk(contribution.account, contribution.region, day);
      // Sized with the widest minutes (10 digits) and a part number, which come later.
      const overhead = itemBytes(pk, Keys.contributionSk(0, objectPart, undefined), WIDEST, WIDEST, 0, fullObjectId) + PART_RESERVE;
      for (const group of fit(objectId, series, maxItemBytes - overhead)) {
        fitted.push({ objectId, account: contribution.account, region: contribution.region, day, pk, ...group, ...(fullObjectId === undefined ? {} : { fullObjectId }) });
      }
    }
  }
  const multi = fitted.length > 1;
  const items = fitted.map((item, i): ContributionItem => {
    const part = multi ? i : undefined;
    const sk = Keys.contributionSk(item.max, objectPart, part);
    const bytes = itemBytes(item.pk, sk, item.min, item.max, item.d.byteLength, fullObjectId) + (part === undefined ? 0 : numberBytes('p', part));
    return { ...item, sk, ...(part === undefined ? {} : { part }), bytes };
  });
  if (items.length === 0) return { mode: 'none', items };
  if (items.length === 1) return { mode: 'single', items };
  // The ledger item is one more action and a few hundred bytes more.
  if (items.length + 1 > TRANSACTION_MAX_ACTIONS) {
    throw new ContributionTooLargeError(objectId, `${items.length} items of at most ${maxItemBytes} bytes; a transaction holds ${TRANSACTION_MAX_ACTIONS - 1} plus the ledger`);
  }
  const total = items.reduce((sum, item) => sum + item.bytes, 0) + ledgerBytes(objectId);
  if (total > TRANSACTION_MAX_BYTES) {
    throw new ContributionTooLargeError(objectId, `${total} bytes in ${items.length} items; a transaction holds ${TRANSACTION_MAX_BYTES}`);
  }
  return { mode: 'transaction', items };
}

/** Size of the ledger item `L#<objectId>` / `L` written with a multi-item object. */
export function ledgerBytes(objectId: string): number {
  const { part, hashed } = objectKeyPart(objectId);
  return stringBytes('pk', Keys.ledgerPk(part)) + stringBytes('sk', Keys.ledgerSk) + TTL_BYTES + (hashed ? stringBytes('o', objectId) : 0);
}

function validate(objectId: string, contributions: readonly Contribution[]): void {
  const scopes = new Set<string>();
  for (const c of contributions) {
    if (c.objectId !== objectId) throw new InvalidContributionError(objectId, `holds a contribution of ${c.objectId}`);
    const scope = `${c.account}#${c.region}`;
    // Two contributions to one account-region would be stored as one and read back merged.
    if (scopes.has(scope)) throw new InvalidContributionError(objectId, `two contributions to ${c.account}/${c.region}`);
    scopes.add(scope);
    const ids = new Set<SeriesId>();
    for (const s of c.series) {
      if (ids.has(s.id)) throw new InvalidContributionError(objectId, `series ${s.id} twice in ${c.account}/${c.region}`);
      ids.add(s.id);
      let previous = -Infinity;
      for (const m of s.minutes) {
        if (!Number.isSafeInteger(m.minute) || m.minute < 0 || m.minute <= previous) {
          throw new InvalidContributionError(objectId, `series ${s.id}: minute ${m.minute} is not a new ascending epoch minute`);
        }
        previous = m.minute;
      }
    }
  }
}

/** Series split per UTC day of their minutes, days ascending, empty series dropped. */
function splitByDay(series: readonly SeriesCounts[]): Map<number, SeriesCounts[]> {
  const days = new Map<number, SeriesCounts[]>();
  for (const s of series) {
    let current: SeriesCounts | undefined;
    let currentDay = NaN;
    for (const m of s.minutes) {
      const day = dayOf(m.minute);
      if (day !== currentDay) {
        current = { id: s.id, minutes: [] };
        currentDay = day;
        let list = days.get(day);
        if (!list) days.set(day, (list = []));
        list.push(current);
      }
      current?.minutes.push(m);
    }
  }
  return new Map([...days].sort((a, b) => a[0] - b[0]));
}

interface Group {
  min: Minute;
  max: Minute;
  d: Uint8Array;
}

function fit(objectId: string, series: SeriesCounts[], budget: number): Group[] {
  const d = encode(series);
  if (d.byteLength <= budget) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of series) {
      min = Math.min(min, s.minutes[0]?.minute ?? Infinity);
      max = Math.max(max, s.minutes[s.minutes.length - 1]?.minute ?? -Infinity);
    }
    return [{ min, max, d }];
  }
  // As many pieces as the size says (at least two); a piece still too big splits again.
  const pieces = Math.max(2, Math.ceil(d.byteLength / budget));
  if (series.length > 1) {
    return chunk(series, pieces).flatMap((group) => fit(objectId, group, budget));
  }
  const only = series[0];
  if (only && only.minutes.length > 1) {
    return chunk(only.minutes, pieces).flatMap((minutes) => fit(objectId, [{ id: only.id, minutes }], budget));
  }
  throw new ContributionTooLargeError(objectId, `one minute of ${only?.id} encodes to ${d.byteLength} bytes, over the ${budget}-byte budget of an item`);
}

/** `list` cut into at most `pieces` runs of near-equal length, in order. */
function chunk<T>(list: readonly T[], pieces: number): T[][] {
  const size = Math.ceil(list.length / Math.min(pieces, list.length));
  const runs: T[][] = [];
  for (let i = 0; i < list.length; i += size) runs.push(list.slice(i, i + size));
  return runs;
}

/** What an adapter hands back from storage: one item's object id and counts. */
export interface StoredPart {
  objectId: string;
  d: Uint8Array;
}

/**
 * Stored parts of one account-region back into contributions: minutes trimmed to
 * `[from, to]`, the parts of each object merged, empty series dropped. Output order is
 * fixed (objects by id, series by id, minutes ascending) so both adapters agree.
 */
export function mergeParts(
  account: string,
  region: string,
  parts: Iterable<StoredPart>,
  from: Minute,
  to: Minute,
  decodeSeries: (bytes: Uint8Array) => readonly SeriesCounts[] = decode<SeriesCounts[]>,
): Contribution[] {
  const objects = new Map<string, Map<SeriesId, MinuteCount[]>>();
  for (const { objectId, d } of parts) {
    let series = objects.get(objectId);
    for (const s of decodeSeries(d)) {
      const minutes = s.minutes.filter((m) => m.minute >= from && m.minute <= to);
      if (minutes.length === 0) continue;
      if (!series) objects.set(objectId, (series = new Map()));
      const list = series.get(s.id);
      if (list) list.push(...minutes);
      else series.set(s.id, minutes);
    }
  }
  return [...objects]
    .sort((a, b) => compare(a[0], b[0]))
    .map(([objectId, series]) => ({
      objectId,
      account,
      region,
      series: [...series]
        .sort((a, b) => compare(a[0], b[0]))
        .map(([id, minutes]) => ({ id, minutes: minutes.sort((a, b) => a.minute - b.minute) })),
    }));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
