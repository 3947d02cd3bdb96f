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
  validateContributions(objectId, contributions);

  const fitted: Array<Omit<ContributionItem, 'sk' | 'part' | 'bytes'>> = [];
  for (const contribution of contributions) {
    for (const [day, series] of splitByDay(contribution.series)) {
      const pk = Keys.contributionPk(contribution.account, contribution.region, day);
      const overhead = itemOverhead(objectId, pk);
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

/** An item's bytes besides its counts, sized with the widest minutes (10 digits) and a part number, which come later. */
function itemOverhead(objectId: string, pk: string): number {
  const { part, hashed } = objectKeyPart(objectId);
  return itemBytes(pk, Keys.contributionSk(0, part, undefined), WIDEST, WIDEST, 0, hashed ? objectId : undefined) + PART_RESERVE;
}

/**
 * Whether `planApply` would store these contributions as one item per account-region-day
 * within one transaction, decided without encoding: every group's JSON byte length (an
 * upper bound, strings counted at their worst escaping unless plainly printable ASCII)
 * plus Brotli's worst-case expansion fits its item, and the groups fit a transaction.
 * The memory store keeps counts decoded, so only an object near the limits pays for the
 * exact plan (`planApply`), which it then runs to split or refuse exactly as DynamoDB does.
 */
export function fitsWithoutSplitting(objectId: string, contributions: readonly Contribution[], maxItemBytes: number): boolean {
  let groups = 0;
  let total = 0;
  for (const contribution of contributions) {
    const days = new Map<number, number>();
    for (const series of contribution.series) {
      const seriesBytes = 20 + jsonStringBytes(series.id);
      let currentDay = Number.NaN;
      for (const cell of series.minutes) {
        const day = dayOf(cell.minute);
        if (day !== currentDay) {
          days.set(day, (days.get(day) ?? 2) + seriesBytes);
          currentDay = day;
        }
        days.set(day, days.get(day)! + minuteCountBytes(cell));
      }
    }
    for (const [day, json] of days) {
      const bytes = brotliBound(json) + itemOverhead(objectId, Keys.contributionPk(contribution.account, contribution.region, day));
      if (bytes > maxItemBytes) return false;
      groups += 1;
      total += bytes;
    }
  }
  return groups <= 1 || (groups + 1 <= TRANSACTION_MAX_ACTIONS && total + ledgerBytes(objectId) <= TRANSACTION_MAX_BYTES);
}

// Printable ASCII but `"` and `\`: JSON writes these strings as they are.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Bytes of a string in JSON: exact for plain text, else at most 6 per UTF-16 unit (`\uXXXX`). */
const jsonStringBytes = (value: string): number => (PLAIN.test(value) ? value.length : 6 * value.length) + 2;
/** 22 characters: the longest number JSON writes for a safe integer or a double. */
const NUMBER_BYTES = 24;

function minuteCountBytes(cell: MinuteCount): number {
  // {"attributions":{"errorCode":[],"userAgent":[],"userIdentityArn":[]},"count":,"minute":}, plus a comma.
  let bytes = 90 + 2 * NUMBER_BYTES;
  const { userIdentityArn, userAgent, errorCode } = cell.attributions;
  for (const list of [userIdentityArn, userAgent, errorCode]) {
    for (const [value] of list) bytes += jsonStringBytes(value) + NUMBER_BYTES + 4;
  }
  return bytes;
}

/** Brotli's output never exceeds its input by more than a few bytes per 64 KiB meta-block (RFC 7932). */
const brotliBound = (bytes: number): number => bytes + 8 * Math.ceil(bytes / 65_536) + 16;

/** Size of the ledger item `L#<objectId>` / `L` written with a multi-item object. */
export function ledgerBytes(objectId: string): number {
  const { part, hashed } = objectKeyPart(objectId);
  return stringBytes('pk', Keys.ledgerPk(part)) + stringBytes('sk', Keys.ledgerSk) + TTL_BYTES + (hashed ? stringBytes('o', objectId) : 0);
}

/** Checks the `Contribution` contract (one per account-region, series once, minutes new and ascending). */
export function validateContributions(objectId: string, contributions: readonly Contribution[]): void {
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

/** What the DynamoDB adapter hands back from storage: one item's object id and encoded counts. */
export interface StoredPart {
  objectId: string;
  d: Uint8Array;
}

/** Decodes a stored item's counts (the DynamoDB adapter's `seriesOf`). */
export const decodedSeries = (part: StoredPart): SeriesCounts[] => decode<SeriesCounts[]>(part.d);

/**
 * Stored parts of one account-region back into contributions: minutes trimmed to
 * `[from, to]`, the parts of each object merged, empty
 * series dropped. Output order is fixed (objects by id, series by id, minutes ascending)
 * so both adapters agree. `seriesOf` gives a part's counts: decoded from bytes (DynamoDB)
 * or kept as they are (memory). Minute lists wholly inside the window are passed on
 * without a copy: callers only read them.
 */
export function mergeParts<P extends { objectId: string }>(
  account: string,
  region: string,
  parts: Iterable<P>,
  from: Minute,
  to: Minute,
  seriesOf: (part: P) => readonly SeriesCounts[],
): Contribution[] {
  const objects = new Map<string, Map<SeriesId, MinuteCount[][]>>();
  for (const part of parts) {
    let series = objects.get(part.objectId);
    for (const s of seriesOf(part)) {
      const all = s.minutes;
      if (all.length === 0 || all[0]!.minute > to || all[all.length - 1]!.minute < from) continue;
      const minutes = all[0]!.minute >= from && all[all.length - 1]!.minute <= to ? all : all.filter((m) => m.minute >= from && m.minute <= to);
      if (minutes.length === 0) continue;
      if (!series) objects.set(part.objectId, (series = new Map()));
      const runs = series.get(s.id);
      if (runs) runs.push(minutes);
      else series.set(s.id, [minutes]);
    }
  }
  return byKey([...objects]).map(([objectId, series]) => ({
    objectId,
    account,
    region,
    series: byKey([...series]).map(([id, runs]) => ({ id, minutes: runs.length === 1 ? runs[0]! : runs.flat().sort((a, b) => a.minute - b.minute) })),
  }));
}

/**
 * Entries sorted by key. Stored counts come back nearly always in order already (series
 * are stored sorted, items by time), so the check spares most reads a sort.
 */
function byKey<T>(entries: Array<[string, T]>): Array<[string, T]> {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1]![0] > entries[i]![0]) return entries.sort((a, b) => compare(a[0], b[0]));
  }
  return entries;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
