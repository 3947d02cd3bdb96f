/**
 * AWS's key order for Insights records (INSIGHTS-FORMAT.md), checked on parsed JSON:
 * returns the paths whose keys are not in that order (empty when the record is right).
 */
export function keyOrderViolations(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const expect = (path: string, value: unknown, keys: string[]) => {
    const actual = Object.keys(value as object);
    if (JSON.stringify(actual) !== JSON.stringify(keys)) problems.push(`${path}: ${actual.join(',')}`);
  };
  const details = record.insightDetails as Record<string, unknown>;
  const context = details.insightContext as Record<string, unknown>;
  expect('$', record, ['eventVersion', 'eventTime', 'awsRegion', 'eventID', 'eventType', 'recipientAccountId', 'sharedEventID', 'insightDetails', 'eventCategory']);
  const detailKeys = ['state', 'eventSource', 'eventName', 'insightType', 'errorCode', 'sourceEventCategory', 'insightContext'];
  expect('$.insightDetails', details, detailKeys.filter((key) => key !== 'errorCode' || 'errorCode' in details));
  expect('$.insightContext', context, 'attributions' in context ? ['statistics', 'attributions'] : ['statistics']);
  expect('$.statistics', context.statistics, ['baseline', 'insight', 'insightDuration', 'baselineDuration']);
  for (const [i, entry] of ((context.attributions ?? []) as Array<Record<string, unknown>>).entries()) {
    expect(`$.attributions[${i}]`, entry, ['attribute', 'insight', 'baseline']);
    for (const value of [...(entry.insight as object[]), ...(entry.baseline as object[])]) expect(`$.attributions[${i}].value`, value, ['value', 'average']);
  }
  return problems;
}
