import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trailInsights, type TrailInsights } from '../../bench/report/sample-insights.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { renderReport } from '../../lib/report/render.js';
import { launchChromium, watchedPage, type Browser } from '../support/chromium.js';
import { insightExamples } from '../support/datasets.js';
import { replicateInsights } from '../support/report-data.js';

/** Screenshots for review land here (the lead commits one under docs/). */
const OUT = resolve(process.env.REPORT_SCREENSHOT_DIR ?? 'test-results/browser');
const GENERATED_AT = new Date('2026-01-01T00:00:00Z');

let browser: Browser;
let sample: TrailInsights;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // The sample trail replayed by the CLI's own replay, contexts from its log files.
  [browser, sample] = await Promise.all([launchChromium(), trailInsights(['events/sample-trail'])]);
});

afterAll(async () => {
  await browser?.close();
});

async function open(name: string, html: string): Promise<{ page: Page; problems: { errors: string[]; requests: string[] } }> {
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const { page, problems } = await watchedPage(browser.context);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-charts-drawn]', { timeout: 60_000 });
  return { page, problems };
}

/**
 * Per section: whether its chart canvas holds pixels of the events-per-minute colour
 * (#1f6feb). Axes and grid alone never use it, so an empty chart does not pass.
 */
async function drawnCharts(page: Page): Promise<Array<{ id: string; seriesPixels: number }>> {
  return page.$$eval('section[data-insight-id]', (sections) =>
    sections.map((section) => {
      const canvas = section.querySelector('canvas');
      let seriesPixels = 0;
      if (canvas !== null) {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i]! - 31) < 24 && Math.abs(data[i + 1]! - 111) < 24 && Math.abs(data[i + 2]! - 235) < 24 && data[i + 3]! > 200) seriesPixels++;
        }
      }
      return { id: section.getAttribute('data-insight-id')!, seriesPixels };
    }),
  );
}

describe('Report page in headless Chromium', () => {
  it('draws every insight of the sample trail with no script error and no network', async () => {
    const html = renderReport(sample.records, sample.contexts, { source: 'events/sample-trail', generatedAt: GENERATED_AT });
    const { page, problems } = await open('report-sample', html);

    const charts = await drawnCharts(page);
    const insights = new Set(sample.records.map((record) => record.sharedEventID));
    expect(problems).toEqual({ errors: [], requests: [] });
    expect(charts.map((chart) => chart.id).sort()).toEqual([...insights].sort());
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe(String(insights.size));
    for (const chart of charts) expect(chart.seriesPixels, chart.id).toBeGreaterThan(20);
    await page.screenshot({ path: join(OUT, 'report-sample.png') });
    await page.screenshot({ path: join(OUT, 'report-sample-full.png'), fullPage: true });
    await page.close();
  });

  it('marks the open insight open and still draws it', async () => {
    const html = renderReport(sample.records, sample.contexts, { generatedAt: GENERATED_AT });
    const { page } = await open('report-open', html);
    const ended = new Set(sample.records.filter((r) => r.insightDetails.state === 'End').map((r) => r.sharedEventID));
    const openIds = [...new Set(sample.records.map((r) => r.sharedEventID))].filter((id) => !ended.has(id));

    expect(openIds.length).toBeGreaterThan(0);
    for (const id of openIds) {
      const section = page.locator(`section[data-insight-id="${id}"]`);
      expect(await section.locator('.facts .open').textContent()).toBe('open');
      await section.screenshot({ path: join(OUT, `report-open-${id}.png`) });
    }
    const charts = await drawnCharts(page);
    for (const chart of charts.filter((c) => openIds.includes(c.id))) expect(chart.seriesPixels).toBeGreaterThan(20);
    await page.close();
  });

  it('filters by region and sorts by total events', async () => {
    const html = renderReport(sample.records, sample.contexts, { generatedAt: GENERATED_AT });
    const { page, problems } = await open('report-filter', html);
    const apSouth = new Set(sample.records.filter((r) => r.awsRegion === 'ap-south-1').map((r) => r.sharedEventID));

    await page.selectOption('#f-region', 'ap-south-1');
    const visible = await page.$$eval('section[data-insight-id]:not([hidden])', (s) => s.map((e) => e.getAttribute('data-insight-id')));
    expect(new Set(visible)).toEqual(apSouth);
    expect(await page.textContent('#shown')).toBe(String(apSouth.size));

    await page.selectOption('#f-region', '');
    await page.selectOption('#sort', 'events');
    const totals = await page.$$eval('section[data-insight-id] .facts', (facts) =>
      facts.map((dl) => Number(/Total events(\d+)/.exec(dl.textContent ?? '')?.[1] ?? Number.NaN)),
    );
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(problems.errors).toEqual([]);
    await page.close();
  });

  it('draws AWS insights, which have no context, from their records', async () => {
    const records = [...insightExamples('error-rate-2024.json'), ...insightExamples('records.json')] as unknown as InsightRecord[];
    const { page, problems } = await open('report-aws', renderReport(records, [], { generatedAt: GENERATED_AT }));

    const charts = await drawnCharts(page);
    expect(problems).toEqual({ errors: [], requests: [] });
    expect(charts).toHaveLength(new Set(records.map((r) => r.sharedEventID)).size);
    for (const chart of charts) expect(chart.seriesPixels, chart.id).toBeGreaterThan(20);
    await page.close();
  });

  it('renders a page with one insight', async () => {
    const id = sample.contexts[0]!.sharedEventID;
    const records = sample.records.filter((record) => record.sharedEventID === id);
    const { page, problems } = await open('report-one', renderReport(records, sample.contexts, { generatedAt: GENERATED_AT }));

    const charts = await drawnCharts(page);
    expect(problems).toEqual({ errors: [], requests: [] });
    expect(charts.map((chart) => chart.id)).toEqual([id]);
    expect(charts[0]!.seriesPixels).toBeGreaterThan(20);
    expect(await page.$$eval('.overview rect.bar', (bars) => bars.length)).toBe(1);
    await page.close();
  });

  it('renders a page with no insights', async () => {
    const { page, problems } = await open('report-empty', renderReport([], [], { generatedAt: GENERATED_AT }));

    expect(problems).toEqual({ errors: [], requests: [] });
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe('0');
    expect(await page.textContent('.overview, .empty')).toBe('No insights.');
    await page.close();
  });

  it('draws hundreds of insights', async () => {
    const many = replicateInsights(sample.records, sample.contexts, 30);
    const { page, problems } = await open('report-many', renderReport(many.records, many.contexts, { generatedAt: GENERATED_AT }));

    const charts = await drawnCharts(page);
    expect(problems).toEqual({ errors: [], requests: [] });
    expect(charts).toHaveLength(330);
    expect(charts.filter((chart) => chart.seriesPixels <= 20)).toEqual([]);
    await page.screenshot({ path: join(OUT, 'report-many.png') });
    await page.close();
  });
});
