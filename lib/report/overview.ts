/**
 * The report's overview: every insight as a bar on one time axis, one lane per account
 * and region, drawn as static SVG (no script needed to read it; a bar links to its
 * section). Hundreds of insights stay one screen tall: lanes grow with account-regions,
 * not with insights.
 */
import { minuteToIso, MINUTES_PER_DAY, type Minute } from '../time/minute.js';
import { escapeHtml } from './html.js';
import type { InsightView } from './insight-view.js';

const WIDTH = 1000;
const LABEL = 190;
const LANE = 18;
const AXIS = 22;
const MAX_TICKS = 12;
const TICK_STEPS = [60, 180, 360, MINUTES_PER_DAY, 7 * MINUTES_PER_DAY, 30 * MINUTES_PER_DAY, 365 * MINUTES_PER_DAY];
/** A one-minute insight over three days would be a hair: bars are at least this wide. */
const MIN_BAR = 3;

const barClass = (view: InsightView): string => (view.drop ? 'drop' : view.type === 'ApiErrorRateInsight' ? 'error' : 'call');

/** The overview SVG, or a sentence when there is nothing to draw. */
export function overviewSvg(views: readonly InsightView[]): string {
  if (views.length === 0) return '<p class="empty">No insights.</p>';
  const lanes = [...new Set(views.map((view) => `${view.account} ${view.region}`))].sort();
  const first = Math.min(...views.map((view) => view.start));
  const last = Math.max(...views.map((view) => view.end ?? view.chart.until), first + 60);
  const span = last - first;
  const x = (minute: Minute) => LABEL + ((minute - first) / span) * (WIDTH - LABEL - 10);
  const height = AXIS + lanes.length * LANE + 4;
  const parts: string[] = [];
  lanes.forEach((lane, i) => {
    const y = AXIS + i * LANE;
    parts.push(`<text class="lane" x="4" y="${y + 13}">${escapeHtml(lane)}</text>`, `<line class="lane-rule" x1="${LABEL}" x2="${WIDTH - 10}" y1="${y + LANE}" y2="${y + LANE}"/>`);
  });
  // At most ~12 ticks, on whole hours, days, weeks or months (30 days) whatever the span:
  // archives can hold insights years apart.
  const step = TICK_STEPS.find((candidate) => span / candidate <= MAX_TICKS) ?? TICK_STEPS.at(-1)!;
  for (let tick = Math.ceil(first / step) * step; tick <= last; tick += step) {
    const label = step >= MINUTES_PER_DAY ? minuteToIso(tick).slice(0, 10) : minuteToIso(tick).slice(5, 16).replace('T', ' ');
    parts.push(`<line class="tick" x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${AXIS - 4}" y2="${height}"/>`, `<text class="tick" x="${x(tick).toFixed(1)}" y="${AXIS - 8}">${label}</text>`);
  }
  for (const view of views) {
    const y = AXIS + lanes.indexOf(`${view.account} ${view.region}`) * LANE + 3;
    const left = x(view.start);
    const right = Math.max(left + MIN_BAR, x(view.end ?? view.chart.until));
    const title = `${view.api} ${view.account} ${view.region} ${minuteToIso(view.start).slice(0, 16)}Z ${view.end === undefined ? 'open' : `${view.end - view.start} min`}`;
    parts.push(
      `<a href="#insight-${escapeHtml(view.id)}"><rect class="bar ${barClass(view)}${view.end === undefined ? ' open' : ''}" data-insight-id="${escapeHtml(view.id)}" x="${left.toFixed(1)}" y="${y}" width="${(right - left).toFixed(1)}" height="${LANE - 6}"><title>${escapeHtml(title)}</title></rect></a>`,
    );
  }
  return `<svg class="overview" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Insights by account and region over time">${parts.join('')}</svg>`;
}
