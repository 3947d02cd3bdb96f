import { classifyRecord } from '../cloudtrail/classify.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { callRateId, errorRateId, type SeriesId } from '../series/series.js';
import type { Minute } from '../time/minute.js';
import { IAM_WRITES_ID, PROVISIONING_ID, allApisErrorId, isIamWrite, isProvisioningCall } from './groups.js';
import { compileSuppressions, type SuppressibleEvent } from './suppressions.js';
import { TopK } from './top-k.js';
import type { Contribution, FileStats, SeriesCounts } from './types.js';

export type AggregationConfig = Pick<DetectorConfig, 'groups' | 'insightTypes' | 'suppressions' | 'attributionLimit'>;

export interface AggregatorOptions {
  objectId: string;
  /** The account and region of the file's key, for records that lack their own. */
  account: string;
  region: string;
  config: AggregationConfig;
}

/** One series-minute being counted: the count plus bounded attribution counters. */
class Cell {
  count = 0;
  readonly principals: TopK;
  readonly userAgents: TopK;
  readonly errorCodes: TopK | undefined;

  constructor(limit: number, withErrorCodes: boolean) {
    this.principals = new TopK(limit);
    this.userAgents = new TopK(limit);
    this.errorCodes = withErrorCodes ? new TopK(limit) : undefined;
  }
}

type SeriesCells = Map<SeriesId, Map<Minute, Cell>>;

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Counts one log file into per-series, per-minute cells. Memory grows with the distinct
 * series-minutes of the file (bounded attributions each) and the eventIDs of counted
 * records (for in-file de-duplication), never with the bytes read.
 */
export class FileAggregator {
  private readonly byAccountRegion = new Map<string, { account: string; region: string; cells: SeriesCells }>();
  private readonly seenEventIds = new Set<string>();
  private readonly suppressed: ((event: SuppressibleEvent) => boolean) | undefined;
  private readonly callRate: boolean;
  private readonly errorRate: boolean;
  readonly stats: FileStats = { records: 0, counted: 0, writes: 0, errors: 0, duplicates: 0, ignored: {}, malformed: {} };

  constructor(private readonly options: AggregatorOptions) {
    this.suppressed = compileSuppressions(options.config.suppressions);
    this.callRate = options.config.insightTypes.includes('ApiCallRateInsight');
    this.errorRate = options.config.insightTypes.includes('ApiErrorRateInsight');
  }

  add(record: Record<string, unknown>): void {
    this.stats.records += 1;
    const event = classifyRecord(record);
    if (event.kind === 'ignored') {
      bump(this.stats.ignored, event.reason);
      return;
    }
    if (event.kind === 'malformed') {
      bump(this.stats.malformed, event.reason);
      return;
    }
    const countsCall = this.callRate && event.write;
    const countsError = this.errorRate && event.errorCode !== undefined;
    if (!countsCall && !countsError) {
      bump(this.stats.ignored, 'insight-type-disabled');
      return;
    }
    if (this.suppressed?.(event)) {
      bump(this.stats.ignored, 'suppressed');
      return;
    }
    if (event.eventID !== undefined) {
      if (this.seenEventIds.has(event.eventID)) {
        this.stats.duplicates += 1;
        return;
      }
      this.seenEventIds.add(event.eventID);
    }

    const account = event.account !== undefined && ACCOUNT_ID.test(event.account) ? event.account : this.options.account;
    const region = event.region || this.options.region;
    const cells = this.cellsOf(account, region);
    const { groups } = this.options.config;
    this.stats.counted += 1;

    if (countsCall) {
      this.stats.writes += 1;
      const code = event.errorCode ?? 'null';
      this.count(cells, callRateId(event.eventSource, event.eventName), event.minute, event.principal, event.userAgent, code);
      if (groups.iamWrites && isIamWrite(event.eventSource)) {
        this.count(cells, IAM_WRITES_ID, event.minute, event.principal, event.userAgent, code);
      }
      if (groups.provisioning && isProvisioningCall(event.eventSource, event.eventName)) {
        this.count(cells, PROVISIONING_ID, event.minute, event.principal, event.userAgent, code);
      }
    }
    if (countsError) {
      this.stats.errors += 1;
      const code = event.errorCode!;
      this.count(cells, errorRateId(event.eventSource, event.eventName, code), event.minute, event.principal, event.userAgent);
      if (groups.errorsByCode) this.count(cells, allApisErrorId(code), event.minute, event.principal, event.userAgent);
    }
  }

  /** The file's contributions, one per account-region, in a deterministic order. */
  contributions(): Contribution[] {
    const result: Contribution[] = [];
    const keys = [...this.byAccountRegion.keys()].sort();
    for (const key of keys) {
      const { account, region, cells } = this.byAccountRegion.get(key)!;
      const series: SeriesCounts[] = [];
      for (const id of [...cells.keys()].sort()) {
        const minutes = [...cells.get(id)!].sort((a, b) => a[0] - b[0]);
        series.push({
          id,
          minutes: minutes.map(([minute, cell]) => ({
            minute,
            count: cell.count,
            attributions: {
              userIdentityArn: cell.principals.entries(),
              userAgent: cell.userAgents.entries(),
              errorCode: cell.errorCodes?.entries() ?? [],
            },
          })),
        });
      }
      result.push({ objectId: this.options.objectId, account, region, series });
    }
    return result;
  }

  private cellsOf(account: string, region: string): SeriesCells {
    const key = `${account}|${region}`;
    let entry = this.byAccountRegion.get(key);
    if (entry === undefined) {
      entry = { account, region, cells: new Map() };
      this.byAccountRegion.set(key, entry);
    }
    return entry.cells;
  }

  private count(cells: SeriesCells, id: SeriesId, minute: Minute, principal: string, userAgent: string, errorCode?: string): void {
    let minutes = cells.get(id);
    if (minutes === undefined) {
      minutes = new Map();
      cells.set(id, minutes);
    }
    let cell = minutes.get(minute);
    if (cell === undefined) {
      cell = new Cell(this.options.config.attributionLimit, errorCode !== undefined);
      minutes.set(minute, cell);
    }
    cell.count += 1;
    cell.principals.add(principal);
    cell.userAgents.add(userAgent);
    if (errorCode !== undefined) cell.errorCodes?.add(errorCode);
  }
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}
