/**
 * What the stack publishes when a trail's integrity fails: one EventBridge event per
 * digest validated (or per overdue digest), with every finding, so one tampering pages
 * once, not once per file.
 */
import { createHash } from 'node:crypto';

/** Our own detail-type: distinct from Insights' "AWS Insight via CloudTrail", so rules and pages tell them apart. */
export const INTEGRITY_ALERT_DETAIL_TYPE = 'CloudTrail Log Integrity Alert';

export type FindingKind =
  /** A listed log file's bytes are not the ones CloudTrail hashed. */
  | 'log-file-modified'
  /** A listed log file is gone. */
  | 'log-file-deleted'
  /** A log file delivered in the digest's hour that the digest does not list: not written by CloudTrail. */
  | 'log-file-unlisted'
  /** A digest that fails its signature, format, location or link to the next digest. */
  | 'digest-invalid'
  /** A digest the chain links to (or that was announced) is gone. */
  | 'digest-missing'
  /** No digest arrived for a chain within the hour and its slack: logging stopped, validation was turned off, or the digest was deleted on arrival. */
  | 'digest-overdue'
  /** The chain started again (no previous digest) after digests were seen: logging or validation was off in between. */
  | 'chain-gap';

/**
 * Whether the engine's counts include the file: `counted` (its counts are in the table),
 * `quarantined` (read but refused), `not-counted` (no counts stored: never ingested,
 * nothing countable in it, or past the contribution retention).
 */
export type EngineCount = 'counted' | 'quarantined' | 'not-counted';

export interface Finding {
  kind: FindingKind;
  bucket: string;
  key: string;
  reason: string;
  /** For log files. */
  engine?: EngineCount;
}

export interface IntegrityAlert {
  /** Deterministic: the same findings on the same digest give the same id (dedupe on it). */
  alertId: string;
  summary: string;
  account: string;
  region: string;
  trail: string;
  /** The digest whose validation found this (for `digest-overdue`, the last one that arrived). */
  digest: { bucket: string; key: string; startTime?: string; endTime?: string };
  findings: Finding[];
  /** Findings left out to keep the event under EventBridge's 256 KB. */
  findingsOmitted: number;
}

/** Findings per event: ~500 bytes each keeps an alert far below PutEvents' 256 KB. */
export const MAX_FINDINGS = 200;

const KIND_WORDS: Record<FindingKind, string> = {
  'log-file-modified': 'log file(s) modified',
  'log-file-deleted': 'log file(s) deleted',
  'log-file-unlisted': 'log file(s) in no digest',
  'digest-invalid': 'digest(s) invalid',
  'digest-missing': 'digest(s) missing',
  'digest-overdue': 'digest(s) overdue',
  'chain-gap': 'gap(s) in the digest chain',
};

/**
 * @example
 * ```ts
 * integrityAlert({ account, region, trail, digest: { bucket, key } }, [{ kind: 'log-file-deleted', bucket, key: logKey, reason: 'not found', engine: 'counted' }]);
 * // { summary: 'CloudTrail log integrity: 1 log file(s) deleted (1 counted by the engine) in 111122223333 us-east-1 trail management', ... }
 * ```
 */
export function integrityAlert(context: Omit<IntegrityAlert, 'alertId' | 'summary' | 'findings' | 'findingsOmitted'>, unordered: readonly Finding[]): IntegrityAlert {
  // One order whatever order the checks finished in: the same alert reads the same.
  const order = Object.keys(KIND_WORDS);
  const findings = [...unordered].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.bucket + a.key < b.bucket + b.key ? -1 : a.bucket + a.key > b.bucket + b.key ? 1 : 0));
  const counts = new Map<FindingKind, number>();
  for (const finding of findings) counts.set(finding.kind, (counts.get(finding.kind) ?? 0) + 1);
  const counted = findings.filter((f) => f.engine === 'counted').length;
  const what = [...counts].map(([kind, n]) => `${n} ${KIND_WORDS[kind]}`).join(', ');
  const summary = `CloudTrail log integrity: ${what}${counted > 0 ? ` (${counted} counted by the engine)` : ''} in ${context.account} ${context.region} trail ${context.trail}`;
  const identity = JSON.stringify([context.digest.bucket, context.digest.key, findings.map((f) => [f.kind, f.bucket, f.key])]);
  const hash = createHash('sha256').update(identity).digest('hex');
  const alertId = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
  return { alertId, summary, ...context, findings: findings.slice(0, MAX_FINDINGS), findingsOmitted: Math.max(0, findings.length - MAX_FINDINGS) };
}

/** Where alerts go: EventBridge in the stack. */
export interface AlertPublisher {
  publish(alert: IntegrityAlert): Promise<void>;
}
