import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLocation } from '../../../lib/cloudtrail/location.js';
import { DirectoryWriter } from '../../../lib/publish/directory-writer.js';
import { InsightWriteError, PublisherConfigError } from '../../../lib/publish/errors.js';
import { insightFile } from '../../../lib/publish/insight-file.js';
import { fixtureRecord, records } from './insight-fixture.js';

const LOCATION: LogLocation = { bucket: 'trail', prefix: '', orgId: 'o-abcdefghij' };

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('Class: DirectoryWriter', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'publish-dir-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the same key and bytes as the S3 writer would', async () => {
    // Prepare
    const record = fixtureRecord();
    const writer = new DirectoryWriter({ root });

    // Act
    await writer.publish([{ record, location: LOCATION }]);

    // Assess
    const expected = insightFile(record, LOCATION);
    expect(await filesUnder(root)).toEqual([expected.key]);
    expect((await readFile(join(root, expected.key))).equals(Buffer.from(expected.body))).toBe(true);
  });

  it('overwrites rather than duplicates when the same records are published again', async () => {
    // Prepare
    const writer = new DirectoryWriter({ root });
    const insights = records(5).map((record) => ({ record, location: LOCATION }));

    // Act
    await writer.publish(insights);
    await writer.publish(insights.slice(1, 3));

    // Assess
    expect(await filesUnder(root)).toHaveLength(5);
  });

  it('refuses a prefix that would climb out of the root', async () => {
    // Prepare
    const writer = new DirectoryWriter({ root });

    // Act
    const error = await writer.publish([{ record: fixtureRecord(), location: { bucket: 'b', prefix: '../../' } }]).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InsightWriteError);
    expect((error as InsightWriteError).failures[0]?.errorName).toBe('PathEscapeError');
    expect(await filesUnder(root)).toEqual([]);
  });

  it('rejects an empty root', () => {
    // Act
    const act = () => new DirectoryWriter({ root: '' });

    // Assess
    expect(act).toThrow(PublisherConfigError);
  });
});
