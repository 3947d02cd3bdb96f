/**
 * A CloudTrail log file that makes a deployed stack open one Insight, to check the whole
 * path end to end (docs/deploy.md, "Verify it works"):
 *
 *   KEY=$(npx tsx bench/synth/test-insight.ts --account 111122223333 --region eu-west-1 --out test-insight.json.gz)
 *   aws s3 cp test-insight.json.gz "s3://$BUCKET/$KEY" --region eu-west-1
 *
 * The file holds TEST_INSIGHT_CALLS write calls of an API no account has, in the minute
 * before now, under the trail's key layout with a delivery stamp of now: far above every
 * minimum (new series, warm-up, group), so the ingest function publishes a call-rate
 * Start for `trail-insights.test` / `TestInsight` within seconds of the upload, and the
 * evaluation ends it once its minutes are quiet. Prints the object key to upload to.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { minuteFromDate, minuteToDatePath, minuteToIso, minuteToStamp, type Minute } from '../../lib/time/minute.js';

export const TEST_INSIGHT_SOURCE = 'trail-insights.test';
export const TEST_INSIGHT_NAME = 'TestInsight';
/** Ten times the warm-up minimum (5 × minCount 10): a Start under any default-like configuration. */
export const TEST_INSIGHT_CALLS = 500;

export interface TestInsightOptions {
  account: string;
  region: string;
  /** The trail's key prefix, ending in '/' (or ''). */
  prefix?: string;
  /** o-... for an organization trail. */
  organizationId?: string;
  now?: Date;
}

/** The log file's key and gzip body. */
export function testInsightFile(options: TestInsightOptions): { key: string; body: Buffer } {
  const { account, region } = options;
  if (!/^\d{12}$/.test(account)) throw new Error(`--account must be 12 digits, got ${JSON.stringify(account)}`);
  if (!/^[a-z]{2}(-[a-z0-9]+)+$/.test(region)) throw new Error(`--region must be a region name like eu-west-1, got ${JSON.stringify(region)}`);
  const delivered: Minute = minuteFromDate(options.now ?? new Date());
  const calledAt = delivered - 1;
  const records = Array.from({ length: TEST_INSIGHT_CALLS }, (_, i) => ({
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/trail-insights-test/verify`, accountId: account },
    eventTime: minuteToIso(calledAt).replace(':00Z', `:${String(i % 60).padStart(2, '0')}Z`),
    eventSource: TEST_INSIGHT_SOURCE,
    eventName: TEST_INSIGHT_NAME,
    awsRegion: region,
    sourceIPAddress: '192.0.2.1',
    userAgent: 'trail-insights verify (bench/synth/test-insight.ts)',
    requestParameters: null,
    responseElements: null,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  }));
  const org = options.organizationId ? `${options.organizationId}/` : '';
  const name = `${account}_CloudTrail_${region}_${minuteToStamp(delivered)}_${randomBytes(8).toString('hex').slice(0, 16)}.json.gz`;
  const key = `${options.prefix ?? ''}AWSLogs/${org}${account}/CloudTrail/${region}/${minuteToDatePath(delivered)}/${name}`;
  return { key, body: gzipSync(JSON.stringify({ Records: records })) };
}

const USAGE = 'usage: npx tsx bench/synth/test-insight.ts --account ACCOUNT --region REGION --out FILE [--prefix PREFIX/] [--organization o-...]';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      account: { type: 'string' },
      region: { type: 'string' },
      out: { type: 'string' },
      prefix: { type: 'string', default: '' },
      organization: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.account || !values.region || !values.out) {
    console.error(USAGE);
    process.exit(2);
  }
  try {
    const { key, body } = testInsightFile({
      account: values.account,
      region: values.region,
      prefix: values.prefix,
      ...(values.organization && { organizationId: values.organization }),
    });
    writeFileSync(values.out, body);
    console.log(key);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
