import type { LogLocation } from '../cloudtrail/location.js';
import type { InsightRecord } from '../insights/record.js';

/** An Insights record and the trail whose bucket layout its file belongs in. */
export interface PublishedInsight {
  record: InsightRecord;
  location: LogLocation;
}

/**
 * The engine's publishing port: EventBridge and the trail bucket in Lambda, a directory
 * or memory for the CLI and tests.
 *
 * `publish` either delivers every record or throws. The engine then lets the triggering
 * message be retried; records carry deterministic eventIDs, so a retried record is the
 * same record (same S3 key, same `detail.eventID`), and adapters need no state of their own.
 */
export interface Publisher {
  publish(insights: readonly PublishedInsight[]): Promise<void>;
}
