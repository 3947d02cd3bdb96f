import { MS_PER_DAY, MS_PER_MINUTE } from './calendar.js';
import type { Cast } from './cast.js';
import { api, notFound } from './catalog.js';
import type { AccountInfo, Behaviour } from './env.js';
import { accountId } from './ids.js';
import { UA } from './identity.js';
import {
  accessDeniedStorm,
  elevation,
  iamBurst,
  kmsDeletion,
  massDeletion,
  newRegionProvisioning,
  provisioningSpike,
  throttlingStorm,
  type Incident,
} from './incidents.js';
import type { Rng } from './rng.js';
import { ConsoleSessions } from './background/console.js';
import { Deploys, type StackSpec } from './background/deploys.js';
import { Fleet } from './background/fleet.js';
import { Job, type JobOptions } from './background/jobs.js';
import { MonitoringPoller, SporadicDenials, SteadyCalls, TerraformPlans, ThrottleClusters } from './background/noise.js';
import { AdminCleanup, BatchCapacity, EmrCluster, EphemeralEnvs, LogDelivery, RootVisit, WeeklyScan } from './background/specials.js';
import { Workload } from './background/workload.js';

/**
 * The two datasets: `full`, the quality benchmark (four accounts of different character,
 * ten or more days, twenty labelled incidents after a seven-day warm-up), and `sample`,
 * a small trail to commit and replay (`npm start`).
 */
export type ProfileName = 'full' | 'sample';

export interface ProfileContext {
  rng: Rng;
  startMs: number;
  endMs: number;
  days: number;
  warmupEndMs: number;
}

export interface AccountPlan {
  info: AccountInfo;
  humans: number;
  readOnlyShare: number;
  behaviours: (cast: Cast, rng: Rng) => Behaviour[];
}

/** What the labels say about a decoy, by the id prefix of its tags. */
export interface DecoySpec {
  id: string;
  kind: string;
  policy: 'quiet' | 'either';
  account: string;
  region: string;
  description: string;
}

export interface Profile {
  name: ProfileName;
  deliveryEveryMinutes: number;
  gzipLevel: number;
  minDays: number;
  accounts: AccountPlan[];
  incidents: Incident[];
  decoys: DecoySpec[];
}

const dateOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** A time after warm-up: `dayOffset` days after it at `hh:mm` UTC, jittered by the seed. */
function afterWarmup(ctx: ProfileContext, id: string, dayOffset: number, hhmm: string, jitterMinutes = 15): number {
  const [h, m] = hhmm.split(':').map(Number);
  const jitter = ctx.rng.fork(`schedule/${id}`).int(-jitterMinutes, jitterMinutes);
  return ctx.warmupEndMs + dayOffset * MS_PER_DAY + ((h ?? 0) * 60 + (m ?? 0) + jitter) * MS_PER_MINUTE;
}

/** Tags decoy occurrences after warm-up, one label per occurrence day. */
const decoyTag = (ctx: ProfileContext, id: string) => (t: number): string | undefined =>
  t >= ctx.warmupEndMs ? `${id}#${dateOf(t)}` : undefined;

const job = (rng: Rng, o: JobOptions): Job => new Job(o, rng);

/** The periodic jobs every account runs per region: Config rule evaluations. */
function configRules(cast: Cast, rng: Rng, region: string): Job {
  return job(rng, {
    id: `config-rules-${region}`,
    region,
    everyMinutes: 15,
    offsetMinutes: 7,
    jitterMs: 20_000,
    actor: cast.app('config-rule-evaluator-lambda', region, UA.lambdaPython),
    calls: [{ api: 'config:PutEvaluations', count: [1, 3] }],
  });
}

function poller(cast: Cast, rng: Rng, region: string, everyMinutes: number, calls: readonly [number, number], deniedApi?: string): MonitoringPoller {
  return new MonitoringPoller(
    cast,
    {
      region,
      everyMinutes,
      callsPerPoll: calls,
      deniedApi,
      apis: [
        'monitoring:GetMetricData', 'monitoring:ListMetrics', 'ec2:DescribeInstances', 'ec2:DescribeVolumes', 'rds:DescribeDBInstances',
        'lambda:ListFunctions20150331', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups',
        'dynamodb:ListTables', 'sqs:ListQueues', 'tag:GetResources', 'autoscaling:DescribeAutoScalingGroups', 'ecs:ListClusters',
      ],
    },
    rng,
  );
}

function backupJob(cast: Cast, rng: Rng, region: string, volumes: number, offsetMinutes: number): Job {
  const backup = cast.serviceActor('AWSBackupDefaultServiceRole', 'backup.amazonaws.com');
  return job(rng, {
    id: `backup-${region}`,
    region,
    everyMinutes: 60,
    offsetMinutes,
    jitterMs: 90_000,
    actor: backup,
    calls: [
      { api: 'ec2:CreateSnapshot', count: [volumes, volumes], hints: (r) => ({ name: 'AWS Backup hourly' , volumeId: `vol-0${r.hex(16)}` }) },
      // Retention: the snapshots of a day ago expire a quarter of an hour later.
      { api: 'ec2:DeleteSnapshot', count: [volumes - 1, volumes], delayMs: 15 * MS_PER_MINUTE },
    ],
  });
}

const PROD_STACKS: StackSpec[] = [
  { name: 'checkout', lambdas: 3, ecsTasks: 6 },
  { name: 'catalog', lambdas: 2, ecsTasks: 4 },
  { name: 'payments', lambdas: 4, ecsTasks: 0 },
  { name: 'search', lambdas: 1, ecsTasks: 6 },
  { name: 'notifications', lambdas: 3, ecsTasks: 0 },
  { name: 'orders-v2', lambdas: 2, ecsTasks: 3 },
];

function prodAccount(ctx: ProfileContext, id: string): AccountPlan {
  const info: AccountInfo = {
    id,
    name: 'prod',
    character: 'busy production: customer traffic, autoscaling fleet, hourly backups, several deploys a day, a weekly release',
    tzHours: -5,
    regions: ['us-east-1', 'eu-west-1', 'us-west-2'],
  };
  return {
    info,
    humans: 12,
    readOnlyShare: 0.3,
    behaviours: (cast, rng) => [
      new Workload(cast, { name: 'traffic/us-east-1', region: 'us-east-1', apps: ['checkout', 'catalog', 'payments', 'search', 'notifications'], dataPerMin: 8, readsPerMin: 6, coldStartsPerMin: 0.6, metricsPerMin: 0.8 }, rng),
      new Workload(cast, { name: 'traffic/eu-west-1', region: 'eu-west-1', apps: ['checkout', 'catalog', 'search'], dataPerMin: 4, readsPerMin: 3, coldStartsPerMin: 0.3, metricsPerMin: 0.4 }, rng),
      new Workload(cast, { name: 'traffic/us-west-2', region: 'us-west-2', apps: ['checkout'], dataPerMin: 1.5, readsPerMin: 1, coldStartsPerMin: 0.1, metricsPerMin: 0.1 }, rng),
      // A new service rolled out gradually in Europe from day 3 to day 7 (decoy N03).
      new Workload(cast, { name: 'rollout/orders-v2', region: 'eu-west-1', apps: ['orders-v2'], dataPerMin: 2, readsPerMin: 1, coldStartsPerMin: 0.5, metricsPerMin: 0.6, rampFrom: ctx.startMs + 3 * MS_PER_DAY, rampTo: ctx.startMs + 7 * MS_PER_DAY, tag: 'N03', tagFrom: ctx.warmupEndMs }, rng),
      new ConsoleSessions(cast, { sessionsPerHour: 4, regions: [['us-east-1', 6], ['eu-west-1', 3], ['us-west-2', 1]], writeShare: 0.35 }, rng),
      new Deploys(cast, { name: 'deploys', stacks: PROD_STACKS, regions: [['us-east-1', 6], ['eu-west-1', 3], ['us-west-2', 1]], perWeekday: 6, iamShare: 0.25, weeklyRelease: { weekday: 5, hour: 11, region: 'us-east-1', tag: decoyTag(ctx, 'N01') } }, rng),
      new Fleet(cast, { name: 'fleet/us-east-1', region: 'us-east-1', group: 'web-asg', fixed: 3, base: 6, amplitude: 16, instanceType: 'm6i.large', scheduled: { hour: 8, hours: 4, extra: 12, tag: decoyTag(ctx, 'N02') }, startMs: ctx.startMs, endMs: ctx.endMs, tzHours: info.tzHours }, rng),
      new Fleet(cast, { name: 'fleet/eu-west-1', region: 'eu-west-1', group: 'web-asg-eu', fixed: 2, base: 3, amplitude: 6, instanceType: 'm6i.large', startMs: ctx.startMs, endMs: ctx.endMs, tzHours: info.tzHours }, rng),
      new Fleet(cast, { name: 'fleet/us-west-2', region: 'us-west-2', group: 'dr-asg', fixed: 2, base: 2, amplitude: 2, instanceType: 'm6i.large', startMs: ctx.startMs, endMs: ctx.endMs, tzHours: info.tzHours }, rng),
      new SteadyCalls(cast, { name: 'k8s-tagger', region: 'us-east-1', api: 'ec2:CreateTags', perMinute: 1.5, actor: (c) => c.app('aws-load-balancer-controller', 'us-east-1', UA.k8sController) }, rng),
      job(rng, { id: 'canary-heartbeat', region: 'us-east-1', everyMinutes: 1, offsetMinutes: 0, jitterMs: 3_000, actor: cast.app('synthetics-canary-lambda', 'us-east-1', UA.lambdaJs('cloudwatch')), calls: [{ api: 'monitoring:PutMetricData', count: [1, 1], hints: () => ({ namespace: 'CloudWatchSynthetics', name: 'SuccessPercent' }) }] }),
      backupJob(cast, rng, 'us-east-1', 12, 5),
      backupJob(cast, rng, 'eu-west-1', 6, 35),
      job(rng, { id: 'token-refresher', region: 'us-west-2', everyMinutes: 5, offsetMinutes: 2, jitterMs: 10_000, actor: cast.app('token-refresher-lambda', 'us-west-2', UA.lambdaJs('ssm')), calls: [{ api: 'ssm:PutParameter', count: [2, 2], hints: (_r, i) => ({ name: `/dr/partner-token-${i}` }) }] }),
      job(rng, { id: 'dr-copy', region: 'us-west-2', everyMinutes: 1440, offsetMinutes: 600, jitterMs: 120_000, actor: cast.serviceActor('AWSBackupDefaultServiceRole', 'backup.amazonaws.com'), calls: [{ api: 'ec2:CopySnapshot', count: [10, 10] }, { api: 'ec2:DeleteSnapshot', count: [9, 10], delayMs: 10 * MS_PER_MINUTE }] }),
      job(rng, { id: 'secrets-rotation', region: 'us-east-1', everyMinutes: 1440, offsetMinutes: 180, jitterMs: 60_000, actor: cast.serviceActor('SecretsManagerRotationRole', 'secretsmanager.amazonaws.com'), calls: [{ api: 'secretsmanager:PutSecretValue', count: [3, 3] }, { api: 'secretsmanager:UpdateSecretVersionStage', count: [3, 3], delayMs: 30_000 }] }),
      job(rng, { id: 'rds-snapshots', region: 'us-east-1', everyMinutes: 1440, offsetMinutes: 360, jitterMs: 60_000, actor: cast.app('db-maintenance-lambda', 'us-east-1', UA.lambdaPython), calls: [{ api: 'rds:CreateDBSnapshot', count: [2, 2] }] }),
      ...info.regions.map((r) => configRules(cast, rng, r)),
      new ThrottleClusters(cast, { region: 'us-east-1', clustersPerHour: 1.2, size: [5, 35], apis: ['ec2:DescribeInstances', 'ssm:GetParameters', 'kms:Decrypt', 'autoscaling:DescribeAutoScalingGroups', 'dynamodb:DescribeTable'], roles: ['checkout-task', 'catalog-task', 'k8s-node-controller'] }, rng),
      new ThrottleClusters(cast, { region: 'eu-west-1', clustersPerHour: 0.6, size: [5, 25], apis: ['ssm:GetParameters', 'kms:Decrypt', 'ec2:DescribeInstances'], roles: ['checkout-task', 'search-task'] }, rng),
      new SporadicDenials(cast, { region: 'us-east-1', perHour: 1, apis: ['iam:ListUsers', 's3:GetBucketPolicy', 'kms:Decrypt', 'ssm:GetParameter', 'secretsmanager:GetSecretValue', 'ec2:DescribeSnapshots', 'ce:GetCostAndUsage', 'organizations:ListAccounts', 'lambda:GetFunction20150331v2', 'sts:AssumeRole'] }, rng),
      new SporadicDenials(cast, { region: 'eu-west-1', perHour: 0.4, apis: ['s3:GetBucketPolicy', 'kms:Decrypt', 'ssm:GetParameter', 'ec2:DescribeSnapshots', 'lambda:GetFunction20150331v2'] }, rng),
      poller(cast, rng, 'us-east-1', 10, [10, 20], 'backup:ListBackupJobs'),
      poller(cast, rng, 'eu-west-1', 10, [6, 12]),
      poller(cast, rng, 'us-west-2', 10, [3, 8]),
      new RootVisit({ at: ctx.startMs + 4 * MS_PER_DAY + 15 * 60 * MS_PER_MINUTE + 10 * MS_PER_MINUTE }, rng),
    ],
  };
}

const DEV_STACKS: StackSpec[] = [
  { name: 'api', lambdas: 2, ecsTasks: 2 },
  { name: 'web', lambdas: 1, ecsTasks: 2 },
  { name: 'worker', lambdas: 3, ecsTasks: 0 },
  { name: 'etl', lambdas: 2, ecsTasks: 0 },
  { name: 'auth', lambdas: 2, ecsTasks: 0 },
  { name: 'gateway', lambdas: 1, ecsTasks: 2 },
];

function devAccount(ctx: ProfileContext, id: string): AccountPlan {
  const info: AccountInfo = {
    id,
    name: 'dev',
    character: 'development and CI: twenty deploys a day, preview environments built every morning and torn down every evening, developers in the console, noisy errors',
    tzHours: 1,
    regions: ['eu-west-1', 'us-east-1'],
  };
  return {
    info,
    humans: 16,
    readOnlyShare: 0.2,
    behaviours: (cast, rng) => [
      new Workload(cast, { name: 'traffic/eu-west-1', region: 'eu-west-1', apps: ['api', 'web', 'worker', 'etl'], dataPerMin: 1.5, readsPerMin: 1.5, coldStartsPerMin: 0.2, metricsPerMin: 0.1 }, rng),
      new Workload(cast, { name: 'traffic/us-east-1', region: 'us-east-1', apps: ['api'], dataPerMin: 0.5, readsPerMin: 0.5, coldStartsPerMin: 0.05, metricsPerMin: 0.05 }, rng),
      new ConsoleSessions(cast, { sessionsPerHour: 8, regions: [['eu-west-1', 7], ['us-east-1', 3]], writeShare: 0.5 }, rng),
      new Deploys(cast, { name: 'deploys', stacks: DEV_STACKS, regions: [['eu-west-1', 8], ['us-east-1', 2]], perWeekday: 22, iamShare: 0.3 }, rng),
      new EphemeralEnvs(cast, { region: 'eu-west-1', envs: [5, 12], createHour: 8, teardownHour: 19, tag: (t, phase) => decoyTag(ctx, phase === 'teardown' ? 'N04' : 'N05')(t) }, rng),
      new TerraformPlans(cast, { region: 'eu-west-1', perHour: 3 }, rng),
      new Fleet(cast, { name: 'fleet/eu-west-1', region: 'eu-west-1', group: 'dev-asg', fixed: 3, base: 2, amplitude: 3, instanceType: 't3.large', startMs: ctx.startMs, endMs: ctx.endMs, tzHours: info.tzHours }, rng),
      // A clean-up job still looking for functions of deleted preview environments.
      job(rng, { id: 'buggy-cleanup', region: 'eu-west-1', everyMinutes: 5, offsetMinutes: 1, jitterMs: 15_000, actor: cast.app('preview-janitor-lambda', 'eu-west-1', UA.lambdaPython), calls: [{ api: 'lambda:GetFunction20150331v2', count: [2, 3], hints: (r) => ({ name: `preview-pr-${r.int(1000, 1199)}-fn0` }), error: (r) => notFound(api('lambda:GetFunction20150331v2'), `arn:aws:lambda:eu-west-1:${id}:function:preview-pr-${r.int(1000, 1199)}-fn0`) }] }),
      job(rng, { id: 'nightly-db-refresh', region: 'eu-west-1', everyMinutes: 1440, offsetMinutes: 120, jitterMs: 60_000, actor: cast.app('db-refresh-lambda', 'eu-west-1', UA.lambdaPython), calls: [{ api: 'rds:CreateDBSnapshot', count: [1, 1] }, { api: 'rds:RestoreDBInstanceFromDBSnapshot', count: [1, 1], delayMs: 20 * MS_PER_MINUTE }] }),
      ...info.regions.map((r) => configRules(cast, rng, r)),
      new ThrottleClusters(cast, { region: 'eu-west-1', clustersPerHour: 1.5, size: [5, 30], apis: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'ssm:GetParameters'], roles: ['ci-runner'] }, rng),
      new SporadicDenials(cast, { region: 'eu-west-1', perHour: 2.5, apis: ['iam:CreateRole', 'iam:ListUsers', 's3:GetBucketPolicy', 'kms:Decrypt', 'ssm:GetParameter', 'ec2:RunInstances', 'lambda:UpdateFunctionCode20150331v2', 'secretsmanager:GetSecretValue', 'ec2:DescribeSnapshots'] }, rng),
      new SporadicDenials(cast, { region: 'us-east-1', perHour: 0.5, apis: ['s3:GetBucketPolicy', 'kms:Decrypt', 'ssm:GetParameter', 'ce:GetCostAndUsage'] }, rng),
      poller(cast, rng, 'eu-west-1', 15, [10, 20]),
      poller(cast, rng, 'us-east-1', 15, [3, 8]),
      new AdminCleanup(cast, { region: 'eu-west-1', at: afterWarmup(ctx, 'N07', 1, '10:15'), images: 25, tag: 'N07' }, rng),
    ],
  };
}

function dataAccount(ctx: ProfileContext, id: string): AccountPlan {
  const info: AccountInfo = {
    id,
    name: 'data',
    character: 'analytics: nightly EMR clusters, AWS Batch capacity every two hours, Glue and Athena on schedules, a monthly billing run, few people',
    tzHours: -5,
    regions: ['us-east-1', 'us-east-2'],
  };
  return {
    info,
    humans: 6,
    readOnlyShare: 0.5,
    behaviours: (cast, rng) => [
      new Workload(cast, { name: 'traffic/us-east-1', region: 'us-east-1', apps: ['ingest', 'lake', 'reports'], dataPerMin: 3, readsPerMin: 2, coldStartsPerMin: 0.15, metricsPerMin: 0.2 }, rng),
      new Workload(cast, { name: 'traffic/us-east-2', region: 'us-east-2', apps: ['transform'], dataPerMin: 1, readsPerMin: 0.7, coldStartsPerMin: 0.05, metricsPerMin: 0.05 }, rng),
      new ConsoleSessions(cast, { sessionsPerHour: 2, regions: [['us-east-1', 8], ['us-east-2', 2]], writeShare: 0.25 }, rng),
      new Deploys(cast, { name: 'deploys', stacks: [{ name: 'ingest', lambdas: 3, ecsTasks: 0 }, { name: 'reports', lambdas: 2, ecsTasks: 0 }, { name: 'lake', lambdas: 1, ecsTasks: 0 }], regions: [['us-east-1', 8], ['us-east-2', 2]], perWeekday: 2, iamShare: 0.35 }, rng),
      new EmrCluster(cast, { name: 'nightly-emr', region: 'us-east-1', hour: 2, nodes: [8, 14], hours: [1.5, 3] }, rng),
      // The monthly billing run on the 1st: never inside a 7-day baseline (decoy N06).
      new EmrCluster(cast, { name: 'monthly-billing', region: 'us-east-1', hour: 22, nodes: [60, 70], hours: [3, 4], on: (d) => new Date(d).getUTCDate() === 1, tag: (t) => (t >= ctx.warmupEndMs ? 'N06' : undefined), glueJobs: 40, athenaQueries: 150 }, rng),
      new BatchCapacity(cast, { region: 'us-east-2', everyHours: 2, instances: [2, 6] }, rng),
      job(rng, { id: 'dashboards', region: 'us-east-1', everyMinutes: 15, offsetMinutes: 0, jitterMs: 30_000, actor: cast.app('quicksight-refresh', 'us-east-1', UA.boto3), calls: [{ api: 'athena:StartQueryExecution', count: [6, 10] }, { api: 'athena:GetQueryExecution', count: [4, 8], delayMs: 5_000 }] }),
      job(rng, { id: 'glue-hourly', region: 'us-east-1', everyMinutes: 60, offsetMinutes: 20, jitterMs: 60_000, actor: cast.app('airflow-worker', 'us-east-1', UA.boto3), calls: [{ api: 'glue:StartJobRun', count: [3, 5] }, { api: 'glue:GetJobRun', count: [5, 15], delayMs: 60_000 }] }),
      job(rng, { id: 'ddb-backup', region: 'us-east-1', everyMinutes: 1440, offsetMinutes: 300, jitterMs: 60_000, actor: cast.app('airflow-worker', 'us-east-1', UA.boto3), calls: [{ api: 'dynamodb:CreateBackup', count: [4, 4] }] }),
      ...info.regions.map((r) => configRules(cast, rng, r)),
      new ThrottleClusters(cast, { region: 'us-east-1', clustersPerHour: 0.5, size: [5, 20], apis: ['glue:GetTable', 'athena:GetQueryExecution'], roles: ['airflow-worker'] }, rng),
      new SporadicDenials(cast, { region: 'us-east-1', perHour: 0.6, apis: ['s3:GetBucketPolicy', 'kms:Decrypt', 'glue:GetTable', 'athena:GetQueryResults', 'iam:ListRoles'] }, rng),
      poller(cast, rng, 'us-east-1', 10, [6, 12]),
      poller(cast, rng, 'us-east-2', 10, [3, 6]),
    ],
  };
}

function securityAccount(startMs: number, id: string): AccountPlan {
  const regions = ['us-east-1', 'eu-central-1', 'ap-southeast-2'];
  const info: AccountInfo = {
    id,
    name: 'security',
    character: 'quiet security / log archive: log delivery, Security Hub and Config findings, a per-minute canary, a weekly compliance scan, rare people',
    tzHours: 0,
    regions,
  };
  return {
    info,
    humans: 4,
    readOnlyShare: 0.5,
    behaviours: (cast, rng) => [
      new LogDelivery(cast, { region: 'us-east-1', objectsPer5Min: 5 }, rng),
      new Workload(cast, { name: 'traffic/us-east-1', region: 'us-east-1', apps: ['siem-forwarder'], dataPerMin: 1, readsPerMin: 1, coldStartsPerMin: 0.05, metricsPerMin: 0 }, rng),
      new ConsoleSessions(cast, { sessionsPerHour: 0.8, regions: [['us-east-1', 8], ['eu-central-1', 2]], writeShare: 0.15 }, rng),
      new Deploys(cast, { name: 'deploys', stacks: [{ name: 'siem-forwarder', lambdas: 2, ecsTasks: 0 }, { name: 'guardrails', lambdas: 3, ecsTasks: 0 }], regions: [['us-east-1', 8], ['eu-central-1', 2]], perWeekday: 0.4, iamShare: 0.5 }, rng),
      ...regions.flatMap((region, i) => [
        job(rng, { id: `heartbeat-${region}`, region, everyMinutes: 1, offsetMinutes: 0, jitterMs: 5_000, actor: cast.app('security-canary-lambda', region, UA.lambdaJs('cloudwatch')), calls: [{ api: 'monitoring:PutMetricData', count: [1, 1], hints: () => ({ namespace: 'Security/Canary', name: 'Heartbeat' }) }] }),
        job(rng, { id: `securityhub-${region}`, region, everyMinutes: 5, offsetMinutes: i, jitterMs: 30_000, actor: cast.serviceActor('AWSServiceRoleForSecurityHub', 'securityhub.amazonaws.com', true), calls: [{ api: 'securityhub:BatchImportFindings', count: [1, 2] }] }),
        job(rng, { id: `guardduty-${region}`, region, everyMinutes: 5, offsetMinutes: 3, jitterMs: 30_000, actor: cast.serviceActor('AWSServiceRoleForAmazonGuardDuty', 'guardduty.amazonaws.com', true), calls: [{ api: 'ec2:DescribeInstances', count: [1, 3] }, { api: 'ec2:DescribeSecurityGroups', count: [0, 2] }] }),
        configRules(cast, rng, region),
      ]),
      job(rng, { id: 'credential-report', region: 'us-east-1', everyMinutes: 1440, offsetMinutes: 360, jitterMs: 60_000, actor: cast.app('iam-audit-lambda', 'us-east-1', UA.lambdaPython), calls: [{ api: 'iam:GenerateCredentialReport', count: [1, 2] }, { api: 'iam:GetCredentialReport', count: [1, 1], delayMs: 20_000 }] }),
      job(rng, { id: 'athena-siem', region: 'us-east-1', everyMinutes: 60, offsetMinutes: 12, jitterMs: 60_000, actor: cast.app('siem-query-lambda', 'us-east-1', UA.lambdaPython), calls: [{ api: 'athena:StartQueryExecution', count: [2, 4] }, { api: 'athena:GetQueryResults', count: [2, 6], delayMs: 30_000 }] }),
      new WeeklyScan(cast, { regions, weekday: 3, hour: 2, reads: 600, denials: 30 }, rng),
      new SporadicDenials(cast, { region: 'us-east-1', perHour: 0.15, apis: ['s3:GetBucketPolicy', 'kms:Decrypt', 'iam:ListUsers'] }, rng),
      new RootVisit({ at: startMs + 2 * MS_PER_DAY + 9 * 60 * MS_PER_MINUTE + 42 * MS_PER_MINUTE }, rng),
    ],
  };
}

function fullIncidents(ctx: ProfileContext): Incident[] {
  const at = (id: string, d: number, hhmm: string): number => afterWarmup(ctx, id, d, hhmm);
  return [
    { id: 'I01', kind: 'iam-burst', size: 'large', account: 'prod', region: 'us-east-1', at: at('I01', 0, '03:12'), description: 'Dormant IAM user key used at night from a new address and tool: creates users, access keys, login profiles, attaches AdministratorAccess, backdoor roles', inject: iamBurst({ users: 6, extraKeys: 4, roles: 2, spanMinutes: 9 }, 'user', 'tf-state-admin') },
    { id: 'I02', kind: 'provisioning-spike', size: 'large', account: 'prod', region: 'us-east-1', at: at('I02', 1, '15:20'), description: 'Stolen role launches 70 RunInstances of 10-40 GPU/compute instances in 12 minutes, during business hours while the fleet is scaling', inject: provisioningSpike({ calls: 70, perCall: [10, 40], spanMinutes: 12 }, 'us-east-1', 'ci-legacy-runner') },
    { id: 'I03', kind: 'kms-key-deletion', size: 'large', account: 'prod', region: 'eu-west-1', at: at('I03', 2, '04:40'), description: 'Saturday night: 30 customer keys disabled and scheduled for deletion in 6 minutes', inject: kmsDeletion({ keys: 30, disableShare: 1, spanMinutes: 6 }, 'eu-west-1', 'ops-breakglass') },
    { id: 'I04', kind: 'job-stop', size: 'medium', account: 'prod', region: 'us-west-2', at: at('I04', 1, '18:00'), jobId: 'token-refresher', until: Infinity, eventSource: 'ssm.amazonaws.com', eventName: 'PutParameter', description: 'The partner-token refresher (2 PutParameter every 5 minutes) stops for good' },
    { id: 'I05', kind: 'slow-elevation', size: 'medium', account: 'prod', region: 'us-east-1', at: at('I05', 2, '10:00'), description: 'A Kubernetes controller stuck in a loop: CreateTags at ~4x its usual steady rate for 2.5 hours', inject: elevation({ api: 'ec2:CreateTags', extraPerMinute: 5, minutes: 150, actor: (c) => c.app('aws-load-balancer-controller', 'us-east-1', UA.k8sController) }, 'us-east-1') },
    { id: 'I06', kind: 'throttling-storm', size: 'large', account: 'prod', region: 'eu-west-1', at: at('I06', 0, '20:05'), description: 'A crash-looping service hammers SSM parameters: ~90 ThrottlingException a minute for 35 minutes at busy time', inject: throttlingStorm({ apis: ['ssm:GetParameter', 'ssm:GetParametersByPath'], perMinute: 90, minutes: 35, role: 'checkout-task' }, 'eu-west-1') },
    { id: 'I07', kind: 'access-denied-storm', size: 'large', account: 'dev', region: 'eu-west-1', at: at('I07', 1, '22:30'), description: 'A leaked low-privilege key enumerates permissions: ~450 denials over 60 APIs in 25 minutes (IAM ones filed in us-east-1)', inject: accessDeniedStorm({ errors: 450, apis: 60, spanMinutes: 25, allowed: 0.1 }, 'eu-west-1', 'qa-automation') },
    { id: 'I08', kind: 'new-region-provisioning', size: 'medium', account: 'dev', region: 'sa-east-1', at: at('I08', 2, '01:50'), description: 'Crypto-mining in a region the account never used: key pair, open security group, 14 GPU RunInstances', inject: newRegionProvisioning({ runs: 14, spanMinutes: 8 }, 'sa-east-1', 'dev-sandbox-user') },
    { id: 'I09', kind: 'new-region-provisioning', size: 'modest', account: 'dev', region: 'ap-northeast-1', at: at('I09', 2, '02:25'), description: 'Same campaign, second never-used region: key pair, security group, 6 RunInstances', inject: newRegionProvisioning({ runs: 6, spanMinutes: 4 }, 'ap-northeast-1', 'dev-sandbox-user') },
    { id: 'I10', kind: 'mass-deletion', size: 'large', account: 'data', region: 'us-east-1', at: at('I10', 0, '13:30'), description: 'Destruction at the start of the working day: 120 snapshots, 25 instances, 8 DB snapshots, 12 buckets in 15 minutes', inject: massDeletion({ snapshots: 120, buckets: 12, instances: 25, dbSnapshots: 8, spanMinutes: 15 }, 'us-east-1', 'data-platform-admin') },
    { id: 'I11', kind: 'provisioning-spike', size: 'modest', account: 'data', region: 'us-east-2', at: at('I11', 2, '16:10'), description: 'Saturday: 24 RunInstances in 6 minutes where AWS Batch launches 2-6 every two hours', inject: provisioningSpike({ calls: 24, perCall: [2, 6], spanMinutes: 6 }, 'us-east-2', 'batch-submitter') },
    { id: 'I12', kind: 'iam-burst', size: 'modest', account: 'security', region: 'us-east-1', at: at('I12', 1, '07:40'), description: 'Quiet account: about a dozen IAM writes in 5 minutes (two users with keys, a backdoor role)', inject: iamBurst({ users: 2, extraKeys: 1, roles: 1, spanMinutes: 5 }, 'role', 'log-reader') },
    { id: 'I13', kind: 'job-stop', size: 'medium', account: 'security', region: 'eu-central-1', at: at('I13', 0, '22:00'), jobId: 'heartbeat-eu-central-1', until: at('I13', 0, '22:00') + 210 * MS_PER_MINUTE, eventSource: 'monitoring.amazonaws.com', eventName: 'PutMetricData', description: 'The per-minute security canary goes silent for 3.5 hours overnight' },
    { id: 'I14', kind: 'error-elevation', size: 'medium', account: 'dev', region: 'eu-west-1', at: at('I14', 0, '09:30'), description: 'A broken config makes the janitor call GetFunction every minute: ResourceNotFoundException at ~5x its usual rate for 2.5 hours', inject: elevation({ api: 'lambda:GetFunction20150331v2', extraPerMinute: 2, minutes: 150, actor: (c) => c.app('preview-janitor-lambda', 'eu-west-1', UA.lambdaPython), error: (r) => notFound(api('lambda:GetFunction20150331v2'), `preview-pr-${r.int(1000, 1199)}-fn1`) }, 'eu-west-1') },
    { id: 'I15', kind: 'new-region-provisioning', size: 'medium', account: 'prod', region: 'ap-south-1', at: at('I15', 0, '23:40'), description: 'Crypto-mining in a region production never used: 10 RunInstances after key pair and open security group', inject: newRegionProvisioning({ runs: 10, spanMinutes: 6 }, 'ap-south-1', 'legacy-deployer') },
    { id: 'I16', kind: 'access-denied-storm', size: 'modest', account: 'security', region: 'eu-central-1', at: at('I16', 2, '13:00'), description: 'Saturday: ~60 denials across 25 APIs in 12 minutes in the quiet account', inject: accessDeniedStorm({ errors: 60, apis: 25, spanMinutes: 12, allowed: 0.15 }, 'eu-central-1', 'auditor-temp') },
    { id: 'I17', kind: 'mass-deletion', size: 'modest', account: 'prod', region: 'us-west-2', at: at('I17', 0, '06:15'), description: 'Night: 40 snapshots and 6 DB snapshots deleted in 8 minutes, an hour after the daily DR retention job', inject: massDeletion({ snapshots: 40, buckets: 0, instances: 0, dbSnapshots: 6, spanMinutes: 8 }, 'us-west-2', 'dr-operator') },
    { id: 'I18', kind: 'iam-burst', size: 'medium', account: 'data', region: 'us-east-1', at: at('I18', 1, '23:00'), description: 'Slow persistence by a stolen CI key: ~22 IAM writes spread over 20 minutes late at night', inject: iamBurst({ users: 3, extraKeys: 3, roles: 2, spanMinutes: 20 }, 'user', 'airflow-deployer') },
    { id: 'I19', kind: 'kms-key-deletion', size: 'modest', account: 'data', region: 'us-east-2', at: at('I19', 2, '21:00'), description: 'Eight keys scheduled for deletion (five disabled first) in 3 minutes; no KMS writes like it in the baseline', inject: kmsDeletion({ keys: 8, disableShare: 0.6, spanMinutes: 3 }, 'us-east-2', 'analytics-admin') },
    { id: 'I20', kind: 'throttling-storm', size: 'medium', account: 'dev', region: 'eu-west-1', at: at('I20', 1, '03:00'), description: 'A stuck pipeline polls CloudFormation all night: ~25 Throttling a minute for 40 minutes at 04:00 local', inject: throttlingStorm({ apis: ['cloudformation:DescribeStacks'], perMinute: 25, minutes: 40, role: 'ci-runner' }, 'eu-west-1') },
  ];
}

const FULL_DECOYS: DecoySpec[] = [
  { id: 'N01', kind: 'weekly-release', policy: 'quiet', account: 'prod', region: 'us-east-1', description: 'Friday release: every stack deployed back to back for about an hour (last week\'s is in the baseline)' },
  { id: 'N02', kind: 'scheduled-scale-out', policy: 'quiet', account: 'prod', region: 'us-east-1', description: 'Working-day 08:00 local scheduled scale-out: a dozen RunInstances in a couple of minutes' },
  { id: 'N03', kind: 'gradual-rollout', policy: 'quiet', account: 'prod', region: 'eu-west-1', description: 'orders-v2 ramped from day 3 to day 7: CreateLogStream and PutMetricData above their 7-day mean, but flat since' },
  { id: 'N04', kind: 'nightly-teardown', policy: 'quiet', account: 'dev', region: 'eu-west-1', description: 'Working-day evening deletion of preview environments: functions, log groups, roles, buckets, tables' },
  { id: 'N05', kind: 'morning-environments', policy: 'quiet', account: 'dev', region: 'eu-west-1', description: 'Working-day morning creation of preview environments: roles, functions, buckets, tables' },
  { id: 'N06', kind: 'monthly-batch', policy: 'either', account: 'data', region: 'us-east-1', description: 'Monthly billing run on the 1st: a 60-70 node EMR cluster, 40 Glue jobs, 150 Athena queries; never in a 7-day baseline' },
  { id: 'N07', kind: 'admin-cleanup', policy: 'either', account: 'dev', region: 'eu-west-1', description: 'One-off: an engineer deregisters 25 old AMIs and deletes their snapshots by hand over 20 minutes' },
];

function sampleAccount(ctx: ProfileContext, id: string): AccountPlan {
  const info: AccountInfo = {
    id,
    name: 'demo',
    character: 'a small production account: light traffic, a small fleet, a token refresher, hourly backups, two deploys a day',
    tzHours: -5,
    regions: ['us-east-1', 'eu-west-1'],
  };
  return {
    info,
    humans: 5,
    readOnlyShare: 0.4,
    behaviours: (cast, rng) => [
      new Workload(cast, { name: 'traffic/us-east-1', region: 'us-east-1', apps: ['shop', 'auth'], dataPerMin: 0.3, readsPerMin: 0.2, coldStartsPerMin: 0.05, metricsPerMin: 0.05 }, rng),
      new Workload(cast, { name: 'traffic/eu-west-1', region: 'eu-west-1', apps: ['shop'], dataPerMin: 0.15, readsPerMin: 0.1, coldStartsPerMin: 0.02, metricsPerMin: 0.02 }, rng),
      new ConsoleSessions(cast, { sessionsPerHour: 0.8, regions: [['us-east-1', 7], ['eu-west-1', 3]], writeShare: 0.3 }, rng),
      new Deploys(cast, { name: 'deploys', stacks: [{ name: 'shop', lambdas: 2, ecsTasks: 2 }, { name: 'auth', lambdas: 2, ecsTasks: 0 }], regions: [['us-east-1', 7], ['eu-west-1', 3]], perWeekday: 2, iamShare: 0.25 }, rng),
      new Fleet(cast, { name: 'fleet/us-east-1', region: 'us-east-1', group: 'shop-asg', fixed: 0, base: 1, amplitude: 1, instanceType: 'm6i.large', startMs: ctx.startMs, endMs: ctx.endMs, tzHours: info.tzHours }, rng),
      job(rng, { id: 'token-refresher', region: 'us-east-1', everyMinutes: 10, offsetMinutes: 2, jitterMs: 10_000, actor: cast.app('token-refresher-lambda', 'us-east-1', UA.lambdaJs('ssm')), calls: [{ api: 'ssm:PutParameter', count: [1, 1], hints: () => ({ name: '/shop/partner-token' }) }] }),
      backupJob(cast, rng, 'us-east-1', 2, 5),
      new SporadicDenials(cast, { region: 'us-east-1', perHour: 0.2, apis: ['s3:GetBucketPolicy', 'kms:Decrypt', 'iam:ListUsers'] }, rng),
      new ThrottleClusters(cast, { region: 'us-east-1', clustersPerHour: 0.3, size: [3, 10], apis: ['ssm:GetParameters', 'ec2:DescribeInstances'], roles: ['shop-task'] }, rng),
      new RootVisit({ at: ctx.startMs + 1 * MS_PER_DAY + 16 * 60 * MS_PER_MINUTE + 5 * MS_PER_MINUTE }, rng),
    ],
  };
}

function sampleIncidents(ctx: ProfileContext): Incident[] {
  const at = (id: string, d: number, hhmm: string): number => afterWarmup(ctx, id, d, hhmm, 5);
  return [
    { id: 'S01', kind: 'iam-burst', size: 'large', account: 'demo', region: 'us-east-1', at: at('S01', 0, '03:10'), description: 'Dormant IAM user key used at night: users, access keys, admin policies, a backdoor role', inject: iamBurst({ users: 5, extraKeys: 2, roles: 1, spanMinutes: 8 }, 'user', 'tf-state-admin') },
    { id: 'S02', kind: 'access-denied-storm', size: 'large', account: 'demo', region: 'us-east-1', at: at('S02', 0, '10:20'), description: 'A leaked low-privilege key enumerates permissions: ~250 denials over 40 APIs in 15 minutes', inject: accessDeniedStorm({ errors: 250, apis: 40, spanMinutes: 15, allowed: 0.1 }, 'us-east-1', 'qa-automation') },
    { id: 'S03', kind: 'new-region-provisioning', size: 'medium', account: 'demo', region: 'ap-south-1', at: at('S03', 0, '15:40'), description: 'Crypto-mining in a never-used region: key pair, open security group, 12 RunInstances', inject: newRegionProvisioning({ runs: 12, spanMinutes: 6 }, 'ap-south-1', 'legacy-deployer') },
    { id: 'S04', kind: 'job-stop', size: 'medium', account: 'demo', region: 'us-east-1', at: at('S04', 0, '19:00'), jobId: 'token-refresher', until: Infinity, eventSource: 'ssm.amazonaws.com', eventName: 'PutParameter', description: 'The token refresher (one PutParameter every 10 minutes) stops for good' },
  ];
}

export function buildProfile(name: ProfileName, ctx: ProfileContext): Profile {
  const idRng = ctx.rng.fork('account-ids');
  if (name === 'sample') {
    return {
      name,
      // Files every 5 minutes as CloudTrail delivers them, so the sample replays with the
      // default 20-minute lateness; three days keep it to about two thousand small files.
      deliveryEveryMinutes: 5,
      gzipLevel: 9,
      minDays: 3,
      accounts: [sampleAccount(ctx, accountId(idRng))],
      incidents: sampleIncidents(ctx),
      decoys: [],
    };
  }
  const ids = { prod: accountId(idRng), dev: accountId(idRng), data: accountId(idRng), security: accountId(idRng) };
  return {
    name,
    deliveryEveryMinutes: 5,
    // Level 3 writes twice as fast as the default 6 for 15% more bytes.
    gzipLevel: 3,
    minDays: 10,
    accounts: [prodAccount(ctx, ids.prod), devAccount(ctx, ids.dev), dataAccount(ctx, ids.data), securityAccount(ctx.startMs, ids.security)],
    incidents: fullIncidents(ctx),
    decoys: FULL_DECOYS,
  };
}

