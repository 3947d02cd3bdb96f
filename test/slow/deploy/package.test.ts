import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS, tableDefinition } from '../../../lib/store/table.js';
import { runGuard } from './support/guard.js';
import { packageService, type PackageResult } from './support/package.js';
import { loadResourceSpec, validateTemplate, type ResourceSpec } from './support/spec-validator.js';
import {
  parameterProblems,
  parameterValues,
  resolveScenario,
  substitute,
  type Json,
  type JsonObject,
  type Template,
  type TemplateResource,
} from './support/template.js';
import { zipEntryNames } from './support/zip.js';

/**
 * `osls package` of the real service, twice (the minimal required params, and every
 * option set), then the packaged CloudFormation template checked offline: against the
 * resource specification, against infra/guard rules for each deployment scenario, and for
 * the invariants the design depends on. Measured: ~6 s per package on 2 cores.
 */
const PACKAGE_TIMEOUT_MS = 180_000;

const TRAIL_BUCKET = 'example-trail-bucket';
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DETECTOR_CONFIG = { minRatio: 4, suppressions: [{ principalArn: '*:assumed-role/ci-deployer', reason: 'deploys' }] };

const FULL_PARAMS = {
  trailBucket: TRAIL_BUCKET,
  trailBucketAccountId: '111122223333',
  trailKeyPrefix: 'cloudtrail/',
  organizationId: 'o-a1b2c3d4e5',
  trailKmsKeyArn: KEY_ARN,
  insightsKmsKeyArn: KEY_ARN,
  bucketWiring: 's3',
  eventBusName: 'security',
  eventSource: 'acme.trail-insights',
  pagingEmail: 'secops@example.com',
  pagingStates: 'Start,End',
  pagingInsightTypes: 'ApiCallRateInsight',
  pagingEventSources: 'iam.amazonaws.com,ec2.amazonaws.com',
  pagingFormat: 'chatbot',
  detectorConfigFile: 'detector.json',
  maxDecompressedBytes: '536870912',
  tableDeletionProtection: 'false',
  logLevel: 'debug',
};

/** CloudFormation parameter values for further scenarios, on the minimal template. */
const EXISTING_TOPIC = { PagingTopicArn: 'arn:aws:sns:us-east-1:123456789012:pager', PagingEmail: 'oncall@example.com' };
const SNS_WIRING = { BucketWiring: 'sns', TrailTopicArn: 'arn:aws:sns:us-east-1:111122223333:trail-bucket-events' };

type Resources = Record<string, TemplateResource & { Properties: Record<string, any> }>;
const resources = (template: Template) => template.Resources as Resources;
const ofType = (template: Template, type: string) => Object.entries(resources(template)).filter(([, resource]) => resource.Type === type);

/** The policy statements of a role, by Sid. */
const statements = (template: Template, role: string): Record<string, JsonObject> =>
  Object.fromEntries(
    (resources(template)[role]!.Properties.Policies as { PolicyDocument: { Statement: JsonObject[] } }[])
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .map((statement) => [String(statement.Sid), statement]),
  );

/** The event source mapping reading `queue`. */
const mappingOf = (template: Template, queue: string) =>
  ofType(template, 'AWS::Lambda::EventSourceMapping').find(([, mapping]) => mapping.Properties.EventSourceArn['Fn::GetAtt']?.[0] === queue)![1];
/** The schedule expressions of the rules invoking `fn`. */
const schedulesOf = (template: Template, fn: string) =>
  ofType(template, 'AWS::Events::Rule')
    .filter(([, rule]) => rule.Properties.ScheduleExpression && JSON.stringify(rule.Properties.Targets).includes(`"${fn}"`))
    .map(([, rule]) => rule);
const invokeConfigOf = (template: Template, fn: string) =>
  ofType(template, 'AWS::Lambda::EventInvokeConfig').find(([, config]) => config.Properties.FunctionName.Ref === fn)![1];

/** EventBridge's `wildcard` and IAM's resource wildcards, as regular expressions. */
const eventBridgeWildcard = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
const iamWildcard = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** Keys of the two trail layouts (INSIGHTS-FORMAT.md), and the ones that must be left alone. */
const keysUnder = (prefix: string, org: string) => ({
  logFile: `${prefix}AWSLogs/${org}123456789012/CloudTrail/us-east-1/2026/11/22/123456789012_CloudTrail_us-east-1_20261122T1005Z_abcdefghijklmnop.json.gz`,
  digest: `${prefix}AWSLogs/${org}123456789012/CloudTrail-Digest/us-east-1/2026/11/22/123456789012_CloudTrail-Digest_us-east-1_x_us-east-1_20261122T100510Z.json.gz`,
  insight: `${prefix}AWSLogs/${org}123456789012/CloudTrail-Insight/us-east-1/2026/11/22/123456789012_CloudTrail-Insight_us-east-1_20261122T1005Z_abcdefghijklmnop.json.gz`,
  config: `${prefix}AWSLogs/${org}123456789012/Config/us-east-1/2026/11/22/ConfigSnapshot/x.json.gz`,
});

describe('osls package (offline)', () => {
  let minimal: PackageResult;
  let full: PackageResult;
  let spec: ResourceSpec;

  beforeAll(async () => {
    // In parallel; allSettled so that one failing package still gets the other cleaned up.
    const [minimalResult, fullResult, specResult] = await Promise.allSettled([
      packageService({ params: { trailBucket: TRAIL_BUCKET } }),
      packageService({ params: FULL_PARAMS, files: { 'detector.json': JSON.stringify(DETECTOR_CONFIG, null, 2) } }),
      loadResourceSpec(),
    ]);
    if (minimalResult.status === 'fulfilled') minimal = minimalResult.value;
    if (fullResult.status === 'fulfilled') full = fullResult.value;
    for (const result of [minimalResult, fullResult, specResult]) if (result.status === 'rejected') throw result.reason;
    spec = (specResult as PromiseFulfilledResult<ResourceSpec>).value;
  }, PACKAGE_TIMEOUT_MS);

  afterAll(() => {
    minimal?.cleanup();
    full?.cleanup();
  });

  /** Both key layouts, each with the packaged template that serves it. */
  const cases = [
    { scenario: 'defaults', template: () => resolveScenario(minimal.template), parameters: () => parameterValues(minimal.template), keys: keysUnder('', '') },
    {
      scenario: 'organization trail under a prefix',
      template: () => resolveScenario(full.template),
      parameters: () => parameterValues(full.template),
      keys: keysUnder('cloudtrail/', 'o-a1b2c3d4e5/'),
    },
  ];

  const scenarios = (): { name: string; template: Template }[] => [
    { name: 'defaults', template: resolveScenario(minimal.template) },
    { name: 'every option', template: resolveScenario(full.template) },
    { name: 'existing paging topic', template: resolveScenario(minimal.template, EXISTING_TOPIC) },
    { name: 'sns wiring', template: resolveScenario(minimal.template, SNS_WIRING) },
  ];

  describe('packaging', () => {
    it('needs no credentials and no network', () => {
      expect(minimal.networkAttempts).toEqual([]);
      expect(full.networkAttempts).toEqual([]);
    });

    it('ships each function as its ESM bundle and source map, nothing else', () => {
      expect(Object.keys(minimal.artifacts).sort()).toEqual(['evaluate', 'ingest', 'integrity']);
      for (const [fn, zip] of Object.entries(minimal.artifacts)) {
        expect(zipEntryNames(zip).sort()).toEqual([`functions/${fn}/handler.mjs`, `functions/${fn}/handler.mjs.map`]);
      }
    });

    it('points each function handler at its bundle', () => {
      for (const [name, fn] of ofType(minimal.template, 'AWS::Lambda::Function')) {
        const key = name.replace(/LambdaFunction$/, '').toLowerCase();
        expect(fn.Properties.Handler).toBe(`functions/${key}/handler.handler`);
      }
    });

    it('refuses to package without the trail bucket', async () => {
      await expect(packageService()).rejects.toThrow(/Missing required param trailBucket/);
    }, PACKAGE_TIMEOUT_MS);
  });

  describe('CloudFormation resource specification', () => {
    it('finds nothing wrong with either packaged template', () => {
      expect(validateTemplate(minimal.template, spec)).toEqual([]);
      expect(validateTemplate(full.template, spec)).toEqual([]);
    });

    it('finds nothing wrong with any resolved scenario', () => {
      for (const { template } of scenarios()) expect(validateTemplate(template, spec)).toEqual([]);
    });

    it('accepts every scenario value under the parameter constraints', () => {
      for (const [name, value] of Object.entries(parameterValues(full.template))) {
        expect(parameterProblems(name, full.template.Parameters![name]!, value)).toEqual([]);
      }
      for (const [name, value] of Object.entries({ ...EXISTING_TOPIC, ...SNS_WIRING })) {
        expect(parameterProblems(name, minimal.template.Parameters![name]!, value)).toEqual([]);
      }
    });

  });

  describe('policy rules (cfn-guard)', () => {
    it.each(['defaults', 'every option', 'existing paging topic', 'sns wiring'])('pass in the "%s" scenario', (name) => {
      const { template } = scenarios().find((scenario) => scenario.name === name)!;

      expect(runGuard(template).failures).toEqual([]);
    });
  });

  describe('functions', () => {
    it('run on nodejs22.x, arm64, each with its own role', () => {
      const functions = ofType(minimal.template, 'AWS::Lambda::Function');
      expect(functions).toHaveLength(3);
      for (const [, fn] of functions) {
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
      }
      const roles = functions.map(([, fn]) => JSON.stringify(fn.Properties.Role));
      expect(new Set(roles).size).toBe(3);
      expect(ofType(minimal.template, 'AWS::IAM::Role').map(([name]) => name).sort()).toEqual(['EvaluateRole', 'IngestRole', 'IntegrityRole']);
    });

    it('get the environment the code reads, optional values only when set', () => {
      const env = (template: Template) => resources(template).IngestLambdaFunction!.Properties.Environment.Variables as JsonObject;
      const defaults = env(resolveScenario(minimal.template));
      const everything = env(resolveScenario(full.template));

      expect(defaults.TABLE_NAME).toEqual({ Ref: 'InsightsTable' });
      expect(Object.keys(defaults).sort()).toEqual(
        ['EVENT_BUS_NAME', 'EVENT_SOURCE', 'EXPECTED_BUCKET_OWNER', 'LOG_LEVEL', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'TABLE_NAME'].sort(),
      );
      // The `service` of logs and metrics, which the stage's alarms and dashboard select on.
      expect(defaults.POWERTOOLS_SERVICE_NAME).toBe('trail-insights-ci');
      expect(defaults.EXPECTED_BUCKET_OWNER).toEqual({ Ref: 'AWS::AccountId' });
      expect(defaults.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(everything.TRAIL_INSIGHTS_CONFIG).toEqual({ Ref: 'DetectorConfig' });
      expect(everything.INSIGHTS_KMS_KEY_ID).toEqual({ Ref: 'InsightsKmsKeyArn' });
      expect(everything.MAX_DECOMPRESSED_BYTES).toEqual({ Ref: 'MaxDecompressedBytes' });
      expect(everything.EXPECTED_BUCKET_OWNER).toEqual({ Ref: 'TrailBucketAccountId' });
    });

    it('carry the detector config file as one line of JSON', () => {
      expect(full.template.Parameters!.DetectorConfig!.Default).toBe(JSON.stringify(DETECTOR_CONFIG));
      expect(minimal.template.Parameters!.DetectorConfig!.Default).toBe('');
    });

    it('ingest reads the ingest queue with partial batch responses', () => {
      const mapping = mappingOf(minimal.template, 'IngestQueue');

      expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': ['IngestQueue', 'Arn'] });
      expect(mapping.Properties.FunctionName).toEqual({ 'Fn::GetAtt': ['IngestLambdaFunction', 'Arn'] });
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.Properties.BatchSize).toBeLessThanOrEqual(10);
    });

    it('evaluate runs every 5 minutes, ends before the next run, and sends failures to the failure queue', () => {
      const evaluate = resources(minimal.template).EvaluateLambdaFunction!;
      const schedules = schedulesOf(minimal.template, 'EvaluateLambdaFunction');
      const invokeConfig = invokeConfigOf(minimal.template, 'EvaluateLambdaFunction');

      expect(schedules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
      expect(evaluate.Properties.Timeout).toBeLessThan(300);
      expect(invokeConfig.Properties.FunctionName).toEqual({ Ref: 'EvaluateLambdaFunction' });
      expect(invokeConfig.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['FailureQueue', 'Arn'] });
      expect(invokeConfig.Properties.MaximumRetryAttempts).toBe(0);
    });

    it('write to log groups with a retention', () => {
      for (const [, group] of ofType(minimal.template, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(30);
    });
  });

  describe('ingest queue', () => {
    it('hides a batch for at least 6x the ingest timeout plus the batching window', () => {
      const queue = resources(minimal.template).IngestQueue!.Properties;
      const ingest = resources(minimal.template).IngestLambdaFunction!.Properties;
      const mapping = mappingOf(minimal.template, 'IngestQueue');

      const window = mapping.Properties.MaximumBatchingWindowInSeconds ?? 0;

      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ingest.Timeout + window);
    });

    it('dead-letters after at least 5 receives, into a queue that keeps messages longer', () => {
      const queue = resources(minimal.template).IngestQueue!.Properties;
      const deadLetters = resources(minimal.template).IngestDeadLetterQueue!.Properties;

      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['IngestDeadLetterQueue', 'Arn'] }, maxReceiveCount: 5 });
      expect(deadLetters.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
    });

    it('subscribes to the bucket\'s topic with raw delivery and a DLQ (sns wiring)', () => {
      const wired = resources(resolveScenario(minimal.template, SNS_WIRING));
      const [statement] = wired.IngestQueuePolicy!.Properties.PolicyDocument.Statement as JsonObject[];

      expect(wired.TrailTopicSubscription!.Properties).toEqual({
        TopicArn: { Ref: 'TrailTopicArn' },
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': ['IngestQueue', 'Arn'] },
        RawMessageDelivery: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['IngestDeadLetterQueue', 'Arn'] } },
      });
      expect(statement).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'TrailTopicArn' } } } });
      expect(wired.TrailObjectCreatedRule).toBeUndefined();
      expect(resources(resolveScenario(minimal.template)).TrailTopicSubscription).toBeUndefined();
    });

    it('takes messages only from the trail bucket (s3 wiring) or its rule (eventbridge wiring)', () => {
      const policy = (template: Template) => resources(template).IngestQueuePolicy!.Properties.PolicyDocument.Statement as JsonObject[];
      const [viaEventBridge] = policy(resolveScenario(minimal.template));
      const [viaS3] = policy(resolveScenario(full.template));

      expect(viaEventBridge).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['TrailObjectCreatedRule', 'Arn'] } } },
      });
      expect(viaS3).toMatchObject({
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'TrailBucketAccountId' } } },
      });
      const parameters = parameterValues(full.template);
      expect(substitute((viaS3!.Condition as any).ArnEquals['aws:SourceArn'], parameters)).toBe(`arn:aws:s3:::${TRAIL_BUCKET}`);
    });
  });

  describe('which keys are read and written', () => {

    it.each(cases)('ingest reads log files only ($scenario)', ({ template, parameters, keys }) => {
      const read = iamWildcard(substitute(statements(template(), 'IngestRole').ReadTrailLogFiles!.Resource!, parameters()));
      const arn = (key: string) => `arn:aws:s3:::${TRAIL_BUCKET}/${key}`;

      expect(read.test(arn(keys.logFile))).toBe(true);
      expect(read.test(arn(keys.digest))).toBe(false);
      expect(read.test(arn(keys.insight))).toBe(false);
    });

    it.each(cases)('both functions write Insights files only ($scenario)', ({ template, parameters, keys }) => {
      for (const role of ['IngestRole', 'EvaluateRole']) {
        const write = iamWildcard(substitute(statements(template(), role).WriteInsightsFiles!.Resource!, parameters()));
        const arn = (key: string) => `arn:aws:s3:::${TRAIL_BUCKET}/${key}`;

        expect(write.test(arn(keys.insight))).toBe(true);
        expect(write.test(arn(keys.logFile))).toBe(false);
        expect(write.test(arn(keys.digest))).toBe(false);
      }
    });

    it('the EventBridge wiring announces log files only, from the trail bucket', () => {
      const rule = resources(resolveScenario(minimal.template)).TrailObjectCreatedRule!.Properties;
      const parameters = parameterValues(minimal.template);
      const keys = keysUnder('', '');
      const orgKeys = keysUnder('', 'o-a1b2c3d4e5/');

      const pattern = eventBridgeWildcard(substitute(rule.EventPattern.detail.object.key[0].wildcard, parameters));

      expect(rule.EventPattern.source).toEqual(['aws.s3']);
      expect(rule.EventPattern['detail-type']).toEqual(['Object Created']);
      expect(substitute(rule.EventPattern.detail.bucket.name[0], parameters)).toBe(TRAIL_BUCKET);
      expect(pattern.test(keys.logFile)).toBe(true);
      expect(pattern.test(orgKeys.logFile)).toBe(true);
      expect(pattern.test(keys.digest)).toBe(false);
      expect(pattern.test(keys.insight)).toBe(false);
      expect(pattern.test(orgKeys.insight)).toBe(false);
    });

    it('evaluate cannot read the bucket', () => {
      const evaluate = Object.values(statements(resolveScenario(full.template), 'EvaluateRole'));

      expect(evaluate.flatMap((statement) => [statement.Action].flat())).not.toContain('s3:GetObject');
    });

    it('KMS grants appear only with keys, scoped to S3 in the region', () => {
      const without = statements(resolveScenario(minimal.template), 'IngestRole');
      const withKeys = statements(resolveScenario(full.template), 'IngestRole');

      expect(without.DecryptTrailLogFiles).toBeUndefined();
      expect(without.EncryptInsightsFiles).toBeUndefined();
      expect(withKeys.DecryptTrailLogFiles).toMatchObject({ Action: 'kms:Decrypt', Resource: { Ref: 'TrailKmsKeyArn' } });
      expect(withKeys.EncryptInsightsFiles).toMatchObject({ Action: 'kms:GenerateDataKey', Resource: { Ref: 'InsightsKmsKeyArn' } });
      expect(substitute((withKeys.DecryptTrailLogFiles!.Condition as any).StringEquals['kms:ViaService'], {})).toBe('s3.us-east-1.amazonaws.com');
    });

    it('publishes to the one configured bus', () => {
      const parameters = parameterValues(full.template);
      for (const role of ['IngestRole', 'EvaluateRole']) {
        const publish = statements(resolveScenario(full.template), role).PublishInsights!;
        expect(publish.Action).toBe('events:PutEvents');
        expect(substitute(publish.Resource!, parameters)).toBe('arn:aws:events:us-east-1:123456789012:event-bus/security');
      }
    });
  });

  describe('table', () => {
    it('matches the key schema and TTL attribute of lib/store/table.ts', () => {
      const table = resources(minimal.template).InsightsTable!;
      const expected = tableDefinition('any');

      expect(table.Properties.KeySchema).toEqual(expected.KeySchema);
      expect(table.Properties.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
      expect(table.Properties.BillingMode).toBe(expected.BillingMode);
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true });
    });

    it('survives stack removal and is deletion-protected unless told otherwise', () => {
      const table = resources(minimal.template).InsightsTable!;

      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled).toEqual({ Ref: 'TableDeletionProtection' });
      expect(minimal.template.Parameters!.TableDeletionProtection!.Default).toBe('true');
      expect(full.template.Parameters!.TableDeletionProtection!.Default).toBe('false');
    });
  });

  describe('paging', () => {
    it('routes our Insights to the topic, Start only by default, per-API and group insights by their own rules', () => {
      const template = resources(resolveScenario(minimal.template));
      const parameters = parameterValues(minimal.template);

      for (const name of ['InsightsPagingRule', 'GroupInsightsPagingRule']) {
        const rule = template[name]!.Properties;
        expect(substitute(rule.EventBusName, parameters)).toBe('default');
        expect(substitute(rule.EventPattern.source[0], parameters)).toBe('trail-insights');
        expect(rule.EventPattern['detail-type']).toEqual(['AWS Insight via CloudTrail']);
        expect(rule.EventPattern.detail.insightDetails.state).toEqual({ 'Fn::Split': [',', { Ref: 'PagingStates' }] });
        expect(rule.Targets[0].Arn).toEqual({ Ref: 'PagingTopic' });
        expect(rule.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['FailureQueue', 'Arn'] });
        // A readable text message by default (the chatbot variant with pagingFormat=chatbot).
        expect(typeof rule.Targets[0].InputTransformer.InputTemplate).toBe('string');
      }
      expect(template.InsightsPagingRule!.Properties.EventPattern.detail.insightDetails.eventSource).toEqual([{ 'anything-but': ['trail-insights.group'] }]);
      expect(template.GroupInsightsPagingRule!.Properties.EventPattern.detail.insightDetails.eventSource).toEqual(['trail-insights.group']);
      expect(template.PagingTopicPolicy!.Properties.PolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual([
        { 'Fn::GetAtt': ['InsightsPagingRule', 'Arn'] },
        { 'Fn::GetAtt': ['GroupInsightsPagingRule', 'Arn'] },
        { 'Fn::GetAtt': ['IntegrityPagingRule', 'Arn'] },
      ]);
    });

    it('narrows the paging rule by insight type and event source when asked, and sends chatbot notifications', () => {
      const template = resources(resolveScenario(full.template));
      const rule = template.InsightsPagingRule!.Properties;

      expect(rule.EventPattern.detail.insightDetails).toEqual({
        state: { 'Fn::Split': [',', { Ref: 'PagingStates' }] },
        insightType: { 'Fn::Split': [',', { Ref: 'PagingInsightTypes' }] },
        eventSource: { 'Fn::Split': [',', { Ref: 'PagingApiSources' }] },
      });
      expect(full.template.Parameters!.PagingApiSources!.Default).toBe('iam.amazonaws.com,ec2.amazonaws.com');
      expect(full.template.Parameters!.PagingGroups!.Default).toBe('false');
      expect(template.GroupInsightsPagingRule).toBeUndefined();
      expect(rule.Targets[0].InputTransformer.InputTemplate['Fn::Sub']).toMatch(/^\{"version": "1.0", "source": "custom"/);
    });

    it('pages only group insights when pagingEventSources names only them', () => {
      const template = resources(resolveScenario(minimal.template, { PagingEventSources: 'trail-insights.group', PagingApiSources: '', PagingGroups: 'true' }));

      expect(template.InsightsPagingRule).toBeUndefined();
      expect(template.GroupInsightsPagingRule).toBeDefined();
      expect(template.PagingTopicPolicy!.Properties.PolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual([
        { 'Fn::GetAtt': ['GroupInsightsPagingRule', 'Arn'] },
        { 'Fn::GetAtt': ['IntegrityPagingRule', 'Arn'] },
      ]);
    });

    it('creates a KMS-encrypted topic, or uses the given one and creates none', () => {
      const created = resources(resolveScenario(minimal.template));
      const existing = resolveScenario(minimal.template, EXISTING_TOPIC);

      expect(created.PagingTopic!.Properties.KmsMasterKeyId).toEqual({ Ref: 'PagingTopicKey' });
      expect(ofType(existing, 'AWS::SNS::Topic')).toEqual([]);
      expect(ofType(existing, 'AWS::KMS::Key')).toEqual([]);
      expect(resources(existing).PagingEmailSubscription!.Properties.TopicArn).toEqual({ Ref: 'PagingTopicArn' });
    });

    it('subscribes the paging email only when one is given', () => {
      expect(resources(resolveScenario(minimal.template)).PagingEmailSubscription).toBeUndefined();
      expect(resources(resolveScenario(full.template)).PagingEmailSubscription!.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'PagingEmail' } });
    });

    it('sends every alarm to the paging topic', () => {
      const alarms = ofType(resolveScenario(minimal.template), 'AWS::CloudWatch::Alarm');

      expect(alarms.length).toBeGreaterThanOrEqual(4);
      for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'PagingTopic' }]);
      const queues = alarms.map(([, alarm]) => JSON.stringify(alarm.Properties.Dimensions as Json));
      expect(queues.some((dimensions) => dimensions.includes('IngestDeadLetterQueue'))).toBe(true);
      expect(queues.some((dimensions) => dimensions.includes('FailureQueue'))).toBe(true);
    });
  });
  describe('integrity validator', () => {
    it.each(cases)('reads digests and log files only, and writes nothing to the bucket ($scenario)', ({ template, parameters, keys }) => {
      const granted = statements(template(), 'IntegrityRole');
      const read = [granted.ReadDigestsAndLogFiles!.Resource!].flat().map((resource) => iamWildcard(substitute(resource, parameters())));
      const arn = (key: string) => `arn:aws:s3:::${TRAIL_BUCKET}/${key}`;
      const readable = (key: string) => read.some((pattern) => pattern.test(arn(key)));

      expect(readable(keys.digest)).toBe(true);
      expect(readable(keys.logFile)).toBe(true);
      expect(readable(keys.insight)).toBe(false);
      expect(readable(keys.config)).toBe(false);
      const actions = Object.values(granted).flatMap((statement) => [statement.Action].flat());
      expect(actions.filter((action) => String(action).startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
      expect(actions.filter((action) => String(action).startsWith('cloudtrail:'))).toEqual(['cloudtrail:ListPublicKeys']);
    });

    it.each(cases)('lists log file folders only ($scenario)', ({ template, parameters, keys }) => {
      const list = statements(template(), 'IntegrityRole').ListLogFiles!;
      const prefix = iamWildcard(substitute((list.Condition as any).StringLike['s3:prefix'], parameters()));

      expect(substitute(list.Resource!, parameters())).toBe(`arn:aws:s3:::${TRAIL_BUCKET}`);
      expect(prefix.test(keys.logFile.slice(0, keys.logFile.lastIndexOf('/') + 1))).toBe(true);
      expect(prefix.test(keys.digest)).toBe(false);
      expect(prefix.test(keys.insight)).toBe(false);
    });

    it('hears of digests only, from the trail bucket (eventbridge wiring), or from the bucket\'s topic (sns wiring)', () => {
      const rule = resources(resolveScenario(minimal.template)).TrailDigestCreatedRule!.Properties;
      const parameters = parameterValues(minimal.template);
      const pattern = eventBridgeWildcard(substitute(rule.EventPattern.detail.object.key[0].wildcard, parameters));
      const keys = keysUnder('', '');
      const viaSns = resources(resolveScenario(minimal.template, SNS_WIRING));

      expect(substitute(rule.EventPattern.detail.bucket.name[0], parameters)).toBe(TRAIL_BUCKET);
      expect(pattern.test(keys.digest)).toBe(true);
      expect(pattern.test(keys.logFile)).toBe(false);
      expect(pattern.test(keys.insight)).toBe(false);
      expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['DigestQueue', 'Arn'] });
      expect(viaSns.TrailTopicDigestSubscription!.Properties).toMatchObject({ TopicArn: { Ref: 'TrailTopicArn' }, Endpoint: { 'Fn::GetAtt': ['DigestQueue', 'Arn'] }, RawMessageDelivery: true });
      expect(viaSns.TrailDigestCreatedRule).toBeUndefined();
      // The s3 wiring cannot announce digests (overlapping prefixes): nothing may send to the queue.
      const viaS3 = resources(resolveScenario(full.template));
      expect(viaS3.DigestQueuePolicy).toBeUndefined();
      expect(viaS3.TrailDigestCreatedRule).toBeUndefined();
    });

    it('reads its queue with partial batch responses, hides a batch for 6x its timeout, and dead-letters after 5 receives', () => {
      const mapping = mappingOf(minimal.template, 'DigestQueue');
      const queue = resources(minimal.template).DigestQueue!.Properties;
      const fn = resources(minimal.template).IntegrityLambdaFunction!.Properties;

      expect(mapping.Properties.FunctionName).toEqual({ 'Fn::GetAtt': ['IntegrityLambdaFunction', 'Arn'] });
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout);
      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['DigestDeadLetterQueue', 'Arn'] }, maxReceiveCount: 5 });
    });

    it('looks for overdue digests every 15 minutes, failures to the failure queue', () => {
      expect(schedulesOf(minimal.template, 'IntegrityLambdaFunction').map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(15 minutes)']);
      expect(invokeConfigOf(minimal.template, 'IntegrityLambdaFunction').Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['FailureQueue', 'Arn'] });
    });

    it('pages every alert under its own detail-type, through the same topic', () => {
      const template = resources(resolveScenario(minimal.template));
      const rule = template.IntegrityPagingRule!.Properties;
      const [insightsRule] = template.PagingTopicPolicy!.Properties.PolicyDocument.Statement as JsonObject[];

      expect(rule.EventPattern).toEqual({ source: [{ Ref: 'EventSource' }], 'detail-type': ['CloudTrail Log Integrity Alert'] });
      expect(rule.Targets[0].Arn).toEqual({ Ref: 'PagingTopic' });
      expect((insightsRule!.Condition as any).ArnEquals['aws:SourceArn']).toContainEqual({ 'Fn::GetAtt': ['IntegrityPagingRule', 'Arn'] });
      const alarms = ofType(resolveScenario(minimal.template), 'AWS::CloudWatch::Alarm').map(([name]) => name);
      expect(alarms).toEqual(expect.arrayContaining(['DigestDeadLettersAlarm', 'IntegrityErrorsAlarm']));
    });
  });
});
