import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRecord, principalOf, roleLevelArn, type ClassifiedRecord } from '../../../lib/cloudtrail/classify.js';
import { minuteOf } from '../../../lib/time/minute.js';
import { datasetRecords } from './reader-helpers.js';

const real = datasetRecords('invictus-stratus-run', 'stratus-detonations');
const insights = datasetRecords('insight-examples');

function byEventId(records: Record<string, unknown>[], eventID: string): Record<string, unknown> {
  const record = records.find((candidate) => candidate.eventID === eventID);
  if (record === undefined) throw new Error(`no record ${eventID} in the datasets`);
  return structuredClone(record);
}

const without = (record: Record<string, unknown>, ...fields: string[]): Record<string, unknown> => {
  const copy = structuredClone(record);
  for (const field of fields) delete copy[field];
  return copy;
};

// Shapes from the AWS CloudTrail user guide's record examples.
const failedConsoleLogin: Record<string, unknown> = {
  eventVersion: '1.05',
  userIdentity: { type: 'IAMUser', principalId: 'EXAMPLE6E4XEGITWATV6R', accountId: '123456789012', accessKeyId: '', userName: 'JaneDoe' },
  eventTime: '2014-07-08T17:35:27Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '192.0.2.100',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:24.0) Gecko/20100101 Firefox/24.0',
  errorMessage: 'Failed authentication',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Failure' },
  additionalEventData: { MobileVersion: 'No', LoginTo: 'https://console.aws.amazon.com/sns', MFAUsed: 'No' },
  eventID: '11ea990b-4678-4bcd-8fbe-62509088b7cf',
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '123456789012',
};
const consoleSignIn: Record<string, unknown> = {
  ...without(failedConsoleLogin, 'errorMessage'),
  userIdentity: { type: 'IAMUser', principalId: 'EXAMPLE6E4XEGITWATV6R', arn: 'arn:aws:iam::123456789012:user/JaneDoe', accountId: '123456789012', userName: 'JaneDoe' },
  responseElements: { ConsoleLogin: 'Success' },
  eventVersion: '1.08',
  managementEvent: true,
  eventCategory: 'Management',
};
const s3DataEvent: Record<string, unknown> = {
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/Mary_Major', accountId: '123456789012', userName: 'Mary_Major' },
  eventTime: '2019-02-01T03:18:19Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'PutObject',
  awsRegion: 'us-west-2',
  requestParameters: { bucketName: 'amzn-s3-demo-bucket', key: 'photo.jpg' },
  eventID: 'a4e4e1ed-1b8f-4b4d-8b11-5e6a5b2b1d9c',
  readOnly: false,
  resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::amzn-s3-demo-bucket/photo.jpg' }],
  eventType: 'AwsApiCall',
  managementEvent: false,
  recipientAccountId: '123456789012',
  eventCategory: 'Data',
};
// eventVersion 1.06: managementEvent and readOnly, but no eventCategory yet.
const preCategoryWrite: Record<string, unknown> = {
  eventVersion: '1.06',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: 'arn:aws:iam::123456789012:user/Alice', accountId: '123456789012', userName: 'Alice' },
  eventTime: '2019-03-24T21:11:59Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateUser',
  awsRegion: 'us-east-1',
  userAgent: 'aws-cli/1.16.96 Python/2.7.15',
  requestParameters: { userName: 'Bob' },
  eventID: 'b3c0b0f2-2a3c-4f7a-9d24-1e4f3a6a8f8b',
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '123456789012',
};
const preCategoryDataEvent = without({ ...s3DataEvent, eventVersion: '1.06', eventName: 'GetObject', readOnly: true }, 'eventCategory');
const networkActivity: Record<string, unknown> = {
  eventVersion: '1.09',
  userIdentity: { type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '123456789012' },
  eventTime: '2024-05-01T12:00:00Z',
  eventSource: 'kms.amazonaws.com',
  eventName: 'Decrypt',
  awsRegion: 'us-east-1',
  errorCode: 'VpceAccessDenied',
  eventID: '6bd5bfd8-7c8b-4a1c-9b1a-2f9c1a0e6d3e',
  eventType: 'AwsVpceEvent',
  recipientAccountId: '123456789012',
  vpcEndpointId: 'vpce-EXAMPLE08c1b6b9b7',
  eventCategory: 'NetworkActivity',
};

describe('Function: classifyRecord', () => {
  const getPasswordData = byEventId(real, 'fbd91225-39aa-4c00-822c-9f0b96e7758f');
  const throttledPut = byEventId(real, '111f1ab1-d904-4aab-bc84-95b9ad3b3357');
  const serviceEvent = byEventId(real, '895dc875-cb08-45a5-b8c2-9158838741c0');
  const realConsoleLogin = byEventId(real, '70e5932e-9022-4b38-837e-ca10dad94eb7');

  const testCases: { name: string; record: Record<string, unknown>; expected: ClassifiedRecord }[] = [
    { name: 'a management read', record: byEventId(real, '293ba626-3be5-4a26-ab1b-0f4c54f49959'), expected: { kind: 'ignored', reason: 'read-only' } },
    { name: 'an AWSService read (AssumeRole by Inspector)', record: byEventId(real, 'a4a7b25e-c2d5-436f-8a7e-ea89f50541ab'), expected: { kind: 'ignored', reason: 'read-only' } },
    {
      name: 'a failed read by an assumed role',
      record: getPasswordData,
      expected: {
        kind: 'counted',
        eventID: 'fbd91225-39aa-4c00-822c-9f0b96e7758f',
        minute: minuteOf(getPasswordData.eventTime as string)!,
        account: '123837392027',
        region: 'us-east-1',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'GetPasswordData',
        write: false,
        errorCode: 'Client.UnauthorizedOperation',
        principal: 'arn:aws:sts::123837392027:assumed-role/stratus-red-team-ec2-get-password-data-role',
        userAgent: getPasswordData.userAgent as string,
      },
    },
    {
      name: 'a throttled write',
      record: throttledPut,
      expected: {
        kind: 'counted',
        eventID: '111f1ab1-d904-4aab-bc84-95b9ad3b3357',
        minute: minuteOf(throttledPut.eventTime as string)!,
        account: '123837392027',
        region: 'us-east-1',
        eventSource: 'ssm.amazonaws.com',
        eventName: 'PutParameter',
        write: true,
        errorCode: 'ThrottlingException',
        principal: 'arn:aws:iam::123837392027:user/bert-jan',
        userAgent: throttledPut.userAgent as string,
      },
    },
    {
      name: 'a service event without an identity type',
      record: serviceEvent,
      expected: {
        kind: 'counted',
        eventID: '895dc875-cb08-45a5-b8c2-9158838741c0',
        minute: minuteOf('2023-07-10T11:55:23Z')!,
        account: '123837392027',
        region: 'us-east-1',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'SharedSnapshotVolumeCreated',
        write: true,
        principal: 'ec2.amazonaws.com',
        userAgent: 'ec2.amazonaws.com',
      },
    },
    {
      name: 'a console sign-in that says readOnly: false',
      record: realConsoleLogin,
      expected: {
        kind: 'counted',
        eventID: '70e5932e-9022-4b38-837e-ca10dad94eb7',
        minute: minuteOf('2023-07-10T12:23:15Z')!,
        account: '123837392027',
        region: 'us-east-1',
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        write: true,
        principal: 'arn:aws:iam::123837392027:user/stratus-red-team-nmfalu-gfjyeaypjt',
        userAgent: realConsoleLogin.userAgent as string,
      },
    },
    { name: 'a console sign-in without readOnly', record: consoleSignIn, expected: { kind: 'ignored', reason: 'readonly-missing' } },
    { name: 'a failed console login (errorMessage, no errorCode)', record: failedConsoleLogin, expected: { kind: 'ignored', reason: 'readonly-missing' } },
    {
      name: 'a call without readOnly that failed',
      record: { ...without(realConsoleLogin, 'readOnly'), errorCode: 'AccessDenied' },
      expected: {
        kind: 'counted',
        eventID: '70e5932e-9022-4b38-837e-ca10dad94eb7',
        minute: minuteOf('2023-07-10T12:23:15Z')!,
        account: '123837392027',
        region: 'us-east-1',
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        write: false,
        errorCode: 'AccessDenied',
        principal: 'arn:aws:iam::123837392027:user/stratus-red-team-nmfalu-gfjyeaypjt',
        userAgent: realConsoleLogin.userAgent as string,
      },
    },
    { name: 'a read with an empty errorCode', record: { ...getPasswordData, errorCode: '' }, expected: { kind: 'ignored', reason: 'read-only' } },
    { name: 'a read with a non-string errorCode', record: { ...getPasswordData, errorCode: 403 }, expected: { kind: 'ignored', reason: 'read-only' } },
    { name: 'a write whose readOnly is the string "false"', record: { ...throttledPut, readOnly: 'false', errorCode: undefined }, expected: { kind: 'ignored', reason: 'readonly-missing' } },
    { name: 'an S3 data event (a write)', record: s3DataEvent, expected: { kind: 'ignored', reason: 'data-event' } },
    { name: 'a pre-1.07 data event (managementEvent: false)', record: preCategoryDataEvent, expected: { kind: 'ignored', reason: 'data-event' } },
    {
      name: 'a pre-1.07 management write (no eventCategory)',
      record: preCategoryWrite,
      expected: {
        kind: 'counted',
        eventID: 'b3c0b0f2-2a3c-4f7a-9d24-1e4f3a6a8f8b',
        minute: minuteOf('2019-03-24T21:11:59Z')!,
        account: '123456789012',
        region: 'us-east-1',
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        write: true,
        principal: 'arn:aws:iam::123456789012:user/Alice',
        userAgent: 'aws-cli/1.16.96 Python/2.7.15',
      },
    },
    { name: 'a network-activity event', record: networkActivity, expected: { kind: 'ignored', reason: 'network-activity' } },
    { name: 'an Insights record', record: byEventId(insights, '18378b1e-3653-433d-ba1e-aa11a5958f0c'), expected: { kind: 'ignored', reason: 'insight' } },
    {
      name: 'an Insights record without eventCategory',
      record: without(byEventId(insights, 'abcd00b0-ccfe-422d-961c-98a2198a408x'), 'eventCategory'),
      expected: { kind: 'ignored', reason: 'insight' },
    },
    { name: 'an unknown future category', record: { ...throttledPut, eventCategory: 'Agentic' }, expected: { kind: 'ignored', reason: 'other-category' } },
    { name: 'a write without eventTime', record: without(throttledPut, 'eventTime'), expected: { kind: 'malformed', reason: 'missing-eventTime' } },
    { name: 'a write with a null eventTime', record: { ...throttledPut, eventTime: null }, expected: { kind: 'malformed', reason: 'missing-eventTime' } },
    { name: 'a write with a numeric eventTime', record: { ...throttledPut, eventTime: 1688990082 }, expected: { kind: 'malformed', reason: 'bad-eventTime' } },
    { name: 'a write with a free-form eventTime', record: { ...throttledPut, eventTime: 'July 10, 2023' }, expected: { kind: 'malformed', reason: 'bad-eventTime' } },
    { name: 'a write with a zone-less eventTime', record: { ...throttledPut, eventTime: '2023-07-10T12:00:00' }, expected: { kind: 'malformed', reason: 'bad-eventTime' } },
    { name: 'a write with an impossible eventTime', record: { ...throttledPut, eventTime: '2023-13-45T25:00:00Z' }, expected: { kind: 'malformed', reason: 'bad-eventTime' } },
    { name: 'a write without eventSource', record: without(throttledPut, 'eventSource'), expected: { kind: 'malformed', reason: 'missing-eventSource' } },
    { name: 'a write with a numeric eventSource', record: { ...throttledPut, eventSource: 7 }, expected: { kind: 'malformed', reason: 'missing-eventSource' } },
    { name: 'a write with an empty eventName', record: { ...throttledPut, eventName: '' }, expected: { kind: 'malformed', reason: 'missing-eventName' } },
    { name: 'a write with an object eventName', record: { ...throttledPut, eventName: { name: 'x' } }, expected: { kind: 'malformed', reason: 'missing-eventName' } },
    { name: 'a data event without eventTime (ignored first)', record: without(s3DataEvent, 'eventTime'), expected: { kind: 'ignored', reason: 'data-event' } },
  ];

  it.each(testCases)('classifies $name', ({ record, expected }) => {
    expect(classifyRecord(record)).toEqual(expected);
  });

  it('reads an ISO time with milliseconds or an offset to the right minute', () => {
    // Act
    const withMillis = classifyRecord({ ...throttledPut, eventTime: '2023-07-10T12:00:59.999Z' });
    const withOffset = classifyRecord({ ...throttledPut, eventTime: '2023-07-10T14:00:30+02:00' });

    // Assess
    expect(withMillis).toMatchObject({ kind: 'counted', minute: minuteOf('2023-07-10T12:00:00Z') });
    expect(withOffset).toMatchObject({ kind: 'counted', minute: minuteOf('2023-07-10T12:00:00Z') });
  });

  it('reports "null" for a missing or non-string userAgent, and omits non-string ids', () => {
    // Act
    const classified = classifyRecord({ ...without(throttledPut, 'userAgent'), eventID: 42, recipientAccountId: null, awsRegion: ['x'] });

    // Assess
    expect(classified).toMatchObject({ kind: 'counted', userAgent: 'null' });
    expect(classified).not.toHaveProperty('eventID');
    expect(classified).not.toHaveProperty('account');
    expect(classified).not.toHaveProperty('region');
  });

  it('counts exactly the writes and the failed calls of the real datasets', () => {
    // Prepare: every real record is a management event (eventCategory), so the rule is plain
    const expectedCounted = real.filter((r) => r.readOnly === false || (typeof r.errorCode === 'string' && r.errorCode !== ''));

    // Act
    const classified = real.map(classifyRecord);

    // Assess
    expect(classified.filter((c) => c.kind === 'malformed')).toEqual([]);
    expect(classified.filter((c) => c.kind === 'counted')).toHaveLength(expectedCounted.length);
    expect(classified.filter((c) => c.kind === 'counted' && c.write)).toHaveLength(real.filter((r) => r.readOnly === false).length);
    expect(expectedCounted.length).toBeGreaterThan(500);
  });

  it('never throws, whatever the shape of the fields it reads', () => {
    const field = fc.oneof(fc.anything(), fc.constantFrom('Management', 'Data', 'Insight', 'AwsCloudTrailInsight', '2023-07-10T12:00:00Z', true, false));
    fc.assert(
      fc.property(
        fc.record(
          {
            eventCategory: field,
            eventType: field,
            managementEvent: field,
            readOnly: field,
            errorCode: field,
            eventTime: field,
            eventSource: field,
            eventName: field,
            userIdentity: fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('type', 'arn', 'invokedBy', 'accountId'), fc.anything())),
            userAgent: field,
            eventID: field,
          },
          { requiredKeys: [] },
        ),
        (record) => {
          const classified = classifyRecord(record);
          expect(['counted', 'ignored', 'malformed']).toContain(classified.kind);
          if (classified.kind === 'counted') {
            expect(typeof classified.principal).toBe('string');
            expect(Number.isInteger(classified.minute)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('Function: principalOf', () => {
  const testCases: { name: string; identity: unknown; expected: string }[] = [
    { name: 'an IAM user', identity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/Alice', accountId: '123456789012' }, expected: 'arn:aws:iam::123456789012:user/Alice' },
    {
      name: 'an assumed role (session dropped)',
      identity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com', accountId: '123456789012' },
      expected: 'arn:aws:sts::123456789012:assumed-role/Admin',
    },
    {
      name: 'a GovCloud assumed role',
      identity: { type: 'AssumedRole', arn: 'arn:aws-us-gov:sts::123456789012:assumed-role/Ops/i-0abc' },
      expected: 'arn:aws-us-gov:sts::123456789012:assumed-role/Ops',
    },
    { name: 'a federated user (kept whole)', identity: { type: 'FederatedUser', arn: 'arn:aws:sts::742491224508:federated-user/stratus_red_team' }, expected: 'arn:aws:sts::742491224508:federated-user/stratus_red_team' },
    { name: 'an AWSService identity', identity: { type: 'AWSService', invokedBy: 'inspector2.amazonaws.com' }, expected: 'inspector2.amazonaws.com' },
    { name: 'a service event identity', identity: { accountId: '123837392027', invokedBy: 'ec2.amazonaws.com' }, expected: 'ec2.amazonaws.com' },
    { name: 'an AWSAccount identity (no arn)', identity: { type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '111122223333' }, expected: '111122223333' },
    { name: 'an Unknown identity with only a type', identity: { type: 'Unknown', principalId: 'x' }, expected: 'Unknown' },
    { name: 'an empty identity', identity: {}, expected: 'null' },
    { name: 'a missing identity', identity: undefined, expected: 'null' },
    { name: 'a null identity', identity: null, expected: 'null' },
    { name: 'a number', identity: 42, expected: 'null' },
    { name: 'an array', identity: [{ arn: 'arn:aws:iam::1:user/x' }], expected: 'null' },
    { name: 'fields of the wrong types', identity: { type: 5, arn: 7, invokedBy: {}, accountId: null }, expected: 'null' },
    { name: 'an empty arn', identity: { arn: '', accountId: '123456789012' }, expected: '123456789012' },
  ];

  it.each(testCases)('attributes $name', ({ identity, expected }) => {
    expect(principalOf(identity)).toBe(expected);
  });
});

describe('Function: roleLevelArn', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/Admin/session', 'arn:aws:sts::123456789012:assumed-role/Admin'],
    ['arn:aws-cn:sts::123456789012:assumed-role/R/s', 'arn:aws-cn:sts::123456789012:assumed-role/R'],
    ['arn:aws:sts::123456789012:assumed-role/Admin', 'arn:aws:sts::123456789012:assumed-role/Admin'],
    ['arn:aws:iam::123456789012:role/assumed-role/x', 'arn:aws:iam::123456789012:role/assumed-role/x'],
    ['not an arn :assumed-role/x/y', 'not an arn :assumed-role/x/y'],
  ])('maps %s to %s', (arn, expected) => {
    expect(roleLevelArn(arn)).toBe(expected);
  });
});
