import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, METRICS_NAMESPACE, RESERVED_METRICS } from '../../../lib/metrics/metrics.js';
import { readCfnYaml } from '../../slow/deploy/support/cfn-yaml.js';
import { REPO_ROOT } from '../../slow/deploy/support/package.js';

/** The alarms and the dashboard name metrics the functions really emit (lib/metrics/metrics.ts). */
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (file: string) => readCfnYaml<{ Resources: Record<string, Resource> }>(path.join(REPO_ROOT, 'infra', file)).Resources;
const SERVICE = '${self:service}-${sls:stage}';

const ownAlarms = () => Object.values(resources('alarms.yml')).filter((alarm) => alarm.Properties.Namespace === METRICS_NAMESPACE);

/** The dashboard's widgets, its `!Sub` placeholders filled with recognisable values. */
function dashboardWidgets(): Array<{ properties: { metrics: unknown[][] } }> {
  const dashboard = resources('dashboard.yml').OperationsDashboard!;
  const [body, variables] = dashboard.Properties.DashboardBody['Fn::Sub'] as [string, Record<string, unknown>];
  const filled = body.replace(/\$\{([\w:]+)\}/g, (_, name: string) => (name === 'Service' ? String(variables.Service) : `<${name}>`));
  return (JSON.parse(filled) as { widgets: Array<{ properties: { metrics: unknown[][] } }> }).widgets;
}

describe('Telemetry in infra/ (alarms.yml, dashboard.yml)', () => {
  it('alarms on quarantined files and on ingest lag, for this stage only', () => {
    const alarms = ownAlarms();

    expect(alarms.map((alarm) => alarm.Properties.MetricName).sort()).toEqual(['FilesQuarantined', 'IngestLag']);
    for (const alarm of alarms) expect(alarm.Properties.Dimensions).toEqual([{ Name: 'service', Value: SERVICE }]);
  });

  it('charts every metric the functions emit, and nothing else of its own', () => {
    const own = dashboardWidgets()
      .flatMap((widget) => widget.properties.metrics)
      .filter((metric) => metric[0] === METRICS_NAMESPACE);

    expect(new Set(own.map((metric) => metric[1]))).toEqual(new Set(Object.keys(METRICS)));
    for (const metric of own) expect(metric.slice(2, 4)).toEqual(['service', SERVICE]);
  });

  it('keeps the names reserved for backfill and fan-out apart from the emitted ones', () => {
    expect(Object.keys(RESERVED_METRICS).filter((name) => name in METRICS)).toEqual([]);
  });
});
