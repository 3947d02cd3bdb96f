import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';

const ROOT = new URL('../../../', import.meta.url);
const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
const packageJson = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string> };

/** The README's fenced blocks, in order. */
function fencedBlocks(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

// The quick start is a promise to a first-time user: its commands and the output it shows
// must stay what the project really does.
describe('README quick start', { timeout: 120_000 }, () => {
  it('gives exactly the two commands: the sample replay and the test suite', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    expect(fencedBlocks(quickStart)[0]!.trim().split('\n')).toEqual(['npm ci && npm start', 'npm test']);
    expect(packageJson.scripts.start).toMatch(/replay events\/sample-trail$/);
  });

  it('shows the output that `npm start` prints for the bundled sample trail', async () => {
    const shown = fencedBlocks(readme).find((block) => block.startsWith('START (UTC)'));
    expect(shown).toBeDefined();
    let stdout = '';
    let stderr = '';
    const code = await main(['replay', new URL('events/sample-trail', ROOT).pathname], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      interactive: false,
      env: {},
    });
    expect(code).toBe(0);
    // The table is stdout; the summary line is stderr, printed after it.
    expect(shown).toBe(stdout + stderr);
  });

  it('shows, under Output, a record that the sample replay really prints (same keys, order and values)', async () => {
    const example = JSON.parse(readme.match(/```json\n(\{\n  "eventVersion"[\s\S]*?)```/)![1]!) as { eventID: string };
    let stdout = '';
    const code = await main(['replay', new URL('events/sample-trail', ROOT).pathname, '--format', 'jsonl'], {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      interactive: false,
      env: {},
    });
    expect(code).toBe(0);
    const line = stdout.split('\n').find((candidate) => candidate.includes(`"eventID":"${example.eventID}"`));
    expect(line).toBeDefined();
    expect(JSON.stringify(example)).toBe(line);
  });
});
