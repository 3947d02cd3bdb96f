import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeS3EventKey,
  objectIdOf,
  parseLogFileName,
  routeKey,
  S3EventKeyError,
  type KeyRoute,
  type SkipReason,
} from '../../../lib/cloudtrail/log-key.js';
import { minuteOf } from '../../../lib/time/minute.js';

const NAME = '123456789012_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json.gz';
const FOLDERS = 'CloudTrail/us-east-1/2023/07/10';
const DELIVERY = minuteOf('2023-07-10T11:45:00Z')!;

describe('Function: routeKey', () => {
  const logCases: {
    name: string;
    key: string;
    account: string;
    region: string;
    prefix: string;
    orgId?: string;
    deliveryMinute?: number;
  }[] = [
    { name: 'a single-account trail', key: `AWSLogs/123456789012/${FOLDERS}/${NAME}`, account: '123456789012', region: 'us-east-1', prefix: '', deliveryMinute: DELIVERY },
    { name: 'a prefixed trail', key: `audit/ct/AWSLogs/123456789012/${FOLDERS}/${NAME}`, account: '123456789012', region: 'us-east-1', prefix: 'audit/ct/', deliveryMinute: DELIVERY },
    {
      name: 'an organization trail',
      key: `AWSLogs/o-exampleorgid/123456789012/${FOLDERS}/${NAME}`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: '',
      orgId: 'o-exampleorgid',
      deliveryMinute: DELIVERY,
    },
    {
      name: 'a prefixed organization trail',
      key: `org-trail/AWSLogs/o-aa11bb22cc33/123456789012/${FOLDERS}/${NAME}`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: 'org-trail/',
      orgId: 'o-aa11bb22cc33',
      deliveryMinute: DELIVERY,
    },
    {
      name: 'a prefix holding a line break (S3 allows it)',
      key: `logs\n2024/AWSLogs/123456789012/${FOLDERS}/${NAME}`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: 'logs\n2024/',
      deliveryMinute: DELIVERY,
    },
    {
      name: 'a prefix that itself contains AWSLogs',
      key: `AWSLogs/AWSLogs/123456789012/${FOLDERS}/${NAME}`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: 'AWSLogs/',
      deliveryMinute: DELIVERY,
    },
    {
      name: 'an uncompressed .json file',
      key: `AWSLogs/123456789012/${FOLDERS}/${NAME.replace('.json.gz', '.json')}`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: '',
      deliveryMinute: DELIVERY,
    },
    {
      name: 'a suffix that is not 16 characters',
      key: `AWSLogs/123456789012/${FOLDERS}/123456789012_CloudTrail_us-east-1_20230710T1145Z_abc.json.gz`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: '',
      deliveryMinute: DELIVERY,
    },
    {
      name: 'a GovCloud region',
      key: 'AWSLogs/123456789012/CloudTrail/us-gov-west-1/2024/02/29/123456789012_CloudTrail_us-gov-west-1_20240229T2355Z_7xgocspSowgK0Gto.json.gz',
      account: '123456789012',
      region: 'us-gov-west-1',
      prefix: '',
      deliveryMinute: minuteOf('2024-02-29T23:55:00Z')!,
    },
    {
      name: 'a renamed file (no delivery time)',
      key: `AWSLogs/123456789012/${FOLDERS}/restored-export.json.gz`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: '',
    },
    {
      name: 'an impossible stamp (no delivery time)',
      key: `AWSLogs/123456789012/${FOLDERS}/123456789012_CloudTrail_us-east-1_20231345T9999Z_7xgocspSowgK0Gto.json.gz`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: '',
    },
    {
      name: 'a name whose account differs from the folders (the folders win)',
      key: `AWSLogs/123456789012/${FOLDERS}/999999999999_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json.gz`,
      account: '123456789012',
      region: 'us-east-1',
      prefix: '',
      deliveryMinute: DELIVERY,
    },
  ];

  it.each(logCases)('reads $name as a log file', ({ key, account, region, prefix, orgId, deliveryMinute }) => {
    // Prepare
    const bucket = 'trail-bucket';

    // Act
    const route = routeKey(bucket, key, 1234);

    // Assess
    expect(route).toEqual({
      kind: 'log',
      file: {
        bucket,
        key,
        objectId: objectIdOf(bucket, key),
        account,
        region,
        ...(deliveryMinute !== undefined && { deliveryMinute }),
        location: { bucket, prefix, ...(orgId !== undefined && { orgId }) },
      },
    } satisfies KeyRoute);
  });

  const skipCases: { name: string; key: string; size?: number; reason: SkipReason }[] = [
    {
      name: 'a digest',
      key: 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2023/07/10/123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20230710T114512Z.json.gz',
      reason: 'digest',
    },
    {
      name: 'an organization digest',
      key: 'p/AWSLogs/o-exampleorgid/123456789012/CloudTrail-Digest/us-east-1/2023/07/10/x.json.gz',
      reason: 'digest',
    },
    {
      name: 'an Insights file',
      key: 'AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2023/07/10/123456789012_CloudTrail-Insight_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json.gz',
      reason: 'insight',
    },
    {
      name: 'our own Insights output in an organization layout',
      key: 'audit/AWSLogs/o-exampleorgid/123456789012/CloudTrail-Insight/eu-west-1/2024/12/31/123456789012_CloudTrail-Insight_eu-west-1_20241231T2359Z_AbCdEfGh12345678.json.gz',
      reason: 'insight',
    },
    { name: 'a date folder marker', key: `AWSLogs/123456789012/${FOLDERS}/`, reason: 'folder' },
    { name: 'the account folder marker', key: 'AWSLogs/123456789012/', size: 0, reason: 'folder' },
    { name: 'an empty log object', key: `AWSLogs/123456789012/${FOLDERS}/${NAME}`, size: 0, reason: 'empty' },
    { name: 'the account key without a slash', key: 'AWSLogs/123456789012', reason: 'foreign' },
    {
      name: 'a Config snapshot',
      key: 'AWSLogs/123456789012/Config/us-east-1/2023/7/10/ConfigSnapshot/123456789012_Config_us-east-1_ConfigSnapshot_20230710T114512Z_abc.json.gz',
      reason: 'foreign',
    },
    {
      name: 'a load balancer log',
      key: 'AWSLogs/123456789012/elasticloadbalancing/us-east-1/2023/07/10/123456789012_elasticloadbalancing_us-east-1_app.x.log.gz',
      reason: 'foreign',
    },
    { name: "another application's object", key: 'images/cat.png', reason: 'foreign' },
    { name: 'a non-JSON file in a log folder', key: `AWSLogs/123456789012/${FOLDERS}/notes.txt`, reason: 'foreign' },
    { name: 'a gzip that is not .json.gz', key: `AWSLogs/123456789012/${FOLDERS}/${NAME.replace('.json.gz', '.gz')}`, reason: 'foreign' },
    { name: 'an extra folder level', key: `AWSLogs/123456789012/${FOLDERS}/extra/${NAME}`, reason: 'foreign' },
    { name: 'a missing day folder', key: `AWSLogs/123456789012/CloudTrail/us-east-1/2023/07/${NAME}`, reason: 'foreign' },
    { name: 'a one-digit month folder', key: `AWSLogs/123456789012/CloudTrail/us-east-1/2023/7/10/${NAME}`, reason: 'foreign' },
    { name: 'an 11-digit account', key: `AWSLogs/12345678901/${FOLDERS}/${NAME}`, reason: 'foreign' },
    { name: 'an upper-case region', key: `AWSLogs/123456789012/CloudTrail/US-EAST-1/2023/07/10/${NAME}`, reason: 'foreign' },
    { name: 'a CloudTrail folder of another case', key: `AWSLogs/123456789012/Cloudtrail/us-east-1/2023/07/10/${NAME}`, reason: 'foreign' },
    { name: 'an upper-case organization id', key: `AWSLogs/o-EXAMPLEORGID/123456789012/${FOLDERS}/${NAME}`, reason: 'foreign' },
    { name: 'AWSLogs glued to a prefix', key: `myAWSLogs/123456789012/${FOLDERS}/${NAME}`, reason: 'foreign' },
  ];

  it.each(skipCases)('skips $name as $reason', ({ key, size, reason }) => {
    // Act
    const route = routeKey('trail-bucket', key, size);

    // Assess
    expect(route).toMatchObject({ kind: 'skip', reason });
    expect(route.kind === 'skip' && route.detail).toContain(key);
  });

  it('routes a key from an S3 notification once decoded', () => {
    // Prepare: prefix "audit logs+2024/", as S3 encodes it in an event
    const raw = `audit+logs%2B2024/AWSLogs/123456789012/${FOLDERS}/${NAME}`;

    // Act
    const route = routeKey('trail-bucket', decodeS3EventKey(raw));

    // Assess
    expect(route).toMatchObject({ kind: 'log', file: { location: { prefix: 'audit logs+2024/' } } });
  });

  it('never throws on any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.option(fc.nat(), { nil: undefined }), (key, size) => {
        expect(['log', 'skip']).toContain(routeKey('b', key, size).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back the parts of any well-formed log key', () => {
    const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((part) => !part.includes('/'));
    const parts = fc.record({
      prefix: fc.array(segment, { maxLength: 3 }).map((segments) => segments.map((part) => `${part}/`).join('')),
      orgId: fc.option(fc.stringMatching(/^o-[a-z0-9]{10,32}$/), { nil: undefined }),
      account: fc.stringMatching(/^\d{12}$/),
      region: fc.constantFrom('us-east-1', 'eu-west-3', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'il-central-1'),
      minute: fc.integer({ min: minuteOf('2013-11-01T00:00:00Z')!, max: minuteOf('2099-12-31T23:59:00Z')! }),
      suffix: fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
      gz: fc.boolean(),
    });
    fc.assert(
      fc.property(parts, ({ prefix, orgId, account, region, minute, suffix, gz }) => {
        // Prepare
        const iso = new Date(minute * 60_000).toISOString();
        const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
        const folders = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
        const key = `${prefix}AWSLogs/${orgId === undefined ? '' : `${orgId}/`}${account}/CloudTrail/${region}/${folders}/${account}_CloudTrail_${region}_${stamp}_${suffix}.json${gz ? '.gz' : ''}`;

        // Act
        const route = routeKey('b', key);

        // Assess
        expect(route).toMatchObject({
          kind: 'log',
          file: { account, region, deliveryMinute: minute, location: { bucket: 'b', prefix, ...(orgId !== undefined && { orgId }) } },
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Function: objectIdOf', () => {
  it('gives 22 base64url characters, the same for the same object', () => {
    // Act
    const id = objectIdOf('trail-bucket', `AWSLogs/123456789012/${FOLDERS}/${NAME}`);

    // Assess
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(objectIdOf('trail-bucket', `AWSLogs/123456789012/${FOLDERS}/${NAME}`)).toBe(id);
  });

  it('tells objects apart by bucket and key, whatever the split between them', () => {
    // Act
    const ids = [objectIdOf('ab', 'c'), objectIdOf('a', 'bc'), objectIdOf('ab', 'd'), objectIdOf('other', 'c')];

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Function: decodeS3EventKey', () => {
  const testCases = [
    { raw: 'AWSLogs/123456789012/CloudTrail/x.json.gz', key: 'AWSLogs/123456789012/CloudTrail/x.json.gz' },
    { raw: 'my+prefix/a+b', key: 'my prefix/a b' },
    { raw: 'c%2B%2B/x', key: 'c++/x' },
    { raw: 'a%2Fb', key: 'a/b' },
    { raw: 'caf%C3%A9/%E6%97%A5', key: 'café/日' },
    { raw: '100%25+sure', key: '100% sure' },
  ];

  it.each(testCases)('decodes $raw', ({ raw, key }) => {
    expect(decodeS3EventKey(raw)).toBe(key);
  });

  it('throws S3EventKeyError with the raw key on broken encoding', () => {
    // Act
    const act = () => decodeS3EventKey('bad%E0%A4%A');

    // Assess
    expect(act).toThrow(S3EventKeyError);
    expect(act).toThrow(/bad%E0%A4%A/);
  });

  it('inverts the encoding S3 applies', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (key) => {
        const raw = encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
        expect(decodeS3EventKey(raw)).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('Function: parseLogFileName', () => {
  const testCases: { name: string; fileName: string; expected: ReturnType<typeof parseLogFileName> }[] = [
    {
      name: 'a real file name',
      fileName: '218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json',
      expected: { account: '218007301253', region: 'us-east-1', deliveryMinute: minuteOf('2023-07-10T11:45:00Z')! },
    },
    {
      name: 'a path',
      fileName: `logs/AWSLogs/123456789012/${FOLDERS}/${NAME}`,
      expected: { account: '123456789012', region: 'us-east-1', deliveryMinute: DELIVERY },
    },
    { name: 'a digest name', fileName: '123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20230710T114512Z.json.gz', expected: undefined },
    { name: 'an impossible time', fileName: '123456789012_CloudTrail_us-east-1_20230230T1145Z_x.json.gz', expected: undefined },
    { name: 'a stratus detonation file', fileName: 'aws.execution.ec2-user-data.json', expected: undefined },
    { name: 'a wrong extension', fileName: '123456789012_CloudTrail_us-east-1_20230710T1145Z_x.gz', expected: undefined },
  ];

  it.each(testCases)('reads $name', ({ fileName, expected }) => {
    expect(parseLogFileName(fileName)).toEqual(expected);
  });
});
