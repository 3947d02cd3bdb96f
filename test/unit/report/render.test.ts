import { beforeAll, describe, expect, it } from 'vitest';
import { trailInsights, type TrailInsights } from '../../../bench/report/sample-insights.js';
import type { InsightRecord } from '../../../lib/insights/record.js';
import { insightViews } from '../../../lib/report/insight-view.js';
import { overviewSvg } from '../../../lib/report/overview.js';
import { renderReport } from '../../../lib/report/render.js';
import { datasetPath, insightExamples } from '../../support/datasets.js';

const GENERATED_AT = new Date('2026-01-01T00:00:00Z');
let invictus: TrailInsights;

beforeAll(async () => {
  invictus = await trailInsights([datasetPath('invictus-stratus-run')]);
}, 60_000);

const sectionIds = (html: string) => [...html.matchAll(/<section class="insight [a-z]+" id="insight-([^"]+)" data-insight-id="([^"]+)"/g)].map((m) => m[2]);

describe('Function: renderReport', () => {
  it('has one section per insight, marked with its sharedEventID', () => {
    const html = renderReport(invictus.records, invictus.contexts, { generatedAt: GENERATED_AT });
    const ids = [...new Set(invictus.records.map((record) => record.sharedEventID))];

    expect(invictus.contexts.length).toBeGreaterThan(0);
    expect(sectionIds(html).sort()).toEqual(ids.sort());
    expect(html.match(/<rect class="bar /g)).toHaveLength(ids.length);
  });

  it('is self-contained: the library inlined, nothing loaded from elsewhere', () => {
    const html = renderReport(invictus.records, invictus.contexts, { generatedAt: GENERATED_AT });

    expect(html).toMatch(/uPlot/);
    // Links only to its own sections; user agents in the text may hold URLs, which load nothing.
    expect(html).not.toMatch(/\s(src|href)="(?!#)|@import|url\(\s*['"]?https?:/);
  });

  it('is byte-identical for the same input and time', () => {
    const first = renderReport(invictus.records, invictus.contexts, { generatedAt: GENERATED_AT });

    expect(renderReport([...invictus.records].reverse(), invictus.contexts, { generatedAt: GENERATED_AT })).toBe(first);
  });

  it('shows open insights as open, with the reason from their context', () => {
    const html = renderReport(invictus.records, invictus.contexts, { generatedAt: GENERATED_AT });
    const views = insightViews(invictus.records, invictus.contexts);
    const open = views.filter((view) => view.end === undefined);

    expect(open.length).toBeGreaterThan(0);
    for (const view of open) {
      const section = html.slice(html.indexOf(`data-insight-id="${view.id}"`));
      expect(section.slice(0, section.indexOf('</section>'))).toMatch(/<dt>End<\/dt><dd><span class="open">open<\/span>/);
    }
    expect(views.filter((view) => view.reasonFull !== undefined).length).toBe(invictus.contexts.length);
  });

  it('counts total events from the context, and estimates them from averages without one', () => {
    const [withContext] = insightViews(invictus.records, invictus.contexts).filter((view) => view.totalCounted);
    const aws = insightViews(insightExamples('error-rate-2024.json') as unknown as InsightRecord[], []);

    expect(withContext!.totalEvents).toBe(invictus.contexts.find((c) => c.sharedEventID === withContext!.id)!.totalEvents);
    // AWS's example: 6.0 events per minute over a 1-minute insight.
    expect(aws).toMatchObject([{ totalEvents: 6, totalCounted: false, end: aws[0]!.start + 1 }]);
  });

  it('escapes what the records carry, so a user agent cannot end the page script', () => {
    const [record] = insightExamples('error-rate-2024.json') as unknown as InsightRecord[];
    const hostile = structuredClone(record!);
    hostile.insightDetails.insightContext.attributions![0]!.insight[0]!.value = '</script><img src=x onerror=alert(1)>';
    hostile.insightDetails.eventName = '<b>Describe</b>';

    const html = renderReport([hostile], [], { generatedAt: GENERATED_AT });

    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('cloudtrail:&lt;b&gt;Describe&lt;/b&gt;');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('says there are no insights when there are none', () => {
    const html = renderReport([], [], { generatedAt: GENERATED_AT });

    expect(sectionIds(html)).toEqual([]);
    expect(html).toContain('<p class="empty">No insights.</p>');
    expect(html).toContain('0 insights (0 open)');
  });
});

describe('Function: overviewSvg', () => {
  it('keeps a dozen time ticks at most, however far apart the insights are', () => {
    // AWS's published examples span 2019 to 2024.
    const records = [...insightExamples('records.json'), ...insightExamples('error-rate-2024.json')] as unknown as InsightRecord[];
    const svg = overviewSvg(insightViews(records, []));

    expect(svg.match(/<text class="tick"/g)!.length).toBeLessThanOrEqual(13);
    expect(svg.match(/<rect class="bar /g)).toHaveLength(5);
  });
});
