import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogLocation } from '../../../lib/cloudtrail/location.js';
import { InsightKeyError } from '../../../lib/publish/errors.js';
import { insightFile, insightFileBody, insightKeySuffix, insightObjectKey } from '../../../lib/publish/insight-file.js';
import { fixtureRecord, fixtureText, recordWith } from './insight-fixture.js';

const KEY_LAYOUT =
  /^(.+\/)?AWSLogs\/(o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail-Insight\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail-Insight_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;

describe('Function: insightObjectKey', () => {
  const testCases: { name: string; location: LogLocation; start: string }[] = [
    { name: 'a plain trail', location: { bucket: 'trail', prefix: '' }, start: 'AWSLogs/888888888888/' },
    { name: 'a prefixed trail', location: { bucket: 'trail', prefix: 'audit/ct/' }, start: 'audit/ct/AWSLogs/888888888888/' },
    { name: 'a prefix without its trailing slash', location: { bucket: 'trail', prefix: 'audit' }, start: 'audit/AWSLogs/888888888888/' },
    {
      name: 'an organization trail',
      location: { bucket: 'trail', prefix: 'org/', orgId: 'o-abcde12345' },
      start: 'org/AWSLogs/o-abcde12345/888888888888/',
    },
  ];

  it.each(testCases)('follows the CloudTrail-Insight layout for $name', ({ location, start }) => {
    // Prepare
    const record = fixtureRecord();

    // Act
    const key = insightObjectKey(record, location);

    // Assess
    expect(key).toMatch(KEY_LAYOUT);
    expect(key.startsWith(start)).toBe(true);
  });

  it('stamps the date folders and name with the eventTime minute', () => {
    // Prepare
    const record = recordWith('id-1', { eventTime: '2024-12-31T23:59:00Z', awsRegion: 'eu-west-3' });

    // Act
    const key = insightObjectKey(record, { bucket: 'b', prefix: '' });

    // Assess
    expect(key).toBe(
      `AWSLogs/888888888888/CloudTrail-Insight/eu-west-3/2024/12/31/888888888888_CloudTrail-Insight_eu-west-3_20241231T2359Z_${insightKeySuffix('id-1')}.json.gz`,
    );
  });

  it('gives the same record the same key every time', () => {
    // Prepare
    const location: LogLocation = { bucket: 'b', prefix: 'p/' };

    // Act
    const first = insightObjectKey(fixtureRecord(), location);
    const again = insightObjectKey(fixtureRecord(), location);

    // Assess
    expect(again).toBe(first);
  });

  it('gives records that differ only in eventID different keys', () => {
    // Prepare
    const location: LogLocation = { bucket: 'b', prefix: '' };

    // Act
    const keys = new Set(Array.from({ length: 1000 }, (_, i) => insightObjectKey(recordWith(`e-${i}`), location)));

    // Assess
    expect(keys.size).toBe(1000);
  });

  const invalid: { name: string; overrides: Record<string, string>; location?: LogLocation; field: string }[] = [
    { name: 'an account that is not 12 digits', overrides: { recipientAccountId: '12345' }, field: 'recipientAccountId' },
    { name: 'a region with a slash', overrides: { awsRegion: 'us-east-1/../x' }, field: 'awsRegion' },
    { name: 'an unparseable eventTime', overrides: { eventTime: 'yesterday' }, field: 'eventTime' },
    { name: 'a malformed orgId', overrides: {}, location: { bucket: 'b', prefix: '', orgId: 'org-1' }, field: 'orgId' },
  ];

  it.each(invalid)('refuses $name with an InsightKeyError naming the field', ({ overrides, location, field }) => {
    // Prepare
    const record = { ...fixtureRecord(), ...overrides };

    // Act
    const act = () => insightObjectKey(record, location ?? { bucket: 'b', prefix: '' });

    // Assess
    expect(act).toThrow(InsightKeyError);
    expect(act).toThrow(expect.objectContaining({ name: 'InsightKeyError', field, eventID: record.eventID }));
  });
});

describe('Function: insightKeySuffix', () => {
  it('is 16 base62 characters and a function of the eventID alone', () => {
    fc.assert(
      fc.property(fc.string(), (eventID) => {
        // Act
        const suffix = insightKeySuffix(eventID);

        // Assess
        expect(suffix).toMatch(/^[A-Za-z0-9]{16}$/);
        expect(insightKeySuffix(eventID)).toBe(suffix);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Function: insightFileBody', () => {
  it('gunzips to {"Records":[record]} with the fields in AWS order', () => {
    // Prepare
    const record = fixtureRecord();

    // Act
    const text = gunzipSync(insightFileBody([record])).toString('utf8');

    // Assess
    expect(text).toBe(`{"Records":[${JSON.stringify(JSON.parse(fixtureText()))}]}`);
    const parsed = JSON.parse(text) as { Records: Record<string, unknown>[] };
    expect(Object.keys(parsed.Records[0] ?? {})).toEqual([
      'eventVersion',
      'eventTime',
      'awsRegion',
      'eventID',
      'eventType',
      'recipientAccountId',
      'sharedEventID',
      'insightDetails',
      'eventCategory',
    ]);
    expect(parsed.Records[0]).toEqual(record);
  });

  it('produces the same bytes for the same records', () => {
    // Prepare
    const record = fixtureRecord();

    // Act
    const first = insightFileBody([record]);
    const again = insightFileBody([fixtureRecord()]);

    // Assess
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(first[0]).toBe(0x1f);
    expect(first[1]).toBe(0x8b);
  });
});

describe('Function: insightFile', () => {
  it('pairs the key of the record with a body holding that record alone', () => {
    // Prepare
    const record = fixtureRecord();
    const location: LogLocation = { bucket: 'b', prefix: 'x/', orgId: 'o-abcdefghij' };

    // Act
    const file = insightFile(record, location);

    // Assess
    expect(file.key).toBe(insightObjectKey(record, location));
    expect(JSON.parse(gunzipSync(file.body).toString('utf8'))).toEqual({ Records: [record] });
  });
});
