import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { minuteToDatePath, minuteToStamp } from '../../lib/time/minute.js';
import { MS_PER_MINUTE } from './calendar.js';
import type { CloudTrailRecord } from './record.js';
import { ALNUM, type Rng } from './rng.js';

/**
 * CloudTrail-style delivery of one account's records: per region a file about every
 * `everyMinutes` (several at busy times), named for the delivery time, holding records
 * from any time before it in no particular order, with the odd duplicate.
 */
export interface DeliveryOptions {
  outDir: string;
  account: string;
  startMs: number;
  everyMinutes: number;
  rng: Rng;
  /** zlib level: 9 where size matters (the committed sample), lower for speed. */
  gzipLevel: number;
}

export interface DeliveryStats {
  files: number;
  bytes: number;
  /** Records written, duplicates included. */
  records: number;
  duplicates: number;
  /** Largest delay from eventTime to the file's stamp, in minutes. */
  maxDelayMinutes: number;
  /** File counts per region. */
  filesByRegion: Record<string, number>;
}

// Delay model (minutes from the call to the moment CloudTrail has it ready to ship): most
// 4-14, about 1% 15-40 and 0.08% 40-120, as "within about 5 minutes on average, some
// later" reads in the user guide and as real trails show. The slot wait comes on top.
const LATE_P = 0.012;
const VERY_LATE_P = 0.0008;
// Duplicates (same eventID): rare, inside one file and across consecutive files.
const DUP_IN_FILE_P = 0.00015;
const DUP_NEXT_FILE_P = 0.0001;
// Records per file before CloudTrail starts another one in the same delivery.
const FILE_CAP_MIN = 350;
const FILE_CAP_MAX = 650;

interface RegionBuffer {
  offsetMinutes: number;
  slots: Map<number, CloudTrailRecord[]>;
  nextSlot: number;
}

export class Delivery {
  readonly stats: DeliveryStats = { files: 0, bytes: 0, records: 0, duplicates: 0, maxDelayMinutes: 0, filesByRegion: {} };
  private readonly regions = new Map<string, RegionBuffer>();
  private readonly startMinute: number;
  private readonly madeDirs = new Set<string>();

  constructor(private readonly opts: DeliveryOptions) {
    this.startMinute = Math.floor(opts.startMs / MS_PER_MINUTE);
  }

  private buffer(region: string): RegionBuffer {
    let b = this.regions.get(region);
    if (!b) {
      // Each region ships on its own phase, as real trails do.
      b = { offsetMinutes: this.opts.rng.fork(`phase/${region}`).int(1, this.opts.everyMinutes), slots: new Map(), nextSlot: 0 };
      this.regions.set(region, b);
    }
    return b;
  }

  private stampMinute(b: RegionBuffer, slot: number): number {
    return this.startMinute + b.offsetMinutes + slot * this.opts.everyMinutes;
  }

  add(record: CloudTrailRecord, region: string, eventMs: number): void {
    const { rng, everyMinutes } = this.opts;
    const b = this.buffer(region);
    const r = rng.next();
    const delayMinutes =
      r < VERY_LATE_P ? rng.uniform(40, 120) : r < VERY_LATE_P + LATE_P ? rng.uniform(15, 40) : Math.min(14, 4 + rng.exp(2.5));
    const readyMinute = (eventMs + delayMinutes * MS_PER_MINUTE) / MS_PER_MINUTE;
    // The first slot at or after the ready time; always strictly after the event's minute.
    let slot = Math.max(0, Math.ceil((readyMinute - this.startMinute - b.offsetMinutes) / everyMinutes));
    const eventMinute = Math.floor(eventMs / MS_PER_MINUTE);
    while (this.stampMinute(b, slot) <= eventMinute) slot++;
    if (slot < b.nextSlot) throw new Error(`record at ${record.eventTime} arrives after its delivery slot was flushed`);
    this.stats.maxDelayMinutes = Math.max(this.stats.maxDelayMinutes, this.stampMinute(b, slot) - eventMinute);
    this.push(b, slot, record);
    if (rng.chance(DUP_IN_FILE_P)) {
      this.push(b, slot, record);
      this.stats.duplicates++;
    }
    if (rng.chance(DUP_NEXT_FILE_P)) {
      this.push(b, slot + 1, record);
      this.stats.duplicates++;
    }
  }

  private push(b: RegionBuffer, slot: number, record: CloudTrailRecord): void {
    const list = b.slots.get(slot);
    if (list) list.push(record);
    else b.slots.set(slot, [record]);
  }

  /** Writes every delivery whose stamp is at or before `ms`; later records cannot join them. */
  flushUpTo(ms: number): void {
    const upTo = Math.floor(ms / MS_PER_MINUTE);
    for (const [region, b] of this.regions) {
      while (this.stampMinute(b, b.nextSlot) <= upTo) {
        const records = b.slots.get(b.nextSlot);
        if (records) {
          this.writeSlot(region, this.stampMinute(b, b.nextSlot), records);
          b.slots.delete(b.nextSlot);
        }
        b.nextSlot++;
      }
    }
  }

  /** Writes everything still buffered. */
  finish(): void {
    let last = 0;
    for (const b of this.regions.values()) {
      for (const slot of b.slots.keys()) last = Math.max(last, this.stampMinute(b, slot));
    }
    this.flushUpTo(last * MS_PER_MINUTE);
  }

  private writeSlot(region: string, stamp: number, records: CloudTrailRecord[]): void {
    const { rng, account, outDir } = this.opts;
    rng.shuffle(records);
    let files = Math.ceil(records.length / rng.int(FILE_CAP_MIN, FILE_CAP_MAX));
    // Now and then CloudTrail splits even a modest delivery across two files.
    if (records.length >= 30 && rng.chance(0.12)) files++;
    const cuts = [0];
    for (let i = 1; i < files; i++) cuts.push(Math.round((records.length * i) / files + rng.uniform(-0.1, 0.1) * (records.length / files)));
    cuts.push(records.length);
    const dir = join(outDir, 'AWSLogs', account, 'CloudTrail', region, minuteToDatePath(stamp));
    if (!this.madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    for (let i = 0; i < files; i++) {
      const part = records.slice(cuts[i], cuts[i + 1]);
      if (part.length === 0) continue;
      const name = `${account}_CloudTrail_${region}_${minuteToStamp(stamp)}_${rng.chars(16, ALNUM)}.json.gz`;
      const body = gzipSync(JSON.stringify({ Records: part }), { level: this.opts.gzipLevel });
      writeFileSync(join(dir, name), body);
      this.stats.files++;
      this.stats.bytes += body.length;
      this.stats.records += part.length;
      this.stats.filesByRegion[region] = (this.stats.filesByRegion[region] ?? 0) + 1;
    }
  }
}
