import { pathToFileURL } from 'node:url';
import type { Browser } from '../../test/support/chromium.js';

/**
 * Milliseconds from navigation to the page setting `window.DRAWN` (the frame after its
 * last chart is drawn), median of `runs` loads in fresh tabs. A script error fails it.
 */
export async function drawTime(browser: Browser, file: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const tab = await browser.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(pathToFileURL(file).href);
    await tab.waitForFunction('window.DRAWN !== undefined', undefined, { timeout: 300_000 });
    times.push((await tab.evaluate('window.DRAWN')) as number);
    await tab.close();
    if (errors.length > 0) throw new Error(`${file}: ${errors.join('; ')}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/** Marks a rendered report so `drawTime` can time it: its own script draws every chart synchronously. */
export const timedReport = (html: string): string =>
  html.replace('</body>', '<script>requestAnimationFrame(function () { window.DRAWN = performance.now(); });</script></body>');
