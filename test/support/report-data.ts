import type { InsightContext } from '../../lib/insights/context.js';
import { uuidFromName } from '../../lib/insights/ids.js';
import type { InsightRecord } from '../../lib/insights/record.js';

/**
 * Many insights from a few real ones: each copy moves every insight to another account
 * (and new ids), keeping its records' figures and its context's counts. A report of
 * hundreds of insights without generating weeks of trail.
 */
export function replicateInsights(records: readonly InsightRecord[], contexts: readonly InsightContext[], copies: number) {
  const outRecords: InsightRecord[] = [];
  const outContexts: InsightContext[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const account = String(100_000_000_000 + copy * 7919).padStart(12, '0');
    const shared = (id: string) => uuidFromName(`${id}|copy ${copy}`);
    for (const record of records) {
      outRecords.push({ ...record, recipientAccountId: account, eventID: uuidFromName(`${record.eventID}|copy ${copy}`), sharedEventID: shared(record.sharedEventID) });
    }
    for (const context of contexts) outContexts.push({ ...context, account, sharedEventID: shared(context.sharedEventID) });
  }
  return { records: outRecords, contexts: outContexts };
}
