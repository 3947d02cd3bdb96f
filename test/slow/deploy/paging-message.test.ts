import { Ajv } from 'ajv';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import type { InsightRecord } from '../../../lib/insights/record.js';
import { INSIGHT_DETAIL_TYPE } from '../../../lib/publish/eventbridge-publisher.js';
import { GROUP_EVENT_SOURCE } from '../../../lib/series/series.js';
import { datasetPath, insightExamples } from '../../support/datasets.js';
import { readCfnYaml } from './support/cfn-yaml.js';
import { applyInputTransformer } from './support/input-transformer.js';
import { REPO_ROOT } from './support/package.js';
import { substitute, type Json, type JsonObject } from './support/template.js';

/**
 * The paging rules' messages (infra/paging.yml), rendered the way EventBridge substitutes
 * an input transformer, against real Insights records as the engine puts them on the bus:
 * the plain-text page for email, and the Amazon Q Developer (AWS Chatbot) custom
 * notification, which must be valid JSON of the documented schema.
 */
type Resources = Record<string, { Condition?: string; Properties: { EventPattern: JsonObject; Targets: Array<{ InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: JsonObject } }> } }>;
const { Resources } = readCfnYaml<{ Resources: Resources }>(path.join(REPO_ROOT, 'infra', 'paging.yml'));
const PARAMETERS = { TrailBucketName: 'example-trail-bucket', TrailKeyPrefix: 'cloudtrail/' };

/** The text and chatbot templates of a rule's target. */
function templates(rule: string) {
  const { InputPathsMap, InputTemplate } = Resources[rule]!.Properties.Targets[0]!.InputTransformer;
  const [condition, chatbot, text] = InputTemplate['Fn::If'] as [string, Json, string];
  expect(condition).toBe('PagingChatbot');
  return { paths: InputPathsMap, chatbot: substitute(chatbot, PARAMETERS), text };
}

/** What EventBridge delivers to a rule for a record the engine published (EventBridgePublisher: Time = eventTime). */
const busEvent = (record: InsightRecord) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': INSIGHT_DETAIL_TYPE,
  source: 'trail-insights',
  account: record.recipientAccountId,
  time: record.eventTime,
  region: record.awsRegion,
  resources: [],
  detail: record,
});

/** Amazon Q Developer in chat applications, "Custom notifications", event schema. */
const chatbotSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'source', 'content'],
  properties: {
    version: { const: '1.0' },
    source: { const: 'custom' },
    id: { type: 'string' },
    content: {
      type: 'object',
      additionalProperties: false,
      required: ['textType', 'title', 'description'],
      properties: {
        textType: { const: 'client-markdown' },
        title: { type: 'string', minLength: 1 },
        description: { type: 'string', minLength: 1 },
        nextSteps: { type: 'array', items: { type: 'string' } },
        keywords: { type: 'array', items: { type: 'string' } },
      },
    },
    metadata: {
      type: 'object',
      additionalProperties: false,
      properties: {
        threadId: { type: 'string' },
        summary: { type: 'string' },
        eventType: { type: 'string' },
        relatedResources: { type: 'array', items: { type: 'string' } },
        additionalContext: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
};
const validChatbot = new Ajv({ allErrors: true, strict: true }).compile(chatbotSchema);

let records: InsightRecord[];
beforeAll(async () => {
  let jsonl = '';
  await main(['replay', datasetPath('invictus-stratus-run'), '--format', 'jsonl'], { stdout: (t) => (jsonl += t), stderr: () => {}, interactive: false, env: {} });
  records = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as InsightRecord);
}, 60_000);

const start = (predicate: (record: InsightRecord) => boolean) => records.find((r) => r.insightDetails.state === 'Start' && predicate(r))!;
const perApi = () => start((r) => r.insightDetails.eventSource === 'ssm.amazonaws.com');
const group = () => start((r) => r.insightDetails.eventSource === GROUP_EVENT_SOURCE && r.insightDetails.errorCode !== undefined);

describe('Paging message: plain text (email)', () => {
  it('says what, where, how much against normal, since when, who, with an event-history link for the API', () => {
    const record = perApi();
    const { paths, text } = templates('InsightsPagingRule');
    const lines = applyInputTransformer(text, paths, busEvent(record)).split('\n').map((line) => JSON.parse(line) as string);
    const { statistics, attributions } = record.insightDetails.insightContext;

    expect(lines).toEqual([
      `CloudTrail Insight Start (ApiCallRateInsight): ssm.amazonaws.com ${record.insightDetails.eventName} `,
      `Where: account ${record.recipientAccountId}, region us-east-1`,
      `How much: ${statistics.insight.average} calls/min against a baseline of ${statistics.baseline.average}/min`,
      `When: Start at ${record.eventTime}, ${statistics.insightDuration} min of unusual activity`,
      `Top principal: ${attributions![0]!.insight[0]!.value}`,
      `Event history: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events?EventName=${record.insightDetails.eventName}&StartTime=${record.eventTime}`,
      `Insight ${record.sharedEventID}, record ${record.eventID}`,
    ]);
  });

  it('links group insights to the event history by time, with their error code', () => {
    const record = group();
    const { paths, text } = templates('GroupInsightsPagingRule');
    const lines = applyInputTransformer(text, paths, busEvent(record)).split('\n').map((line) => JSON.parse(line) as string);

    expect(lines[0]).toBe(`CloudTrail Insight Start (ApiErrorRateInsight): all APIs, AllApis ${record.insightDetails.errorCode}`);
    expect(lines[5]).toBe(`Event history: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events?StartTime=${record.eventTime}`);
  });
});

describe('Paging message: Amazon Q Developer / AWS Chatbot custom notification', () => {
  const cases = [
    { name: 'a per-API insight of ours', rule: 'InsightsPagingRule', record: () => perApi() },
    { name: 'a group error-rate insight of ours', rule: 'GroupInsightsPagingRule', record: () => group() },
    { name: "AWS's own error-rate Start", rule: 'InsightsPagingRule', record: () => insightExamples('error-rate-2024.json')[0] as unknown as InsightRecord },
    { name: "AWS's 2019 Start without insightDuration or attributions", rule: 'InsightsPagingRule', record: () => insightExamples('records.json')[1] as unknown as InsightRecord },
  ];

  it.each(cases)('is valid JSON of the custom-notification schema for $name', ({ rule, record }) => {
    const { paths, chatbot } = templates(rule);
    const message = JSON.parse(applyInputTransformer(chatbot, paths, busEvent(record()))) as unknown;

    expect(validChatbot(message), JSON.stringify(validChatbot.errors)).toBe(true);
  });

  it('carries the figures, a link, the thread of the insight and the command to show it', () => {
    const record = perApi();
    const { paths, chatbot } = templates('InsightsPagingRule');
    const message = JSON.parse(applyInputTransformer(chatbot, paths, busEvent(record))) as { content: { title: string; description: string; nextSteps: string[] }; metadata: { threadId: string } };
    const { statistics } = record.insightDetails.insightContext;

    expect(message.content.title).toBe(`:rotating_light: CloudTrail Insight Start in ${record.recipientAccountId} us-east-1: ssm.amazonaws.com ${record.insightDetails.eventName} `);
    expect(message.content.description).toContain(`*How much:* ${statistics.insight.average} calls/min against a baseline of ${statistics.baseline.average}/min\n`);
    expect(message.content.nextSteps).toEqual([
      `<https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events?EventName=${record.insightDetails.eventName}&StartTime=${record.eventTime}|CloudTrail event history: ${record.insightDetails.eventName} since ${record.eventTime}>`,
      `trail-insights insights show s3://example-trail-bucket/cloudtrail/ ${record.sharedEventID}`,
    ]);
    // Start and End of one insight land in one chat thread.
    expect(message.metadata.threadId).toBe(record.sharedEventID);
  });

  it('stays valid JSON when a value holds quotes, backslashes or a line break', () => {
    const record = structuredClone(perApi());
    record.insightDetails.insightContext.attributions![0]!.insight[0]!.value = 'arn:aws:iam::1:user/"quoted"\\back\nslash';
    const { paths, chatbot } = templates('InsightsPagingRule');
    const message = JSON.parse(applyInputTransformer(chatbot, paths, busEvent(record))) as { content: { description: string } };

    expect(message.content.description).toContain('*Top principal:* `arn:aws:iam::1:user/"quoted"\\back\nslash`');
  });
});

describe('Paging rules', () => {
  it('select per-API insights and group insights apart, so each gets its own link', () => {
    const api = Resources.InsightsPagingRule!;
    const groups = Resources.GroupInsightsPagingRule!;
    const source = (rule: typeof api) => (rule.Properties.EventPattern.detail as JsonObject).insightDetails as JsonObject;

    expect(api.Condition).toBe('PagesApis');
    expect(groups.Condition).toBe('PagesGroups');
    expect(source(api).eventSource).toEqual({ 'Fn::If': ['HasPagingApiSources', { 'Fn::Split': [',', { Ref: 'PagingApiSources' }] }, [{ 'anything-but': [GROUP_EVENT_SOURCE] }]] });
    expect(source(groups).eventSource).toEqual([GROUP_EVENT_SOURCE]);
    expect(groups.Properties.Targets[0]!.InputTransformer.InputPathsMap).toEqual(api.Properties.Targets[0]!.InputTransformer.InputPathsMap);
  });
});
