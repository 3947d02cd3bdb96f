/**
 * How a person reads an insight's API and its main actor, the same in the CLI table, the
 * report, `insights show` and pages.
 */
import { GROUP_EVENT_SOURCE } from '../series/series.js';
import type { InsightDetails, InsightRecord } from './record.js';

/**
 * `iam:CreateUser`, `(all) IamWriteCalls`, with the error code of an error-rate insight.
 * @example apiLabel({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' }) // 'ec2:RunInstances'
 */
export function apiLabel(details: Pick<InsightDetails, 'eventSource' | 'eventName' | 'errorCode'>): string {
  const name = details.eventSource === GROUP_EVENT_SOURCE ? `(all) ${details.eventName}` : `${details.eventSource.replace(/\.amazonaws\.com$/, '')}:${details.eventName}`;
  return details.errorCode ? `${name} ${details.errorCode}` : name;
}

/**
 * The principal that made most of the calls during the insight (else in the baseline).
 * @example topPrincipal(record) // 'arn:aws:iam::643794460082:user/tf-state-admin'
 */
export function topPrincipal(record: InsightRecord): string | undefined {
  const entry = record.insightDetails.insightContext.attributions?.find((a) => a.attribute === 'userIdentityArn');
  return entry?.insight[0]?.value ?? entry?.baseline[0]?.value;
}
