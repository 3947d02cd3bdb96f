import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_RULES_DIR, runGuard } from './support/guard.js';
import type { Template } from './support/template.js';

// Every rule in infra/guard/, by name, read from the rule files themselves.
const ruleNames = readdirSync(GUARD_RULES_DIR)
  .filter((file) => file.endsWith('.guard'))
  .flatMap((file) => [...readFileSync(path.join(GUARD_RULES_DIR, file), 'utf8').matchAll(/^rule (\w+)/gm)].map((match) => match[1]!));

const statement = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Resource: '*', ...extra });

/**
 * A compliant stack in the shape osls generates (resolved: no Conditions): an SQS-fed
 * function and a scheduled one, their log groups, roles, table, queues, topic and key.
 * Each test case breaks one thing in it.
 */
const compliantTemplate = (): Template & { Resources: Record<string, any> } => ({
  Resources: {
    IngestLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/svc-ingest', RetentionInDays: 30 } },
    EvaluateLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/svc-evaluate', RetentionInDays: 30 } },
    IngestLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['IngestLogGroup'],
      Properties: { FunctionName: 'svc-ingest', Runtime: 'nodejs22.x', Handler: 'h.handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] } },
    },
    EvaluateLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['EvaluateLogGroup'],
      Properties: { FunctionName: 'svc-evaluate', Runtime: 'nodejs22.x', Handler: 'h.handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] } },
    },
    EvaluateLambdaEvConf: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'EvaluateLambdaFunction' },
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } } },
      },
    },
    IngestEventSourceMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['IngestQueue', 'Arn'] }, FunctionName: { 'Fn::GetAtt': ['IngestLambdaFunction', 'Arn'] } },
    },
    IngestQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: 5 } },
    },
    DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
    FailureQueue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/aws/sqs' } },
    QueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'IngestQueue' }],
        PolicyDocument: {
          Statement: [
            statement({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage' }),
            // A Deny may use wildcards: it only takes privileges away.
            { Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } },
          ],
        },
      },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [statement({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' })] },
        Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [statement({ Action: ['s3:GetObject', 'dynamodb:GetItem'] })] } }],
      },
    },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { SSESpecification: { SSEEnabled: true }, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    },
    TopicKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [
            statement({ Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*' }),
            statement({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
          ],
        },
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { Ref: 'TopicKey' } } },
  },
});

type Mutable = ReturnType<typeof compliantTemplate>['Resources'];

const testCases: { rule: string; breaks: string; breakIt: (resources: Mutable) => void }[] = [
  {
    rule: 'iam_allow_statements_name_their_actions',
    breaks: 'a service wildcard in a role policy',
    breakIt: (r) => void (r.Role.Properties.Policies[0].PolicyDocument.Statement[0].Action = 's3:*'),
  },
  {
    rule: 'iam_allow_statements_name_their_actions',
    breaks: 'a prefix wildcard in a list of actions',
    breakIt: (r) => void (r.Role.Properties.Policies[0].PolicyDocument.Statement[0].Action = ['s3:GetObject', 'dynamodb:Get*']),
  },
  {
    rule: 'iam_allow_statements_name_their_actions',
    breaks: 'NotAction with Allow',
    breakIt: (r) => void (r.Role.Properties.Policies[0].PolicyDocument.Statement[0] = statement({ NotAction: 'iam:*' })),
  },
  {
    rule: 'trust_policies_name_their_actions',
    breaks: 'a wildcard in a trust policy',
    breakIt: (r) => void (r.Role.Properties.AssumeRolePolicyDocument.Statement[0].Action = 'sts:*'),
  },
  {
    rule: 'resource_policies_name_their_actions',
    breaks: 'a wildcard Allow in a queue policy',
    breakIt: (r) => void (r.QueuePolicy.Properties.PolicyDocument.Statement[0].Action = 'sqs:*'),
  },
  {
    rule: 'resource_policies_name_their_principals',
    breaks: 'a queue policy open to "*"',
    breakIt: (r) => void (r.QueuePolicy.Properties.PolicyDocument.Statement[0].Principal = '*'),
  },
  {
    rule: 'resource_policies_name_their_principals',
    breaks: 'a queue policy open to { AWS: "*" }',
    breakIt: (r) => void (r.QueuePolicy.Properties.PolicyDocument.Statement[0].Principal = { AWS: '*' }),
  },
  {
    rule: 'kms_key_policies_wildcards_only_for_the_account',
    breaks: 'a key policy giving kms:* to a service',
    breakIt: (r) => void (r.TopicKey.Properties.KeyPolicy.Statement[1].Action = 'kms:*'),
  },
  {
    rule: 'dynamodb_tables_encrypted_with_kms',
    breaks: 'a table with SSE off',
    breakIt: (r) => void (r.Table.Properties.SSESpecification.SSEEnabled = false),
  },
  {
    rule: 'dynamodb_tables_encrypted_with_kms',
    breaks: 'a table without SSESpecification',
    breakIt: (r) => void delete r.Table.Properties.SSESpecification,
  },
  {
    rule: 'dynamodb_tables_point_in_time_recovery',
    breaks: 'a table without point-in-time recovery',
    breakIt: (r) => void delete r.Table.Properties.PointInTimeRecoverySpecification,
  },
  { rule: 'sqs_queues_encrypted', breaks: 'an unencrypted dead-letter queue', breakIt: (r) => void (r.DeadLetterQueue.Properties = {}) },
  {
    rule: 'sqs_queues_encrypted',
    breaks: 'a queue with SQS-managed SSE switched off',
    breakIt: (r) => void (r.IngestQueue.Properties.SqsManagedSseEnabled = false),
  },
  { rule: 'sns_topics_encrypted', breaks: 'a topic without a KMS key', breakIt: (r) => void delete r.Topic.Properties.KmsMasterKeyId },
  { rule: 'lambda_runtime_supported', breaks: 'a deprecated runtime', breakIt: (r) => void (r.IngestLambdaFunction.Properties.Runtime = 'nodejs20.x') },
  { rule: 'lambda_runtime_supported', breaks: 'a long-gone runtime', breakIt: (r) => void (r.EvaluateLambdaFunction.Properties.Runtime = 'nodejs12.x') },
  { rule: 'log_groups_have_retention', breaks: 'a log group kept forever', breakIt: (r) => void delete r.EvaluateLogGroup.Properties.RetentionInDays },
  {
    rule: 'lambda_log_groups_have_retention',
    breaks: 'a function whose log group is not declared',
    breakIt: (r) => void delete r.EvaluateLogGroup,
  },
  {
    rule: 'lambda_log_groups_have_retention',
    breaks: 'a function whose log group has no retention',
    breakIt: (r) => void delete r.IngestLogGroup.Properties.RetentionInDays,
  },
  {
    rule: 'lambda_log_groups_have_retention',
    breaks: 'a function logging to a group the template does not declare',
    breakIt: (r) => void (r.IngestLambdaFunction.Properties.LoggingConfig = { LogGroup: '/custom/elsewhere' }),
  },
  {
    rule: 'lambda_log_groups_have_retention',
    breaks: 'functions with no log group declared at all',
    breakIt: (r) => {
      delete r.IngestLogGroup;
      delete r.EvaluateLogGroup;
    },
  },
  { rule: 'sqs_event_sources_have_dlq', breaks: 'an ingest queue without a DLQ', breakIt: (r) => void delete r.IngestQueue.Properties.RedrivePolicy },
  {
    rule: 'sqs_event_sources_have_dlq',
    breaks: 'an event source on a queue outside the template',
    breakIt: (r) => void (r.IngestEventSourceMapping.Properties.EventSourceArn = 'arn:aws:sqs:us-east-1:123456789012:elsewhere'),
  },
  {
    rule: 'lambda_functions_have_failure_path',
    breaks: 'a scheduled function without an on-failure destination',
    breakIt: (r) => void delete r.EvaluateLambdaEvConf,
  },
  {
    rule: 'lambda_functions_have_failure_path',
    breaks: 'an invoke config without OnFailure',
    breakIt: (r) => void delete r.EvaluateLambdaEvConf.Properties.DestinationConfig,
  },
  {
    rule: 'lambda_functions_have_failure_path',
    breaks: 'a function with no trigger and no DLQ',
    breakIt: (r) => {
      r.OrphanLogGroup = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/svc-orphan', RetentionInDays: 30 } };
      r.OrphanLambdaFunction = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'svc-orphan', Runtime: 'nodejs22.x' } };
    },
  },
];

describe('Guard rules: infra/guard', () => {
  it('evaluates every rule on a compliant template and all pass', () => {
    // Act
    const result = runGuard(compliantTemplate());

    // Assess: passed, not merely skipped as not applicable.
    expect(result.failures).toEqual([]);
    expect(result.passed.sort()).toEqual([...ruleNames].sort());
  });

  it('has a failing case for every rule', () => {
    expect(new Set(testCases.map((testCase) => testCase.rule))).toEqual(new Set(ruleNames));
  });

  it.each(testCases)('$rule rejects $breaks', ({ rule, breakIt }) => {
    // Prepare
    const template = compliantTemplate();
    breakIt(template.Resources);

    // Act
    const result = runGuard(template);

    // Assess
    expect(result.failures.map((failure) => failure.rule)).toContain(rule);
  });

  it('allows a function with its own DeadLetterConfig and no trigger', () => {
    const template = compliantTemplate();
    template.Resources.EvaluateLambdaFunction.Properties.DeadLetterConfig = { TargetArn: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } };
    delete template.Resources.EvaluateLambdaEvConf;

    const result = runGuard(template);

    expect(result.failures).toEqual([]);
  });
});
