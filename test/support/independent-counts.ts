/**
 * Counts computed straight from raw records, independently of lib/: what the engine's
 * counts are checked against. Deliberately written from INSIGHTS-FORMAT.md's rules
 * ("call rate: write management calls; error rate: management calls with an errorCode,
 * per API and code"), not by calling the engine's classifier.
 */
export type IndependentCounts = Map<string, number>;

const isManagement = (r: Record<string, unknown>) =>
  r.eventCategory === undefined ? r.managementEvent !== false && r.eventType !== 'AwsCloudTrailInsight' : r.eventCategory === 'Management';

/** Key: `account|region|seriesId|minute` → count, for per-API series, eventIDs de-duplicated per file. */
export function independentCounts(files: Array<Array<Record<string, unknown>>>): IndependentCounts {
  const counts: IndependentCounts = new Map();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const records of files) {
    const seen = new Set<string>();
    for (const r of records) {
      if (!isManagement(r)) continue;
      const write = r.readOnly === false;
      const error = typeof r.errorCode === 'string' && r.errorCode !== '' ? r.errorCode : undefined;
      if (!write && error === undefined) continue;
      if (typeof r.eventID === 'string') {
        if (seen.has(r.eventID)) continue;
        seen.add(r.eventID);
      }
      const minute = Math.floor(Date.parse(r.eventTime as string) / 60_000);
      const where = `${r.recipientAccountId}|${r.awsRegion}`;
      if (write) add(`${where}|c|${r.eventSource}|${r.eventName}|${minute}`);
      if (error !== undefined) add(`${where}|e|${r.eventSource}|${r.eventName}|${error}|${minute}`);
    }
  }
  return counts;
}

/** The same keys from engine contributions (group series left out: they have no raw counterpart). */
export function countsOfContributions(
  contributions: Iterable<{ account: string; region: string; series: Array<{ id: string; minutes: Array<{ minute: number; count: number }> }> }>,
): IndependentCounts {
  const counts: IndependentCounts = new Map();
  for (const contribution of contributions) {
    for (const series of contribution.series) {
      if (series.id.includes('trail-insights.group')) continue;
      for (const cell of series.minutes) {
        const key = `${contribution.account}|${contribution.region}|${series.id}|${cell.minute}`;
        counts.set(key, (counts.get(key) ?? 0) + cell.count);
      }
    }
  }
  return counts;
}
