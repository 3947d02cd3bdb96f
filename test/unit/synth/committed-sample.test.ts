import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../../bench/synth/generate.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLE = join(ROOT, 'events', 'sample-trail');
const temp = mkdtempSync(join(tmpdir(), 'sample-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const filesUnder = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();

describe('events/sample-trail', () => {
  it('is exactly what the generator writes for seed 1 (labels kept beside it)', () => {
    // Act
    generate({ seed: 1, profile: 'sample', out: temp });
    // Assess: same files, same bytes.
    const generated = filesUnder(temp).filter((file) => file !== 'labels.json');
    expect(filesUnder(SAMPLE)).toEqual(generated);
    for (const file of generated) expect(readFileSync(join(SAMPLE, file)).equals(readFileSync(join(temp, file))), file).toBe(true);
    expect(readFileSync(join(ROOT, 'events', 'sample-trail.labels.json'), 'utf8')).toBe(readFileSync(join(temp, 'labels.json'), 'utf8'));
  }, 60_000);
});
