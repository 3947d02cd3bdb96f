/**
 * Output of `trail-insights insights`: CSV rows of records and the `show` view of one
 * insight. The table reuses the replay table (`format.ts`), so both read alike.
 */
import { contextReason, type InsightContext } from '../insights/context.js';
import { formatAmount, reasonFull } from '../insights/reason-text.js';
import { apiLabel, topPrincipal } from '../insights/labels.js';
import type { InsightRecord } from '../insights/record.js';
import type { ContextLookup } from '../history/read-insights.js';

export const CSV_COLUMNS = [
  'eventID',
  'sharedEventID',
  'state',
  'eventTime',
  'recipientAccountId',
  'awsRegion',
  'insightType',
  'eventSource',
  'eventName',
  'errorCode',
  'baselineAverage',
  'insightAverage',
  'insightDuration',
  'baselineDuration',
  'topPrincipal',
] as const;

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
const csvField = (value: string | number | undefined): string => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One header line, then one line per record (CRLF, as RFC 4180 and spreadsheets expect). */
export function formatCsv(records: readonly InsightRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of records) {
    const details = record.insightDetails;
    const { statistics } = details.insightContext;
    lines.push(
      [
        record.eventID,
        record.sharedEventID,
        details.state,
        record.eventTime,
        record.recipientAccountId,
        record.awsRegion,
        details.insightType,
        details.eventSource,
        details.eventName,
        details.errorCode,
        statistics.baseline.average,
        statistics.insight.average,
        statistics.insightDuration,
        statistics.baselineDuration,
        topPrincipal(record),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

const when = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function contextLines(lookup: ContextLookup): string[] {
  if ('missing' in lookup) return ['why      (no context sidecar: an AWS insight, or written without one)'];
  if ('problem' in lookup) return [`why      (context sidecar ${lookup.key} unusable: ${lookup.problem})`];
  const context: InsightContext = lookup.context;
  return [`why      ${reasonFull(contextReason(context))}`, `events   ${context.totalEvents} in the insight`];
}

/** What `insights show` prints: a summary a person reads, then the records as written. */
export function formatShow(start: InsightRecord | undefined, end: InsightRecord | undefined, lookup: ContextLookup): string {
  const first = (start ?? end)!;
  const details = first.insightDetails;
  const { statistics } = (end ?? first).insightDetails.insightContext;
  const startTime = start?.eventTime ?? new Date(Date.parse(end!.eventTime) - statistics.insightDuration * 60_000).toISOString().replace('.000Z', 'Z');
  const principal = topPrincipal(end ?? first);
  const lines = [
    `insight  ${first.sharedEventID}`,
    `what     ${apiLabel(details)}  ${details.insightType}`,
    `where    ${first.recipientAccountId} ${first.awsRegion}`,
    `start    ${when(startTime)}`,
    `end      ${end ? `${when(end.eventTime)} (${statistics.insightDuration} min)` : 'open'}`,
    `rate     ${formatAmount(statistics.insight.average)}/min against a baseline of ${formatAmount(statistics.baseline.average)}/min`,
    ...(principal ? [`who      ${principal}`] : []),
    ...contextLines(lookup),
    '',
  ];
  for (const record of [start, end]) {
    if (record) lines.push(`${record.insightDetails.state} record:`, JSON.stringify(record, null, 2), '');
  }
  return lines.join('\n');
}
