import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The public CloudTrail datasets vendored under test/fixtures/datasets (licences beside them). */
export const DATASETS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'datasets');

export const datasetPath = (...parts: string[]): string => join(DATASETS, ...parts);

/** The invictus Stratus run: 55 native CloudTrail files, `{"Records":[...]}`, AWS file names. */
export function invictusFiles(): Array<{ name: string; path: string }> {
  const directory = datasetPath('invictus-stratus-run');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, path: join(directory, name) }));
}

export function invictusRecords(): Array<Record<string, unknown>> {
  return invictusFiles().flatMap(({ path }) => (JSON.parse(readFileSync(path, 'utf8')) as { Records: Array<Record<string, unknown>> }).Records);
}

export function insightExamples(file: 'records.json' | 'error-rate-2024.json'): Array<Record<string, unknown>> {
  return (JSON.parse(readFileSync(datasetPath('insight-examples', file), 'utf8')) as { Records: Array<Record<string, unknown>> }).Records;
}
