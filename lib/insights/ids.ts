import { createHash } from 'node:crypto';

/** Our UUIDv5 namespace (itself a v5 UUID of "trail-insights" in the URL namespace). */
const NAMESPACE = Buffer.from('0f3c9c77-5d05-5a3f-9a54-8d7f1e2f6a10'.replaceAll('-', ''), 'hex');

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace + name). Insights ids are
 * derived from what the insight is — series and start minute — so a retried or replayed
 * emit produces the same record, the same S3 key and the same EventBridge detail.
 */
export function uuidFromName(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface InsightIdentity {
  account: string;
  region: string;
  seriesId: string;
  kind: 'spike' | 'drop';
  startMinute: number;
}

export function insightIds(identity: InsightIdentity): { sharedEventID: string; startEventID: string; endEventID: string } {
  const base = `${identity.account}|${identity.region}|${identity.seriesId}|${identity.kind}|${identity.startMinute}`;
  return {
    sharedEventID: uuidFromName(`${base}|shared`),
    startEventID: uuidFromName(`${base}|Start`),
    endEventID: uuidFromName(`${base}|End`),
  };
}
