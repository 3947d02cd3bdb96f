/**
 * How long the table keeps what expires (DynamoDB TTL, attribute `expiresAt`), shared by
 * both adapters so the CLI's memory store forgets exactly what the deployed table would.
 * Everything else (registry, evaluate state, baselines, open insights, dirty marks) is
 * bounded by the number of account-regions and series, not by time, and never expires.
 */
export interface RetentionDays {
  /** Contributions (and their ledger) after their last minute: late data is re-rolled for 48 h. */
  contributions: number;
  /** Hour rollups after their hour: the baseline window (7 days) plus the checkpoint's day and slack. */
  rollups: number;
  /** Ended insights after their end, so readers (and a late End) still see them. */
  endedInsights: number;
  /** Quarantine records after they were written. */
  quarantine: number;
}

export const DEFAULT_RETENTION_DAYS: Readonly<RetentionDays> = Object.freeze({ contributions: 3, rollups: 9, endedInsights: 8, quarantine: 30 });

export const DAY_SECONDS = 86_400;

/**
 * Expiry in epoch seconds: `retentionDays` after the later of the data's own time and now,
 * so a file delivered or replayed late is never written already expired.
 */
export function expiresAt(dataEpochSeconds: number, nowMs: number, retentionDays: number): number {
  return Math.max(dataEpochSeconds, Math.floor(nowMs / 1000)) + retentionDays * DAY_SECONDS;
}
