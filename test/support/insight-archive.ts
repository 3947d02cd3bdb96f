import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { contextsFromTrail, countTrail } from '../../bench/report/trail-contexts.js';
import { findLocalFiles } from '../../lib/cli/trail-files.js';
import { main } from '../../lib/cli/main.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../lib/config/detector-config.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { contextKeyForRecord } from '../../lib/publish/context-file.js';
import { DirectoryContextWriter } from '../../lib/publish/context-writers.js';
import { datasetPath, insightExamples } from './datasets.js';

export interface InsightArchiveFixture {
  /** What `replay --out` wrote for the invictus run. */
  ours: InsightRecord[];
  /** AWS's published examples, placed in the AWS layout. */
  aws: InsightRecord[];
  /** An insight of ours whose context sidecar is there, one whose sidecar is corrupt. */
  withContext: string;
  brokenContext: string;
  /** Files that must be skipped, by key. */
  foreign: string;
  truncated: string;
}

const AWS_DIR = 'AWSLogs/888888888888/CloudTrail-Insight/us-east-1/2024/12/11';
const OLD_DIR = 'AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2019/11/14';
const ORG_DIR = 'AWSLogs/o-a1b2c3d4e5/246337027688/CloudTrail-Insight/eu-central-1/2022/04/12';

function put(root: string, key: string, body: string | Uint8Array): void {
  const path = join(root, ...key.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
}

/**
 * An Insights archive from real data, as a trail bucket would hold it: our Insights of
 * the invictus Stratus run (written by `replay --out`) with context sidecars computed
 * from its log files; AWS's published Insights records (gzip and plain, an organization
 * trail's layout, one record in two files); and what must be skipped: a CloudTrail log
 * file dropped among the Insights, a truncated gzip, a corrupt sidecar.
 */
export async function buildInsightArchive(root: string): Promise<InsightArchiveFixture> {
  const invictus = datasetPath('invictus-stratus-run');
  let jsonl = '';
  const code = await main(['replay', invictus, '--out', root, '--format', 'jsonl'], { stdout: (t) => (jsonl += t), stderr: () => {}, interactive: false, env: {} });
  if (code !== 0) throw new Error(`replay --out failed with ${code}`);
  const ours = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as InsightRecord);

  const [errorStart, errorEnd] = insightExamples('error-rate-2024.json') as unknown as InsightRecord[];
  const old = insightExamples('records.json') as unknown as InsightRecord[];
  put(root, `${AWS_DIR}/888888888888_CloudTrail-Insight_us-east-1_20241211T1655Z_AAAAAAAAAAAAAAAA.json.gz`, gzipSync(JSON.stringify({ Records: [errorStart, errorEnd] })));
  // AWS may deliver a record again in another file: listed once.
  put(root, `${AWS_DIR}/888888888888_CloudTrail-Insight_us-east-1_20241211T1700Z_BBBBBBBBBBBBBBBB.json.gz`, gzipSync(JSON.stringify({ Records: [errorEnd] })));
  put(root, `${OLD_DIR}/123456789012_CloudTrail-Insight_us-east-1_20191114T0100Z_CCCCCCCCCCCCCCCC.json`, JSON.stringify({ Records: old.filter((r) => r.recipientAccountId === '123456789012') }));
  put(root, `${ORG_DIR}/246337027688_CloudTrail-Insight_eu-central-1_20220412T1630Z_DDDDDDDDDDDDDDDD.json.gz`, gzipSync(JSON.stringify({ Records: old.filter((r) => r.recipientAccountId === '246337027688') })));
  const aws = [errorStart!, errorEnd!, ...old.filter((r) => r.recipientAccountId === '123456789012' || r.recipientAccountId === '246337027688')];

  const logFile = readdirSync(invictus).find((name) => name.endsWith('.json'))!;
  const foreign = `${AWS_DIR}/888888888888_CloudTrail-Insight_us-east-1_20241211T1705Z_EEEEEEEEEEEEEEEE.json`;
  put(root, foreign, readFileSync(join(invictus, logFile)));
  const whole = gzipSync(JSON.stringify({ Records: [errorStart] }));
  const truncated = `${AWS_DIR}/888888888888_CloudTrail-Insight_us-east-1_20241211T1710Z_FFFFFFFFFFFFFFFF.json.gz`;
  put(root, truncated, whole.subarray(0, Math.floor(whole.length / 2)));

  const found = await findLocalFiles([invictus]);
  const contexts = contextsFromTrail(await countTrail(found.files, DEFAULT_DETECTOR_CONFIG), ours, DEFAULT_DETECTOR_CONFIG);
  const [withContext, broken] = contexts;
  if (withContext === undefined || broken === undefined) throw new Error('the invictus run should give at least two contexts');
  await new DirectoryContextWriter({ root }).write([withContext]);
  const brokenRecord = ours.find((record) => record.sharedEventID === broken.sharedEventID)!;
  put(root, contextKeyForRecord(brokenRecord), gzipSync('{"v":1,"sharedEventID":'));
  return { ours, aws, withContext: withContext.sharedEventID, brokenContext: broken.sharedEventID, foreign, truncated };
}

/** Every file under a directory, as keys relative to it. */
export function filesOf(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; parentPath: string; name: string }>)
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}
