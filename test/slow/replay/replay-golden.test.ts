import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../../bench/synth/generate.js';
import { main } from '../../../lib/cli/main.js';

/**
 * Replay's output is held to what it printed before decoding moved to worker threads and
 * the store stopped encoding (commit b91611a): the quality benchmark's two 10-day trails,
 * regenerated here (the generator is deterministic), give the same bytes; and a
 * generated multi-day trail gives the same bytes for any number of workers.
 */
const root = mkdtempSync(join(tmpdir(), 'trail-insights-golden-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function replayJsonl(dir: string, workers: number): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), interactive: false, env: {} };
  const code = await main(['replay', dir, '--format', 'jsonl', '--workers', String(workers)], io);
  if (code !== 0) throw new Error(`replay exited ${code}: ${stderr}`);
  return stdout;
}

describe('Replay: the same records as before, for any number of workers', () => {
  it.each([1, 2])('prints the quality trail of seed %i exactly as the commit before', { timeout: 600_000 }, async (seed) => {
    const dir = join(root, `full-${seed}`);
    generate({ seed, out: dir, profile: 'full', days: 10 });
    const golden = readFileSync(new URL(`../../fixtures/golden/quality-full-${seed}.jsonl`, import.meta.url), 'utf8');
    expect(await replayJsonl(dir, 2)).toBe(golden);
  });

  it('prints the same bytes with 1, 2 and 4 workers as on one thread, on a generated multi-day trail', { timeout: 600_000 }, async () => {
    const dir = join(root, 'security');
    generate({ seed: 7, out: dir, profile: 'full', days: 10, accounts: ['security'] });
    const inline = await replayJsonl(dir, 0);
    expect(inline.split('\n').length).toBeGreaterThan(2);
    for (const workers of [1, 2, 4]) expect(await replayJsonl(dir, workers)).toBe(inline);
  });
});
