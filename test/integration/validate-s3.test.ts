/**
 * `trail-insights validate s3://…` against s3rver (digest signatures in the objects'
 * metadata, `x-amz-meta-signature`) and a local ListPublicKeys endpoint, through the real
 * SDK clients.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalAws } from '../support/aws-env.js';
import { startCloudTrailServer, type CloudTrailServer } from '../support/cloudtrail-server.js';
import { buildTrail, putTrailToS3, testKey, type BuiltTrail } from '../support/digest-chain.js';
import { runCli } from '../support/run-cli.js';

const aws = useLocalAws();
const START = Date.UTC(2024, 1, 22, 0, 0, 31);
const KEY = testKey();
const EU_KEY = testKey();
let cloudtrail: CloudTrailServer;

beforeAll(async () => {
  cloudtrail = await startCloudTrailServer();
  process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = cloudtrail.url;
  const valid = { validFrom: new Date(START - 86_400_000), validTo: new Date(START + 30 * 86_400_000) };
  cloudtrail.addKey('us-east-1', { der: KEY.der, fingerprint: KEY.fingerprint, ...valid });
  // Another region's key, delivered as base64 text inside the blob: the other encoding the API may use.
  cloudtrail.addKey('eu-west-1', { der: EU_KEY.der, fingerprint: EU_KEY.fingerprint, ...valid, encoding: 'base64-text' });
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
  await cloudtrail.close();
});

const cli = (...argv: string[]) => runCli(argv, process.env);

async function bucketWith(...trails: ((bucket: string) => BuiltTrail)[]) {
  const bucket = await aws.createTestBucket({ label: 'validate' });
  const built = trails.map((make) => make(bucket.name));
  for (const trail of built) await putTrailToS3(trail, aws.clients.s3);
  return { bucket: bucket.name, trails: built };
}

describe('validate s3:// (s3rver, ListPublicKeys endpoint)', () => {
  it('stores the signature where CloudTrail does: x-amz-meta-signature', async () => {
    const { bucket, trails } = await bucketWith((name) => buildTrail({ bucket: name, start: START, hours: 1, key: KEY }));

    const head = await aws.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: trails[0]!.digestKeys[0]! }));

    expect(head.Metadata).toEqual({ signature: expect.stringMatching(/^[0-9a-f]{512}$/), 'signature-algorithm': 'SHA256withRSA' });
  });

  it('validates every signature with keys from ListPublicKeys, per region', async () => {
    const { bucket } = await bucketWith(
      (name) => buildTrail({ bucket: name, start: START, hours: 3, key: KEY }),
      (name) => buildTrail({ bucket: name, start: START, hours: 2, key: EU_KEY, region: 'eu-west-1' }),
    );
    const before = cloudtrail.calls().length;

    const { code, stdout } = await cli('validate', `s3://${bucket}`);

    expect(stdout).toContain('5/5 digest files valid\n15/15 log files valid\n');
    expect(stdout).not.toContain('not verifiable');
    expect(code).toBe(0);
    const regions = cloudtrail.calls().slice(before).map((call) => call.region);
    // Keys are cached per region once a digest's time is covered.
    expect(new Set(regions)).toEqual(new Set(['us-east-1', 'eu-west-1']));
  });

  it('fails a digest signed with a key CloudTrail does not publish, and a modified log file', async () => {
    const { bucket, trails } = await bucketWith((name) => {
      const trail = buildTrail({ bucket: name, start: START, hours: 3, key: KEY });
      trail.resignDigest(trail.digestKeys[2]!, testKey(), true);
      trail.changeByte(trail.logKeys[0]![0]!);
      return trail;
    });

    const { code, stdout } = await cli('validate', `s3://${bucket}`, '--region', 'us-east-1');

    expect(code).toBe(1);
    expect(stdout).toContain(`Digest file\ts3://${bucket}/${trails[0]!.digestKeys[2]}\tINVALID: no public key with fingerprint`);
    expect(stdout).toContain(`Log file\ts3://${bucket}/${trails[0]!.logKeys[0]![0]}\tMODIFIED: hash value doesn't match`);
    expect(stdout).toContain('2/3 digest files valid, 1/3 invalid');
  });

  it('finds a deleted log file and one no digest lists, under a prefix and an organization', async () => {
    const { bucket, trails } = await bucketWith((name) => {
      const trail = buildTrail({ bucket: name, prefix: 'cloudtrail/', orgId: 'o-a1b2c3d4e5', start: START, hours: 3, key: KEY });
      trail.delete(trail.logKeys[1]![1]!);
      trail.addUnlistedLogFile(Math.floor((START + 70 * 60_000) / 60_000));
      return trail;
    });

    const { code, stdout } = await cli('validate', `s3://${bucket}/cloudtrail/`);

    expect(code).toBe(1);
    expect(stdout).toContain(`Log file\ts3://${bucket}/${trails[0]!.logKeys[1]![1]}\tDELETED: not found`);
    expect(stdout).toMatch(/UNLISTED: present, but no digest lists it/);
    expect(stdout).toContain('3/3 digest files valid\n8/9 log files valid, 1/9 deleted\n1 log file present but in no digest');
  });

  it('honours --since and --until on the digests\' end times', async () => {
    const { bucket } = await bucketWith((name) => buildTrail({ bucket: name, start: START, hours: 4, key: KEY }));

    const { code, stdout, stderr } = await cli('validate', `s3://${bucket}`, '--since', '2024-02-22T02:00:00Z', '--until', '2024-02-22T02:30:00Z');

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Results found for 2024-02-22T01:00:31Z to 2024-02-22T03:00:31Z:');
    expect(stdout).toContain('2/2 digest files valid');
  });
});
