import type { InsightRecord } from '../insights/record.js';
import { GROUP_EVENT_SOURCE } from '../series/series.js';

/** One AWS Insights record per line: exactly what a SIEM would ingest, nothing else. */
export function formatJsonLines(records: readonly InsightRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

interface Row {
  start: InsightRecord;
  end?: InsightRecord;
}

function pairs(records: readonly InsightRecord[]): Row[] {
  const rows = new Map<string, Row>();
  for (const record of records) {
    const row = rows.get(record.sharedEventID);
    if (record.insightDetails.state === 'Start') rows.set(record.sharedEventID, { ...row, start: record });
    else if (row) row.end = record;
    else rows.set(record.sharedEventID, { start: record, end: record });
  }
  return [...rows.values()];
}

const rate = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value === 0 ? '0' : value.toPrecision(2));

function api(record: InsightRecord): string {
  const { eventSource, eventName, errorCode } = record.insightDetails;
  const name = eventSource === GROUP_EVENT_SOURCE ? `(all) ${eventName}` : `${eventSource.replace('.amazonaws.com', '')}:${eventName}`;
  return errorCode ? `${name} ${errorCode}` : name;
}

function topPrincipal(record: InsightRecord): string {
  const entry = record.insightDetails.insightContext.attributions?.find((a) => a.attribute === 'userIdentityArn');
  return entry?.insight[0]?.value ?? entry?.baseline[0]?.value ?? '-';
}

/**
 * A readable summary, one line per insight: when, where, what, how unusual (baseline
 * vs observed events per minute), for how long, and who made most of the calls.
 */
export function formatTable(records: readonly InsightRecord[]): string {
  const rows = pairs(records);
  if (rows.length === 0) return 'No insights.\n';
  const header = ['START (UTC)', 'ACCOUNT', 'REGION', 'TYPE', 'API', 'BASELINE/MIN', 'OBSERVED/MIN', 'MINUTES', 'TOP PRINCIPAL'];
  const lines = rows.map(({ start, end }) => {
    const latest = end ?? start;
    const { statistics } = latest.insightDetails.insightContext;
    const drop = statistics.insight.average < statistics.baseline.average;
    const type = `${start.insightDetails.insightType === 'ApiCallRateInsight' ? 'call rate' : 'error rate'} ${drop ? '▼' : '▲'}`;
    return [
      start.eventTime.slice(0, 16).replace('T', ' '),
      start.recipientAccountId,
      start.awsRegion,
      type,
      api(start),
      rate(statistics.baseline.average),
      rate(statistics.insight.average),
      end ? String(end.insightDetails.insightContext.statistics.insightDuration) : 'open',
      topPrincipal(latest),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [render(header), ...lines.map(render)].join('\n') + '\n';
}
