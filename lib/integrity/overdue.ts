import { integrityAlert, type IntegrityAlert } from './alert.js';
import type { IntegrityDeps } from './digest-arrival.js';

/**
 * CloudTrail delivers a digest every hour for each trail, account and region while logging
 * and validation are on, even an hour without log files. 90 minutes after the last digest's
 * end, one hour plus half an hour for a late delivery, the next one is overdue.
 */
export const OVERDUE_AFTER_MS = 90 * 60_000;

/**
 * The scheduled check for digests that never came: every chain whose newest digest ended
 * more than `OVERDUE_AFTER_MS` ago gets one alert per stall (marked on its item once
 * published). When digests resume, a linked one clears the stall
 * silently; one that starts a new chain is reported as a gap.
 *
 * @example
 * ```ts
 * const alerts = await findOverdueDigests(deps); // run every 15 minutes
 * ```
 */
export async function findOverdueDigests(deps: Pick<IntegrityDeps, 'chains' | 'alerts' | 'log' | 'now'>): Promise<IntegrityAlert[]> {
  const now = deps.now();
  const alerts: IntegrityAlert[] = [];
  for (const state of await deps.chains.list()) {
    if (now - state.lastEndTime <= OVERDUE_AFTER_MS || state.overdueAlertedFor === state.lastEndTime) continue;
    const lastEnd = new Date(state.lastEndTime).toISOString();
    const alert = integrityAlert(
      { account: state.account, region: state.region, trail: state.trail, digest: { bucket: state.bucket, key: state.lastKey, endTime: lastEnd } },
      [
        {
          kind: 'digest-overdue',
          bucket: state.bucket,
          key: state.lastKey,
          reason: `no digest after this one, which ended ${lastEnd}: the next was due by ${new Date(state.lastEndTime + 3_600_000).toISOString()} (logging stopped, validation turned off, or the digest deleted)`,
        },
      ],
    );
    deps.log.warn('integrity alert', { alertId: alert.alertId, summary: alert.summary });
    await deps.alerts.publish(alert);
    // Marked after publishing: a failed publish is tried again by the next run. Runs that
    // overlap publish the same alertId, which consumers deduplicate on.
    await deps.chains.claimOverdue(state.chain, state.lastEndTime);
    alerts.push(alert);
  }
  return alerts;
}
