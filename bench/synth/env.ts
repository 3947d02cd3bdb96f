import { attributionArn, IdentityFactory } from './identity.js';
import type { Delivery } from './delivery.js';
import { buildRecord, type Call, type CloudTrailRecord } from './record.js';
import type { Rng } from './rng.js';
import { isManagementError, isManagementWrite, seriesKey, seriesOf, type SeriesRef } from './series-of.js';
import type { RecordCounts } from './labels.js';

/**
 * Everything a behaviour needs to write one account's trail: its identity, the record
 * builder, delivery, stop windows, and the ledger that turns tagged records into labels.
 */
export interface AccountInfo {
  id: string;
  name: string;
  character: string;
  tzHours: number;
  /** Regions with background activity; the first is the account's home region. */
  regions: string[];
}

/** A background activity or an incident: writes its calls for [from, to). */
export interface Behaviour {
  readonly name: string;
  generate(env: AccountEnv, from: number, to: number): void;
}

/** What one tag (an incident or a labelled decoy) put in the trail. */
export class TagLedger {
  records = 0;
  firstMs = Infinity;
  lastMs = -Infinity;
  readonly byEventName = new Map<string, number>();
  readonly series = new Map<string, SeriesRef>();
  readonly principals = new Set<string>();
  readonly userAgents = new Set<string>();
  /** Job-stop only: scheduled runs that did not happen. */
  missingRecords = 0;

  note(record: CloudTrailRecord, ms: number, principal: string): void {
    this.records++;
    this.firstMs = Math.min(this.firstMs, ms);
    this.lastMs = Math.max(this.lastMs, ms);
    this.byEventName.set(record.eventName, (this.byEventName.get(record.eventName) ?? 0) + 1);
    for (const s of seriesOf(record)) this.series.set(seriesKey(s), s);
    this.principals.add(principal);
    this.userAgents.add(record.userAgent);
  }

  noteMissing(ms: number, calls: number, principal: string): void {
    this.missingRecords += calls;
    this.principals.add(principal);
    this.firstMs = Math.min(this.firstMs, ms);
    this.lastMs = Math.max(this.lastMs, ms);
  }
}

export interface StopWindow {
  fromMs: number;
  toMs: number;
  tag: string;
}

export class AccountEnv {
  readonly identities: IdentityFactory;
  readonly ledgers = new Map<string, TagLedger>();
  /** Record counts by kind (`incident` is filled from the ledgers by the generator). */
  readonly counts: RecordCounts = { total: 0, managementWrite: 0, managementRead: 0, data: 0, errors: 0, incident: 0 };
  /** Earliest time a behaviour may still write: delivery slots before it are gone. */
  windowStart = 0;
  private readonly recordRng: Rng;

  constructor(
    readonly info: AccountInfo,
    readonly rng: Rng,
    private readonly delivery: Delivery,
    readonly startMs: number,
    readonly endMs: number,
    private readonly stops: ReadonlyMap<string, StopWindow[]> = new Map(),
  ) {
    this.identities = new IdentityFactory(info.id, rng.fork('identities'));
    this.recordRng = rng.fork('records');
  }

  get account(): string {
    return this.info.id;
  }

  get home(): string {
    return this.info.regions[0] ?? 'us-east-1';
  }

  ledger(tag: string): TagLedger {
    let l = this.ledgers.get(tag);
    if (!l) {
      l = new TagLedger();
      this.ledgers.set(tag, l);
    }
    return l;
  }

  /** The stop window of a job covering `ms`, if the job is stopped then. */
  stoppedAt(jobId: string, ms: number): StopWindow | undefined {
    return this.stops.get(jobId)?.find((w) => ms >= w.fromMs && ms < w.toMs);
  }

  /**
   * Records one call. Calls after the end of the dataset are dropped (the trail simply
   * ends); `tag` marks incident and decoy records for the labels, never in the record.
   */
  emit(call: Call, tag?: string): CloudTrailRecord | undefined {
    if (call.t >= this.endMs) return undefined;
    if (call.t < this.windowStart) {
      throw new Error(`${call.api} at ${new Date(call.t).toISOString()} is before the generation window`);
    }
    const { record, region } = buildRecord(call, { account: this.info.id, rng: this.recordRng, identities: this.identities });
    this.delivery.add(record, region, call.t);
    const c = this.counts;
    c.total++;
    if (record.eventCategory === 'Data') c.data++;
    else if (isManagementWrite(record)) c.managementWrite++;
    else c.managementRead++;
    if (isManagementError(record)) c.errors++;
    if (tag !== undefined) this.ledger(tag).note(record, call.t, attributionArn(call.actor, this.info.id));
    return record;
  }
}
