/**
 * The charting library the report inlines: uPlot, read from node_modules when a report is
 * rendered, so the page needs no network when it is viewed (the choice, measured against
 * ECharts and Vega-Lite: bench/report-libraries.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartAssets {
  script: string;
  css: string;
}

let cached: ChartAssets | undefined;

/** uPlot's minified browser build and its stylesheet. */
export function chartAssets(): ChartAssets {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    cached = { script: read('uPlot.iife.min.js'), css: read('uPlot.min.css') };
  }
  return cached;
}
