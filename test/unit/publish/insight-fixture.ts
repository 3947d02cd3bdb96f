import { readFileSync } from 'node:fs';
import type { InsightRecord } from '../../../lib/insights/record.js';

const FIXTURE = new URL('../../fixtures/insight-error-rate-start.json', import.meta.url);

/** The Start record of AWS's published error-rate example, as written in its file. */
export const fixtureText = (): string => readFileSync(FIXTURE, 'utf8');

export const fixtureRecord = (): InsightRecord => JSON.parse(fixtureText()) as InsightRecord;

/** The fixture with another eventID (and optionally other fields), AWS key order kept. */
export function recordWith(eventID: string, overrides: Partial<InsightRecord> = {}): InsightRecord {
  return { ...fixtureRecord(), ...overrides, eventID };
}

/** `count` distinct records whose eventIDs are `${stem}-0`, `${stem}-1`, … */
export const records = (count: number, stem = 'evt'): InsightRecord[] =>
  Array.from({ length: count }, (_, i) => recordWith(`${stem}-${i}`));
