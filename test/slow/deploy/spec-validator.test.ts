import { beforeAll, describe, expect, it } from 'vitest';
import { loadResourceSpec, validateTemplate, type ResourceSpec } from './support/spec-validator.js';
import type { Template } from './support/template.js';

// A small template in the stack's own style: every check below must find nothing here,
// and each test case breaks it in exactly one way the check must report.
const validTemplate = (): Template => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {
    PagingTopicArn: { Type: 'String', Default: '', AllowedPattern: '^(arn:aws[a-z-]*:sns:.+)?$' },
  },
  Conditions: {
    CreateTopic: { 'Fn::Equals': [{ Ref: 'PagingTopicArn' }, ''] },
    UseExistingTopic: { 'Fn::Not': [{ Condition: 'CreateTopic' }] },
  },
  Resources: {
    DeadLetters: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        VisibilityTimeout: 720,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] }, maxReceiveCount: 5 },
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Condition: 'CreateTopic', Properties: { DisplayName: 'x' } },
    Role: {
      Type: 'AWS::IAM::Role',
      DependsOn: ['Queue'],
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'p',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::Sub': '${Queue.Arn}' } },
                { Effect: 'Allow', Action: 'sns:Publish', Resource: { 'Fn::If': ['CreateTopic', { Ref: 'Topic' }, { Ref: 'PagingTopicArn' }] } },
              ],
            },
          },
        ],
      },
    },
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['trail-insights'] },
        Targets: [
          {
            Id: 'page',
            Arn: { 'Fn::If': ['CreateTopic', { Ref: 'Topic' }, { Ref: 'PagingTopicArn' }] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] } },
          },
        ],
      },
    },
  },
  Outputs: {
    TopicArn: { Condition: 'CreateTopic', Value: { Ref: 'Topic' } },
    QueueUrl: { Value: { 'Fn::Sub': ['${Url}', { Url: { Ref: 'Queue' } }] } },
  },
});

type Resources = Record<string, { Type: string; Properties: Record<string, any>; [key: string]: any }>;

const testCases: { name: string; breakIt: (template: Template & { Resources: Resources }) => void; reported: RegExp }[] = [
  { name: 'a resource type that does not exist', breakIt: (t) => void (t.Resources.Queue!.Type = 'AWS::SQS::Queueue'), reported: /AWS::SQS::Queueue does not exist/ },
  { name: 'a misspelt property', breakIt: (t) => void (t.Resources.Queue!.Properties.VisibiltyTimeout = 720), reported: /has no property VisibiltyTimeout/ },
  {
    name: 'a misspelt property inside a nested type',
    breakIt: (t) => void (t.Resources.Rule!.Properties.Targets[0].DeadLetterConfg = {}),
    reported: /Targets\[0\]: Target has no property DeadLetterConfg/,
  },
  {
    name: 'a missing required property',
    breakIt: (t) => void delete t.Resources.Role!.Properties.AssumeRolePolicyDocument,
    reported: /required property AssumeRolePolicyDocument/,
  },
  { name: 'a missing required nested property', breakIt: (t) => void delete t.Resources.Rule!.Properties.Targets[0].Id, reported: /required property Id of Target/ },
  { name: 'an object where a list belongs', breakIt: (t) => void (t.Resources.Rule!.Properties.Targets = t.Resources.Rule!.Properties.Targets[0]), reported: /Targets: expected a list/ },
  { name: 'a Ref to nothing', breakIt: (t) => void (t.Resources.Rule!.Properties.Targets[0].Arn = { Ref: 'PagingTopic' }), reported: /Ref to PagingTopic/ },
  {
    name: 'a GetAtt on a resource that does not exist',
    breakIt: (t) => void (t.Resources.Queue!.Properties.RedrivePolicy.deadLetterTargetArn = { 'Fn::GetAtt': ['Dlq', 'Arn'] }),
    reported: /Fn::GetAtt on Dlq/,
  },
  {
    name: 'a GetAtt attribute the type does not have',
    breakIt: (t) => void (t.Resources.Queue!.Properties.RedrivePolicy.deadLetterTargetArn = { 'Fn::GetAtt': ['DeadLetters', 'Url'] }),
    reported: /AWS::SQS::Queue has no attribute Url/,
  },
  {
    name: 'a Sub variable naming nothing',
    breakIt: (t) => void (t.Resources.Role!.Properties.Policies[0].PolicyDocument.Statement[0].Resource = { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:::${QueueName}' }),
    reported: /Ref to QueueName/,
  },
  {
    name: 'a Sub attribute the type does not have',
    breakIt: (t) => void (t.Resources.Role!.Properties.Policies[0].PolicyDocument.Statement[0].Resource = { 'Fn::Sub': '${Queue.Name}' }),
    reported: /has no attribute Name/,
  },
  {
    name: 'an Fn::If on an undefined condition',
    breakIt: (t) => void (t.Resources.Rule!.Properties.Targets[0].Arn['Fn::If'][0] = 'CreateTopics'),
    reported: /Fn::If on undefined condition CreateTopics/,
  },
  { name: 'a resource Condition that is not defined', breakIt: (t) => void (t.Resources.Topic!.Condition = 'MakeTopic'), reported: /Condition MakeTopic is not defined/ },
  {
    name: 'a condition built on an undefined condition',
    breakIt: (t) => void (t.Conditions!.UseExistingTopic = { 'Fn::Not': [{ Condition: 'Create' }] }),
    reported: /Condition "Create" is not defined/,
  },
  { name: 'a DependsOn on nothing', breakIt: (t) => void (t.Resources.Role!.DependsOn = ['Queue', 'Table']), reported: /DependsOn Table/ },
  {
    name: 'an intrinsic function CloudFormation does not know without a transform',
    breakIt: (t) => void (t.Resources.Rule!.Properties.EventPattern = { 'Fn::ToJsonString': { source: ['x'] } }),
    reported: /unknown intrinsic function Fn::ToJsonString/,
  },
  {
    name: 'a reference to a conditional resource outside its condition',
    breakIt: (t) => void (t.Resources.Rule!.Properties.Targets[0].Arn = { Ref: 'Topic' }),
    reported: /exists only when CreateTopic/,
  },
  {
    name: 'a reference to a conditional resource in the wrong Fn::If branch',
    breakIt: (t) => void (t.Resources.Rule!.Properties.Targets[0].Arn = { 'Fn::If': ['CreateTopic', { Ref: 'PagingTopicArn' }, { Ref: 'Topic' }] }),
    reported: /exists only when CreateTopic/,
  },
  {
    name: 'a parameter default its own pattern refuses',
    breakIt: (t) => void (t.Parameters!.PagingTopicArn!.Default = 'my-topic'),
    reported: /does not match AllowedPattern/,
  },
  {
    name: 'a rule referring to something other than a parameter',
    breakIt: (t) =>
      void ((t as Record<string, unknown>).Rules = {
        NeedsTopic: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Topic' }, ''] }] } }] },
      }),
    reported: /Rules.NeedsTopic: Ref to Topic/,
  },
  { name: 'an unknown template section', breakIt: (t) => void ((t as Record<string, unknown>).Output = {}), reported: /Unknown template section Output/ },
  { name: 'an unknown resource attribute', breakIt: (t) => void (t.Resources.Queue!.Propertes = {}), reported: /unknown resource attribute Propertes/ },
  { name: 'an output on an undefined condition', breakIt: (t) => void (t.Outputs!.TopicArn!.Condition = 'HasTopic'), reported: /Outputs.TopicArn: Condition HasTopic/ },
  {
    name: 'a template over the 500-resource quota',
    breakIt: (t) => {
      for (let i = 0; i < 500; i += 1) t.Resources[`Extra${i}`] = { Type: 'AWS::SQS::Queue', Properties: {} };
    },
    reported: /a stack holds at most 500/,
  },
];

describe('Function: validateTemplate', () => {
  let spec: ResourceSpec;
  beforeAll(async () => {
    spec = await loadResourceSpec();
  });

  it('finds nothing wrong with a valid template', () => {
    expect(validateTemplate(validTemplate(), spec)).toEqual([]);
  });

  it.each(testCases)('reports $name', ({ breakIt, reported }) => {
    // Prepare
    const template = validTemplate() as Template & { Resources: Resources };
    breakIt(template);

    // Act
    const problems = validateTemplate(template, spec);

    // Assess
    expect(problems).toContainEqual(expect.stringMatching(reported));
  });
});
