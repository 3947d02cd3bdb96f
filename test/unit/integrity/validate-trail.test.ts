import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixedPublicKeys } from '../../../lib/integrity/public-keys.js';
import { keysFromPem } from '../../../lib/integrity/signature.js';
import { DirectoryTrailObjects } from '../../../lib/integrity/trail-objects.js';
import { isAllValid, validateTrail, type ValidationReport } from '../../../lib/integrity/validate-trail.js';
import { buildTrail, memoryTrailObjects, testKey, writeTrailToDirectory, type BuiltTrail } from '../../support/digest-chain.js';

const BUCKET = 'trail-bucket';
const START = Date.UTC(2024, 1, 22, 0, 0, 31);
const KEY = testKey();
const OTHER_KEY = testKey();
const keys = new FixedPublicKeys(keysFromPem(KEY.pem, 'test.pem'));
const MAX = 1024 ** 3;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const trail = (extra: Partial<Parameters<typeof buildTrail>[0]> = {}) => buildTrail({ bucket: BUCKET, start: START, hours: 4, key: KEY, ...extra });

const validateS3 = (built: BuiltTrail, options: { since?: number } = {}) =>
  validateTrail({ objects: memoryTrailObjects(built), bucket: BUCKET, prefix: '', keys, maxDecompressedBytes: MAX, ...options });

const validateCopy = (built: BuiltTrail, strip = '') => {
  const dir = mkdtempSync(join(tmpdir(), 'ti-integrity-'));
  dirs.push(dir);
  writeTrailToDirectory(built, dir, strip);
  return validateTrail({ objects: new DirectoryTrailObjects(dir), bucket: 'local', prefix: '', keys, maxDecompressedBytes: MAX });
};

const statuses = (report: ValidationReport) => ({
  digests: report.digests.map((d) => d.status),
  logs: Object.fromEntries(['valid', 'modified', 'deleted', 'unlisted'].map((s) => [s, report.logFiles.filter((f) => f.status === s).length])),
});
const tail = (where: string) => where.slice(where.indexOf('AWSLogs/'));

describe('validateTrail', () => {
  it('finds an untouched trail valid: every digest, every log file, nothing unlisted', async () => {
    const built = trail();

    const report = await validateS3(built);

    expect(statuses(report)).toEqual({ digests: ['valid', 'valid', 'valid', 'valid'], logs: { valid: 12, modified: 0, deleted: 0, unlisted: 0 } });
    expect(report.gaps).toEqual([]);
    expect(isAllValid(report)).toBe(true);
    // The newest hour's last file falls inside the delivery margin of the newest digest: not judged.
    expect(report.notCovered).toEqual([]);
    expect(report.found).toEqual({ from: '2024-02-22T00:00:31.000Z', to: '2024-02-22T04:00:31.000Z' });
  });

  const tamperings: { name: string; tamper: (t: BuiltTrail) => string; expected: { digest?: string; log?: string; reason: RegExp } }[] = [
    { name: 'a byte changed in a log file', tamper: (t) => (t.changeByte(t.logKeys[1]![1]!), t.logKeys[1]![1]!), expected: { log: 'modified', reason: /hash value doesn't match/ } },
    { name: 'a log file deleted', tamper: (t) => (t.delete(t.logKeys[2]![0]!), t.logKeys[2]![0]!), expected: { log: 'deleted', reason: /not found/ } },
    {
      name: 'a log file replaced by bytes that are not gzip',
      tamper: (t) => (t.objects.set(t.logKeys[0]![0]!, { body: Buffer.from([0x1f, 0x8b, 1, 2, 3]) }), t.logKeys[0]![0]!),
      expected: { log: 'modified', reason: /unreadable/ },
    },
    { name: 'a digest deleted', tamper: (t) => (t.delete(t.digestKeys[1]!), t.digestKeys[1]!), expected: { digest: 'missing', reason: /not found/ } },
    {
      name: 'a digest edited (a log file dropped from its list)',
      tamper: (t) => (t.editDigest(t.digestKeys[2]!, (json) => json.logFiles.pop()), t.digestKeys[2]!),
      expected: { digest: 'invalid', reason: /signature verification failed/ },
    },
    {
      name: 'a digest signed by another key that claims to be it',
      tamper: (t) => (t.resignDigest(t.digestKeys[3]!, OTHER_KEY, true), t.digestKeys[3]!),
      expected: { digest: 'invalid', reason: /no public key with fingerprint/ },
    },
    {
      name: 'a digest signed by another key under CloudTrail\'s fingerprint',
      tamper: (t) => (t.resignDigest(t.digestKeys[3]!, OTHER_KEY, false), t.digestKeys[3]!),
      expected: { digest: 'invalid', reason: /signature verification failed/ },
    },
    {
      name: 'a digest re-uploaded without its signature metadata',
      tamper: (t) => (t.objects.set(t.digestKeys[3]!, { body: t.objects.get(t.digestKeys[3]!)!.body }), t.digestKeys[3]!),
      expected: { digest: 'invalid', reason: /no signature in the object metadata/ },
    },
    {
      name: 'a log file added that no digest lists',
      tamper: (t) => t.addUnlistedLogFile(Math.floor((START + 90 * 60_000) / 60_000)),
      expected: { log: 'unlisted', reason: /no digest lists it/ },
    },
    {
      name: 'a digest copied to another place',
      tamper: (t) => {
        const moved = t.digestKeys[1]!.replace('_management_', '_other_');
        t.objects.set(moved, t.objects.get(t.digestKeys[1]!)!);
        return moved;
      },
      expected: { digest: 'invalid', reason: /moved from its original location/ },
    },
    {
      name: 'a digest truncated',
      tamper: (t) => {
        const object = t.objects.get(t.digestKeys[2]!)!;
        t.objects.set(t.digestKeys[2]!, { ...object, body: object.body.subarray(0, 20) });
        return t.digestKeys[2]!;
      },
      expected: { digest: 'invalid', reason: /invalid format \(truncated-gzip/ },
    },
    {
      name: 'a digest that is valid JSON of the wrong shape',
      tamper: (t) => (t.editDigest(t.digestKeys[0]!, (json) => (json.logFiles = 'none')), t.digestKeys[0]!),
      expected: { digest: 'invalid', reason: /logFiles is missing or not an array/ },
    },
  ];

  it.each(tamperings)('detects $name', async ({ tamper, expected }) => {
    const built = trail();
    const target = tamper(built);

    const report = await validateS3(built);

    const found = expected.digest ? report.digests.filter((d) => d.status !== 'valid') : report.logFiles.filter((f) => f.status !== 'valid');
    expect(found.map((f) => [tail(f.where), f.status])).toEqual([[tail(target), expected.digest ?? expected.log]]);
    expect(found[0]!.reason).toMatch(expected.reason);
    expect(isAllValid(report)).toBe(false);
  });

  it('reports a chain gap (logging off for an hour) without calling it invalid', async () => {
    const built = trail({ hours: 5, offHours: [2] });

    const report = await validateS3(built);

    expect(statuses(report).digests).toEqual(['valid', 'valid', 'valid', 'valid']);
    expect(report.gaps).toEqual([{ chain: expect.stringContaining('111122223333 us-east-1 management'), from: '2024-02-22T02:00:31Z', to: '2024-02-22T03:00:31Z' }]);
    expect(isAllValid(report)).toBe(true);
  });

  it('stops at a link into another bucket (the trail moved) and says where the chain goes on', async () => {
    const elsewhere = 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/02/22/111122223333_CloudTrail-Digest_us-east-1_management_us-east-1_20240222T000031Z.json.gz';
    const built = trail({ firstPrevious: { bucket: 'old-trail-bucket', key: elsewhere } });

    const report = await validateS3(built);

    expect(statuses(report).digests).toEqual(['valid', 'valid', 'valid', 'valid']);
    expect(report.gaps).toEqual([{ chain: expect.any(String), from: '2024-02-22T00:00:31Z', to: '2024-02-22T00:00:31Z', continuesIn: `s3://old-trail-bucket/${elsewhere}` }]);
    expect(isAllValid(report)).toBe(true);
  });

  it('notices a digest edited after the next one was written, from the link alone', async () => {
    // Re-signed with CloudTrail's own key: only the next digest's recorded hash can tell.
    const built = trail();
    built.editDigest(built.digestKeys[1]!, (json) => json.logFiles.pop());
    built.resignDigest(built.digestKeys[1]!, KEY, false);

    const report = await validateS3(built);

    expect(report.digests.map((d) => [d.status, d.reason])).toContainEqual(['invalid', expect.stringMatching(/previousDigestHashValue of the next digest/)]);
  });

  it('honours --since: digests ending before it are neither read nor missed', async () => {
    const built = trail();

    const report = await validateS3(built, { since: START + 2.5 * 3_600_000 });

    expect(statuses(report).digests).toEqual(['valid', 'valid']);
  });

  describe('on a copy without S3 metadata', () => {
    it('verifies every signature but the newest, from the next digest, and says so', async () => {
      const report = await validateCopy(trail());

      expect(report.digests.map((d) => d.status)).toEqual(['unverified', 'valid', 'valid', 'valid']);
      expect(report.digests[0]!.reason).toMatch(/no signature/);
      expect(statuses(report).logs).toEqual({ valid: 12, modified: 0, deleted: 0, unlisted: 0 });
      expect(isAllValid(report)).toBe(true);
    });

    it.each(tamperings.filter((t) => !/copied|another key|metadata/.test(t.name)))('detects $name', async ({ tamper, expected }) => {
      const built = trail();
      const target = tamper(built);

      const report = await validateCopy(built);

      const found = expected.digest ? report.digests.filter((d) => !['valid', 'unverified'].includes(d.status)) : report.logFiles.filter((f) => f.status !== 'valid');
      expect(found.map((f) => [tail(f.where), f.status])).toEqual([[tail(target), expected.digest ?? expected.log]]);
    });

    it('finds the signature of an older digest forged with another key', async () => {
      const built = trail();
      built.editDigest(built.digestKeys[1]!, (json) => json.logFiles.pop());
      built.resignDigest(built.digestKeys[1]!, OTHER_KEY, true);

      const report = await validateCopy(built);

      expect(report.digests.filter((d) => d.status === 'invalid').map((d) => tail(d.where))).toEqual([tail(built.digestKeys[1]!)]);
    });

    it('reads a copy whose prefix differs from the bucket\'s', async () => {
      // Synced from s3://bucket/cloudtrail/ into a directory: keys in the digests keep the prefix.
      const report = await validateCopy(trail({ prefix: 'cloudtrail/', orgId: 'o-a1b2c3d4e5' }), 'cloudtrail/');

      expect(report.digests.map((d) => d.status)).toEqual(['unverified', 'valid', 'valid', 'valid']);
      expect(statuses(report).logs.valid).toBe(12);
    });
  });
});
