import { createHash } from 'node:crypto';

/**
 * The project's UUIDv5 namespace: a fixed UUID picked once (it carries v5's version and
 * variant bits but is not itself derived from a name). Never change it: every insight id
 * is derived from it, and consumers deduplicate on those ids across releases.
 */
export const INSIGHT_ID_NAMESPACE = '0f3c9c77-5d05-5a3f-9a54-8d7f1e2f6a10';

/** A name-based UUID, RFC 9562 version 5: SHA-1 of the namespace's 16 bytes and the name's UTF-8. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Insights ids are derived from what the insight is — series and start minute — so a
 * retried or replayed emit produces the same record, the same S3 key and the same
 * EventBridge detail.
 */
export const uuidFromName = (name: string): string => uuidV5(INSIGHT_ID_NAMESPACE, name);

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
