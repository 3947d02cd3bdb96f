import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCfnYaml } from './support/cfn-yaml.js';
import { REPO_ROOT } from './support/package.js';
import { parameterProblems, type TemplateParameter } from './support/template.js';

// The constraints CloudFormation applies to each value a team passes (infra/parameters.yml):
// realistic values must get through, and the mistakes people make must stop the deploy
// before any resource changes.
const { Parameters } = readCfnYaml<{ Parameters: Record<string, TemplateParameter> }>(path.join(REPO_ROOT, 'infra', 'parameters.yml'));

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const testCases: { parameter: string; value: string; accepted: boolean; why: string }[] = [
  { parameter: 'TrailBucketName', value: 'aws-cloudtrail-logs-111122223333-1a2b3c4d', accepted: true, why: 'a console-created trail bucket' },
  { parameter: 'TrailBucketName', value: 'arn:aws:s3:::my-trail-bucket', accepted: false, why: 'an ARN instead of a name' },
  { parameter: 'TrailBucketName', value: 'My_Bucket', accepted: false, why: 'not a valid bucket name' },
  { parameter: 'TrailBucketAccountId', value: '111122223333', accepted: true, why: 'a log-archive account' },
  { parameter: 'TrailBucketAccountId', value: '1111-2222-3333', accepted: false, why: 'dashes as the console shows them' },
  { parameter: 'TrailKeyPrefix', value: 'cloudtrail/', accepted: true, why: 'a prefix' },
  { parameter: 'TrailKeyPrefix', value: 'org/cloudtrail/', accepted: true, why: 'a nested prefix' },
  { parameter: 'TrailKeyPrefix', value: 'cloudtrail', accepted: false, why: 'no trailing slash (keys would not match)' },
  { parameter: 'TrailKeyPrefix', value: '/cloudtrail/', accepted: false, why: 'a leading slash' },
  { parameter: 'TrailKeyPrefix', value: 'AWSLogs/', accepted: true, why: 'a prefix that happens to be named AWSLogs' },
  { parameter: 'OrganizationId', value: 'o-a1b2c3d4e5', accepted: true, why: 'an organization id' },
  { parameter: 'OrganizationId', value: 'r-a1b2', accepted: false, why: 'a root id instead' },
  { parameter: 'TrailKmsKeyArn', value: KEY_ARN, accepted: true, why: 'a key ARN' },
  { parameter: 'TrailKmsKeyArn', value: 'arn:aws:kms:eu-west-1:111122223333:alias/cloudtrail', accepted: false, why: 'an alias (IAM cannot grant on it)' },
  { parameter: 'TrailKmsKeyArn', value: '1234abcd-12ab-34cd-56ef-1234567890ab', accepted: false, why: 'a bare key id' },
  { parameter: 'InsightsKmsKeyArn', value: KEY_ARN, accepted: true, why: 'a key ARN' },
  { parameter: 'BucketWiring', value: 's3', accepted: true, why: 'S3 notifications' },
  { parameter: 'BucketWiring', value: 'sns', accepted: true, why: 'SNS fan-out' },
  { parameter: 'BucketWiring', value: 'lambda', accepted: false, why: 'not a supported wiring' },
  { parameter: 'TrailTopicArn', value: 'arn:aws:sns:eu-west-1:111122223333:trail-bucket-events', accepted: true, why: 'a topic ARN' },
  { parameter: 'TrailTopicArn', value: 'arn:aws:sqs:eu-west-1:111122223333:q', accepted: false, why: 'a queue ARN' },
  { parameter: 'EventBusName', value: 'security-events', accepted: true, why: 'a custom bus' },
  { parameter: 'EventBusName', value: 'arn:aws:events:eu-west-1:111122223333:event-bus/x', accepted: false, why: 'an ARN (the bus must be in this account and region)' },
  { parameter: 'EventSource', value: 'acme.trail-insights', accepted: true, why: 'an own source' },
  { parameter: 'EventSource', value: 'aws.cloudtrail', accepted: false, why: 'PutEvents refuses aws. sources' },
  { parameter: 'PagingEmail', value: 'secops+cloudtrail@example.com', accepted: true, why: 'an address' },
  { parameter: 'PagingEmail', value: 'secops', accepted: false, why: 'not an address' },
  { parameter: 'PagingTopicArn', value: 'arn:aws:sns:eu-west-1:111122223333:pager', accepted: true, why: 'a topic ARN' },
  { parameter: 'PagingTopicArn', value: 'pager', accepted: false, why: 'a topic name' },
  { parameter: 'PagingStates', value: 'Start,End', accepted: true, why: 'Start and End' },
  { parameter: 'PagingStates', value: 'start', accepted: false, why: 'wrong case (EventBridge matching is exact)' },
  { parameter: 'PagingInsightTypes', value: 'ApiErrorRateInsight', accepted: true, why: 'one type' },
  { parameter: 'PagingInsightTypes', value: 'ApiCallRate', accepted: false, why: 'not an insight type' },
  { parameter: 'PagingEventSources', value: 'iam.amazonaws.com,sts.amazonaws.com', accepted: true, why: 'two services' },
  { parameter: 'PagingEventSources', value: 'iam', accepted: false, why: 'not an eventSource' },
  { parameter: 'PagingEventSources', value: 'iam.amazonaws.com,trail-insights.group', accepted: true, why: 'a service and the group insights' },
  { parameter: 'PagingEventSources', value: 'trail-insights.group', accepted: true, why: 'only the group insights' },
  { parameter: 'PagingEventSources', value: 'trail-insights.groups', accepted: false, why: 'a misspelt group source' },
  { parameter: 'PagingApiSources', value: 'trail-insights.group', accepted: false, why: 'groups page through their own rule' },
  { parameter: 'PagingGroups', value: 'yes', accepted: false, why: 'not a boolean' },
  { parameter: 'PagingFormat', value: 'chatbot', accepted: true, why: 'Amazon Q Developer / AWS Chatbot custom notifications' },
  { parameter: 'PagingFormat', value: 'slack', accepted: false, why: 'not a supported format' },
  { parameter: 'PagingEventSources', value: 'iam.amazonaws.com, sts.amazonaws.com', accepted: false, why: 'a space after the comma' },
  { parameter: 'MaxDecompressedBytes', value: '536870912', accepted: true, why: 'a byte count' },
  { parameter: 'MaxDecompressedBytes', value: '512MB', accepted: false, why: 'a unit' },
  { parameter: 'TableDeletionProtection', value: 'false', accepted: true, why: 'off' },
  { parameter: 'TableDeletionProtection', value: 'no', accepted: false, why: 'not a boolean' },
  { parameter: 'LogLevel', value: 'debug', accepted: true, why: 'a level the logger knows' },
  { parameter: 'LogLevel', value: 'verbose', accepted: false, why: 'a level the logger does not know' },
  { parameter: 'DetectorConfig', value: JSON.stringify({ suppressions: [{ userAgent: 'x'.repeat(3100) }] }), accepted: false, why: 'too long for the Lambda environment' },
];

describe('infra/parameters.yml', () => {
  it.each(testCases)('$parameter: $value is accepted=$accepted ($why)', ({ parameter, value, accepted }) => {
    const definition = Parameters[parameter];
    expect(definition).toBeDefined();

    const problems = parameterProblems(parameter, definition!, value);

    expect(problems.length === 0).toBe(accepted);
  });

  it('takes every CloudFormation parameter from an osls param', () => {
    // A hard-coded default would silently ignore the team's --param.
    for (const [name, parameter] of Object.entries(Parameters)) {
      expect(String(parameter.Default), name).toMatch(/^\$\{(param:\w+|file\(\.\/infra\/[\w-]+\.cjs\)(:\w+)?)\}$/);
    }
  });
});

describe('infra/detector-config.cjs', () => {
  const resolve = createRequire(import.meta.url)(path.join(REPO_ROOT, 'infra', 'detector-config.cjs')) as (input: {
    resolveVariable: (variable: string) => Promise<string>;
  }) => Promise<string>;
  const params = (values: Record<string, string>) => ({
    resolveVariable: async (variable: string) => values[variable.replace(/^param:/, '')] ?? '',
  });

  it('is empty when no config is given', async () => {
    await expect(resolve(params({}))).resolves.toBe('');
  });

  it('minifies a valid inline config', async () => {
    await expect(resolve(params({ detectorConfig: '{\n  "minRatio": 4\n}' }))).resolves.toBe('{"minRatio":4}');
  });

  it('reads a config file', async () => {
    const file = path.relative(process.cwd(), path.join(REPO_ROOT, 'package.json'));
    // package.json is valid JSON but not a detector config: the engine's parser names the field.
    await expect(resolve(params({ detectorConfigFile: file }))).rejects.toThrow(/unknown field 'name'/);
  });

  it.each([
    ['malformed JSON', '{"minRatio": }', /not valid JSON/],
    ['a misspelt field', '{"minRatoi": 4}', /unknown field 'minRatoi'/],
    ['a value out of range', '{"baselineDays": 90}', /baselineDays/],
  ])('rejects %s with the engine parser message', async (_name, text, message) => {
    await expect(resolve(params({ detectorConfig: text }))).rejects.toThrow(message);
  });

  it('refuses both an inline config and a file', async () => {
    await expect(resolve(params({ detectorConfig: '{}', detectorConfigFile: 'x.json' }))).rejects.toThrow(/not both/);
  });
});

describe('infra/params.cjs', () => {
  type Input = {
    resolveVariable: (variable: string) => Promise<string | null>;
    resolveConfigurationProperty?: (path: string[]) => Promise<unknown>;
    options?: { param?: string[] | null; region?: string };
  };
  const module = createRequire(import.meta.url)(path.join(REPO_ROOT, 'infra', 'params.cjs')) as {
    resolveParams(input: Input, command: string): Promise<{ trailBucket: string; trailTopicArn: string }>;
    resolveRegion(options: Input['options'], command: string, env: Record<string, string>): string;
    commandOf(argv: string[]): string;
  };
  const DECLARED = { bucketWiring: 'eventbridge', trailTopicArn: '', pagingEmail: '', pagingEventSources: '', logLevel: 'info' };
  // osls resolves `param:x, null` to the stage's or the default value, or null when the
  // param is not set at all; --param values
  // arrive in `options.param` as name=value strings.
  const input = (values: Record<string, string>, given = Object.keys(values)): Input => ({
    resolveVariable: async (variable: string) => {
      const name = variable.replace(/^param:(\w+).*$/, '$1');
      return values[name] ?? DECLARED[name as keyof typeof DECLARED] ?? null;
    },
    resolveConfigurationProperty: async () => DECLARED,
    options: { param: given.map((name) => `${name}=${values[name]}`) },
  });
  const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:trail-bucket-events';
  const BUCKET = 'aws-cloudtrail-logs-111122223333-1a2b3c4d';

  it('passes the trail bucket through', async () => {
    await expect(module.resolveParams(input({ trailBucket: BUCKET, bucketWiring: 'eventbridge' }), 'deploy')).resolves.toMatchObject({ trailBucket: BUCKET, trailTopicArn: '' });
  });

  it('passes the topic through for the sns wiring', async () => {
    await expect(module.resolveParams(input({ trailBucket: BUCKET, bucketWiring: 'sns', trailTopicArn: TOPIC }), 'deploy')).resolves.toMatchObject({
      trailBucket: BUCKET,
      trailTopicArn: TOPIC,
    });
  });

  it.each([
    ['', '', 'true', 'everything pages'],
    ['iam.amazonaws.com,ec2.amazonaws.com', 'iam.amazonaws.com,ec2.amazonaws.com', 'false', 'only those services'],
    ['iam.amazonaws.com,trail-insights.group', 'iam.amazonaws.com', 'true', 'a service and the groups'],
    ['trail-insights.group', '', 'true', 'only the groups'],
  ])('splits pagingEventSources %j for the two paging rules (%s, %s: %s)', async (pagingEventSources, pagingApiSources, pagingGroups) => {
    const given = { trailBucket: BUCKET, bucketWiring: 'eventbridge', ...(pagingEventSources && { pagingEventSources }) };
    await expect(module.resolveParams(input(given), 'deploy')).resolves.toMatchObject({ pagingApiSources, pagingGroups });
  });

  it.each([
    ['no trail bucket', { bucketWiring: 'eventbridge' }, /--param="trailBucket=/],
    ['the sns wiring without its topic', { trailBucket: BUCKET, bucketWiring: 'sns' }, /--param="trailTopicArn=/],
    ['a topic the wiring would ignore', { trailBucket: BUCKET, bucketWiring: 's3', trailTopicArn: TOPIC }, /only used with bucketWiring=sns/],
    ['a misspelt param name', { trailBucket: BUCKET, pagingEmial: 'secops@example.com' }, /Unknown param pagingEmial \(did you mean pagingEmail\?\)/],
    ['a bucket ARN for a bucket name', { trailBucket: 'arn:aws:s3:::my-trail' }, /--param="trailBucket=arn:aws:s3:::my-trail" is not valid/],
    ['an address without a domain', { trailBucket: BUCKET, pagingEmail: 'secops' }, /--param="pagingEmail=secops" is not valid/],
    ['a topic name for an ARN', { trailBucket: BUCKET, bucketWiring: 'sns', trailTopicArn: 'trail-bucket-events' }, /trailTopicArn=trail-bucket-events" is not valid/],
    ['a level the logger does not know', { trailBucket: BUCKET, logLevel: 'verbose' }, /logLevel=verbose" is not one of debug, info, warn, error, silent/],
  ])('refuses %s before anything is built, naming the param', async (_name, values, message) => {
    await expect(module.resolveParams(input(values), 'deploy')).rejects.toThrow(message);
  });

  it('lists every problem at once', async () => {
    const refused = module.resolveParams(input({ trailBucket: 'My_Bucket', pagingEmail: 'secops' }), 'package');

    await expect(refused).rejects.toThrow(/trailBucket=My_Bucket[^]*pagingEmail=secops|pagingEmail=secops[^]*trailBucket=My_Bucket/);
  });

  it('needs no trail bucket to remove a stack', async () => {
    await expect(module.resolveParams(input({}), 'remove')).resolves.toMatchObject({ trailBucket: expect.stringMatching(/^[a-z0-9][a-z0-9.-]+$/) });
  });

  it.each([
    [{ region: 'eu-west-1' }, 'remove', {}, 'eu-west-1'],
    [{}, 'remove', { AWS_REGION: 'eu-central-1' }, 'eu-central-1'],
    [{}, 'deploy', { AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
    [{}, 'package', {}, 'us-east-1'],
  ])('takes the region from %j for %s (env %j): %s', (options, command, env, region) => {
    expect(module.resolveRegion(options, command, env)).toBe(region);
  });

  it.each(['remove', 'deploy', 'info'])('refuses to guess the region for %s', (command) => {
    expect(() => module.resolveRegion({}, command, {})).toThrow(/add --region/);
  });

  it('reads the command osls runs from its arguments', () => {
    expect(module.commandOf(['remove', '--stage', 'prod'])).toBe('remove');
    expect(module.commandOf(['deploy', 'function', '-f', 'ingest'])).toBe('deploy function');
  });
});
