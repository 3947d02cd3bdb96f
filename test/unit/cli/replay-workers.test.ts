import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';

const sampleTrail = fileURLToPath(new URL('../../../events/sample-trail', import.meta.url));
/** What the sample replay printed before replay was parallelised (commit b91611a): the reference for every N. */
const golden = readFileSync(new URL('../../fixtures/golden/sample-trail.jsonl', import.meta.url), 'utf8');

async function replayJsonl(...args: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await main(['replay', ...args, '--format', 'jsonl'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false, env: {} });
  if (code !== 0) throw new Error(`replay exited ${code}: ${stderr}`);
  return stdout;
}

describe('CLI: trail-insights replay --workers', { timeout: 120_000 }, () => {
  it.each([0, 1, 2, 4])('prints the same bytes as before parallel decoding with --workers %i', async (workers) => {
    expect(await replayJsonl(sampleTrail, '--workers', String(workers))).toBe(golden);
  });

  it.each(['-1', '1.5', 'many', '65'])('refuses --workers=%s with a usage error', async (value) => {
    let stderr = '';
    const code = await main(['replay', sampleTrail, `--workers=${value}`], { stdout: () => {}, stderr: (t) => (stderr += t), interactive: false, env: {} });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--workers must be a whole number from 0 to 64/);
  });
});
