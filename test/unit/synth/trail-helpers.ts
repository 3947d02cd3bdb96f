import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, type GenerateOptions } from '../../../bench/synth/generate.js';
import type { Labels } from '../../../bench/synth/labels.js';
import { readTrail, type TrailFile } from '../../../bench/synth/read-trail.js';
import type { CloudTrailRecord } from '../../../bench/synth/record.js';

/** Generates a dataset into a fresh temporary directory and reads it back. */
export interface LoadedTrail {
  dir: string;
  labels: Labels;
  files: TrailFile[];
  /** Every record once (first copy of each eventID), with the key of its file. */
  unique: Array<{ key: string; record: CloudTrailRecord }>;
  cleanup: () => void;
}

export function generateTrail(opts: Omit<GenerateOptions, 'out'>): LoadedTrail {
  const dir = mkdtempSync(join(tmpdir(), 'synth-'));
  generate({ ...opts, out: dir });
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Labels;
  const files = [...readTrail(dir)];
  const seen = new Set<string>();
  const unique: Array<{ key: string; record: CloudTrailRecord }> = [];
  for (const f of files) {
    for (const record of f.records) {
      if (seen.has(record.eventID)) continue;
      seen.add(record.eventID);
      unique.push({ key: f.key, record });
    }
  }
  return { dir, labels, files, unique, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** CloudTrail log file key, as the AWS user guide gives it. */
export const LOG_KEY =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}(?:-[a-z]+)+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z]{2}(?:-[a-z]+)+-\d)_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$/;

/** The caller ARN as the labels record it (assumed roles per role). */
export function callerArn(r: CloudTrailRecord): string {
  const u = r.userIdentity as { type?: string; arn?: string; invokedBy?: string };
  if (u.type === 'AWSService') return u.invokedBy ?? '';
  if (u.type === 'AssumedRole' && u.arn) return u.arn.split('/').slice(0, 2).join('/');
  return u.arn ?? '';
}

export const minuteMs = (iso: string): number => Math.floor(Date.parse(iso) / 60_000) * 60_000;
