import { isWeekend, localHour, localWeekday, MS_PER_DAY, MS_PER_HOUR } from '../calendar.js';
import type { Cast } from '../cast.js';
import { api, denied } from '../catalog.js';
import type { AccountEnv, Behaviour } from '../env.js';
import * as ids from '../ids.js';
import { UA, type Actor } from '../identity.js';
import type { Rng } from '../rng.js';
import { eachDay, minutes, spread } from './kit.js';

/**
 * Account-specific routines: the nasty-but-normal patterns that recur inside the
 * baseline window (ephemeral environments built every morning and torn down every
 * evening, nightly EMR clusters, AWS Batch capacity, a weekly security scan) and the
 * benign one-offs a 7-day baseline has never seen (a monthly batch, an admin clean-up).
 */

/** The UTC time of `hour` local on the UTC day starting at `day`, or undefined if it falls outside it. */
function atLocal(day: number, hour: number, tz: number): number {
  return day + ((((hour - tz) % 24) + 24) % 24) * MS_PER_HOUR;
}

export interface EphemeralOptions {
  region: string;
  envs: readonly [number, number];
  createHour: number;
  teardownHour: number;
  tag?: (t: number, phase: 'create' | 'teardown') => string | undefined;
}

/**
 * Per-branch preview environments in a dev account: created each working morning,
 * deleted each working evening. Every teardown is a mass deletion (functions, roles,
 * buckets, tables) and every build an IAM and provisioning burst, on a daily rhythm.
 */
export class EphemeralEnvs implements Behaviour {
  readonly name = 'ephemeral-envs';
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: EphemeralOptions,
    rng: Rng,
  ) {
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const tz = env.info.tzHours;
    eachDay(from, to, (day) => {
      const n = rng.int(o.envs[0], o.envs[1]);
      const create = atLocal(day, o.createHour, tz) + rng.int(-20, 20) * 60_000;
      const teardown = atLocal(day, o.teardownHour, tz) + rng.int(-20, 20) * 60_000;
      for (const [t0, phase] of [
        [create, 'create'],
        [teardown, 'teardown'],
      ] as const) {
        if (t0 < from || isWeekend(t0, tz)) continue;
        const tag = o.tag?.(t0, phase);
        let t = t0;
        for (let e = 0; e < n; e++) {
          const stack = `preview-pr-${rng.int(1200, 1900)}`;
          this.stack(env, t, stack, phase, cast, tag);
          t += rng.int(20_000, 90_000);
        }
      }
    });
  }

  private stack(env: AccountEnv, t0: number, stack: string, phase: 'create' | 'teardown', cast: Cast, tag?: string): void {
    const { rng, o } = this;
    const ci: Actor = { ...cast.ci, sourceIp: rng.pick(cast.ciIps) };
    const cfn = cast.cfn;
    const emit = (t: number, key: string, actor: Actor, hints = {}): void => {
      env.emit({ t, region: o.region, api: key, actor, hints: { name: stack, ...hints } }, tag);
    };
    const span = rng.int(minutes(3), minutes(9));
    const at = (): number => t0 + rng.int(10_000, span);
    const fns = rng.int(2, 4);
    if (phase === 'create') {
      emit(t0, 'cloudformation:CreateStack', ci);
      for (let r = 0; r < 2; r++) {
        const h = { roleName: `${stack}-role${r}` };
        const t = at();
        emit(t, 'iam:CreateRole', cfn, h);
        emit(t + rng.int(1_000, 4_000), 'iam:PutRolePolicy', cfn, h);
        if (rng.chance(0.6)) emit(t + rng.int(4_000, 8_000), 'iam:AttachRolePolicy', cfn, h);
      }
      for (let f = 0; f < fns; f++) {
        const h = { name: `${stack}-fn${f}` };
        const t = at();
        emit(t, 'lambda:CreateFunction20150331', cfn, h);
        emit(t + rng.int(500, 3_000), 'logs:CreateLogGroup', cfn, h);
        emit(t + rng.int(3_000, 6_000), 'logs:PutRetentionPolicy', cfn, h);
      }
      emit(at(), 's3:CreateBucket', cfn, { bucket: `${stack}-assets-${rng.hex(6)}` });
      emit(at(), 'dynamodb:CreateTable', cfn, { name: `${stack}-table` });
    } else {
      emit(t0, 'cloudformation:DeleteStack', ci);
      const bucket = `${stack}-assets-${rng.hex(6)}`;
      const tb = at();
      for (let k = rng.int(3, 20); k > 0; k--) emit(tb + rng.int(0, 5_000), 's3:DeleteObject', cfn, { bucket });
      emit(tb + 6_000, 's3:DeleteBucket', cfn, { bucket });
      emit(at(), 'dynamodb:DeleteTable', cfn, { name: `${stack}-table` });
      for (let f = 0; f < fns; f++) {
        const h = { name: `${stack}-fn${f}` };
        const t = at();
        emit(t, 'lambda:DeleteFunction20150331', cfn, h);
        emit(t + rng.int(500, 3_000), 'logs:DeleteLogGroup', cfn, h);
      }
      for (let r = 0; r < 2; r++) {
        const h = { roleName: `${stack}-role${r}` };
        const t = at();
        emit(t, 'iam:DeleteRolePolicy', cfn, h);
        if (rng.chance(0.6)) emit(t + rng.int(1_000, 3_000), 'iam:DetachRolePolicy', cfn, h);
        emit(t + rng.int(3_000, 6_000), 'iam:DeleteRole', cfn, h);
      }
    }
  }
}

export interface ClusterOptions {
  name: string;
  region: string;
  /** Local hour of the nightly run. */
  hour: number;
  /** Core nodes per cluster. */
  nodes: readonly [number, number];
  /** Hours the cluster lives. */
  hours: readonly [number, number];
  /** Only on these UTC days (epoch-day predicate); default every day. */
  on?: (day: number) => boolean;
  tag?: (t: number) => string | undefined;
  /** Extra Glue jobs and Athena queries alongside (the monthly batch). */
  glueJobs?: number;
  athenaQueries?: number;
}

/**
 * An EMR cluster started by the orchestrator (Airflow): RunJobFlow, then the EMR service
 * launches each node, the job reads and writes S3, and the nodes are terminated.
 */
export class EmrCluster implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: ClusterOptions,
    rng: Rng,
  ) {
    this.name = o.name;
    this.rng = rng.fork(o.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const tz = env.info.tzHours;
    eachDay(from, to, (day) => {
      if (o.on && !o.on(day)) return;
      const t0 = atLocal(day, o.hour, tz) + rng.int(0, 15) * 60_000;
      if (t0 < from) return;
      const tag = o.tag?.(t0);
      const airflow = cast.app('airflow-worker', o.region, UA.boto3);
      const emr = cast.serviceActor('EMR_DefaultRole', 'elasticmapreduce.amazonaws.com');
      const nodes = rng.int(o.nodes[0], o.nodes[1]);
      env.emit({ t: t0, region: o.region, api: 'elasticmapreduce:RunJobFlow', actor: airflow, hints: { name: o.name, count: nodes } }, tag);
      const life = rng.uniform(o.hours[0], o.hours[1]) * MS_PER_HOUR;
      const launched: string[] = [];
      let t = t0 + rng.int(20_000, 60_000);
      for (let i = 0; i <= nodes; i++) {
        const id = ids.instanceId(rng);
        launched.push(id);
        t += rng.int(1_000, 12_000);
        env.emit({ t, region: o.region, api: 'ec2:RunInstances', actor: emr, hints: { instanceIds: [id], count: 1, instanceType: i === 0 ? 'm6g.xlarge' : 'r6g.2xlarge', name: o.name } }, tag);
        env.emit({ t: t + 1_500, region: o.region, api: 'kms:CreateGrant', actor: emr, hints: { name: 'ec2' } }, tag);
      }
      const worker = cast.app('EMR_EC2_DefaultRole', o.region, UA.boto3);
      for (const ts of spread(rng, t, life, Math.round((life / 60_000) * 6))) {
        env.emit({ t: ts, region: o.region, api: rng.chance(0.7) ? 's3:GetObject' : 's3:PutObject', actor: worker, hints: { bucket: `${env.account}-lake`, objectKey: `raw/${rng.hex(10)}.parquet` } });
      }
      if (o.glueJobs) {
        for (const ts of spread(rng, t0, minutes(40), o.glueJobs)) env.emit({ t: ts, region: o.region, api: 'glue:StartJobRun', actor: airflow, hints: { name: `monthly-${rng.int(1, 12)}` } }, tag);
      }
      if (o.athenaQueries) {
        for (const ts of spread(rng, t0, 2 * MS_PER_HOUR, o.athenaQueries)) env.emit({ t: ts, region: o.region, api: 'athena:StartQueryExecution', actor: airflow, hints: { name: 'billing' } }, tag);
      }
      let te = t0 + life;
      for (const id of launched) {
        te += rng.int(500, 4_000);
        env.emit({ t: te, region: o.region, api: 'ec2:TerminateInstances', actor: emr, hints: { instanceIds: [id] } }, tag);
      }
    });
  }
}

export interface BatchOptions {
  region: string;
  everyHours: number;
  instances: readonly [number, number];
}

/** AWS Batch scaling a compute environment up for queued jobs and back down after. */
export class BatchCapacity implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: BatchOptions,
    rng: Rng,
  ) {
    this.name = `batch/${o.region}`;
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const period = o.everyHours * MS_PER_HOUR;
    const batch = cast.serviceActor('AWSServiceRoleForBatch', 'batch.amazonaws.com', true);
    const submitter = cast.app('airflow-worker', o.region, UA.boto3);
    for (let t = Math.ceil(from / period) * period + minutes(10); t < to; t += period) {
      const t0 = t + rng.int(0, minutes(5));
      const jobs = rng.int(3, 12);
      for (let j = 0; j < jobs; j++) env.emit({ t: t0 + j * rng.int(500, 3_000), region: o.region, api: 'batch:SubmitJob', actor: submitter, hints: { name: `transform-${j}` } });
      const n = rng.int(o.instances[0], o.instances[1]);
      let tl = t0 + rng.int(30_000, 90_000);
      const launched: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = ids.instanceId(rng);
        launched.push(id);
        tl += rng.int(1_000, 15_000);
        env.emit({ t: tl, region: o.region, api: 'ec2:RunInstances', actor: batch, hints: { instanceIds: [id], count: 1, instanceType: 'c6i.2xlarge', name: 'batch-ce' } });
      }
      let tt = tl + rng.int(minutes(25), minutes(60));
      for (const id of launched) env.emit({ t: (tt += rng.int(1_000, 20_000)), region: o.region, api: 'ec2:TerminateInstances', actor: batch, hints: { instanceIds: [id] } });
    }
  }
}

export interface ScanOptions {
  regions: readonly string[];
  /** Local weekday (0 = Sunday) and hour. */
  weekday: number;
  hour: number;
  reads: number;
  denials: number;
}

const SCAN_READS = [
  'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeImages',
  'ec2:DescribeVpcs', 'ec2:DescribeFlowLogs', 'ec2:DescribeNetworkAcls', 'iam:ListUsers', 'iam:ListRoles', 'iam:ListPolicies',
  'iam:GetAccountPasswordPolicy', 'iam:ListAccessKeys', 'iam:GetAccountSummary', 's3:ListBuckets', 's3:GetBucketAcl',
  's3:GetBucketPolicy', 's3:GetBucketEncryption', 'kms:ListKeys', 'kms:DescribeKey', 'kms:GetKeyRotationStatus',
  'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'config:DescribeConfigurationRecorders', 'guardduty:ListDetectors',
  'lambda:ListFunctions20150331', 'rds:DescribeDBInstances', 'logs:DescribeLogGroups', 'sns:ListTopics', 'sqs:ListQueues',
];
const SCAN_DENIED = [
  'macie2:GetMacieSession', 'ds:DescribeDirectories', 'glue:GetDataCatalogEncryptionSettings', 'ssm:DescribeSessions',
  'secretsmanager:ListSecrets', 'backup:ListBackupVaults', 'elasticfilesystem:DescribeFileSystems', 'athena:ListWorkGroups',
  'organizations:DescribeOrganization', 'ecr:DescribeRepositories', 'ecs:ListClusters', 'dynamodb:ListTables', 'account:GetAlternateContact',
  'shield:DescribeSubscription', 'fms:ListPolicies',
];

/**
 * A weekly compliance scan (Prowler-style) from the security account: hundreds of reads
 * across every service and a few dozen AccessDenied where the audit role lacks a
 * permission. Seen in the baseline once a week; an error-rate detector must not read a
 * weekly scan as an attack, nor let it hide one.
 */
export class WeeklyScan implements Behaviour {
  readonly name = 'weekly-scan';
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: ScanOptions,
    rng: Rng,
  ) {
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const tz = env.info.tzHours;
    eachDay(from, to, (day) => {
      const t0 = atLocal(day, o.hour, tz) + rng.int(0, 10) * 60_000;
      if (t0 < from || t0 >= day + MS_PER_DAY || Math.abs(localHour(t0, tz) - o.hour) > 1) return;
      if (localWeekday(t0, tz) !== o.weekday) return;
      const scanner = cast.app('prowler-audit', env.home, UA.prowler);
      let t = t0;
      for (const region of o.regions) {
        const span = minutes(rng.int(8, 15));
        for (const ts of spread(rng, t, span, Math.round(o.reads / o.regions.length))) env.emit({ t: ts, region, api: rng.pick(SCAN_READS), actor: scanner });
        for (const ts of spread(rng, t, span, Math.round(o.denials / o.regions.length))) {
          const a = api(rng.pick(SCAN_DENIED));
          env.emit({ t: ts, region, api: a.key, actor: scanner, error: denied(a, `arn:aws:sts::${env.account}:assumed-role/prowler-audit/botocore-session`, region, env.account) });
        }
        t += span;
      }
    });
  }
}

export interface LogDeliveryOptions {
  region: string;
  /** Objects delivered per 5 minutes (one per source account-region and service). */
  objectsPer5Min: number;
}

/** CloudTrail and Config delivering log files into the log-archive bucket: data events only. */
export class LogDelivery implements Behaviour {
  readonly name = 'log-delivery';
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: LogDeliveryOptions,
    rng: Rng,
  ) {
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const period = minutes(5);
    for (let t = Math.ceil(from / period) * period; t < to; t += period) {
      for (let n = rng.poisson(o.objectsPer5Min); n > 0; n--) {
        const svc = rng.chance(0.8) ? 'cloudtrail.amazonaws.com' : 'config.amazonaws.com';
        env.emit({
          t: t + rng.int(0, period - 1),
          region: o.region,
          api: rng.chance(0.9) ? 's3:PutObject' : 's3:GetObject',
          actor: cast.service(svc),
          hints: { bucket: `org-log-archive-${env.account}`, objectKey: `AWSLogs/o-${rng.hex(10)}/${rng.hex(12)}.json.gz` },
        });
      }
    }
  }
}

export interface CleanupOptions {
  region: string;
  at: number;
  images: number;
  tag: string;
}

/**
 * A one-off: an engineer in the console deregisters old AMIs and deletes their snapshots,
 * one click at a time, for twenty minutes. Benign, never seen before, human-paced.
 */
export class AdminCleanup implements Behaviour {
  readonly name = 'admin-cleanup';
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: CleanupOptions,
    rng: Rng,
  ) {
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    if (o.at < from || o.at >= to) return;
    const admin = cast.humans.find((h) => !h.readOnly) ?? cast.humans[0];
    if (!admin) return;
    const actor: Actor = { ...admin.console, userAgent: UA.ec2Console };
    let t = o.at;
    for (let i = 0; i < o.images; i++) {
      env.emit({ t, region: o.region, api: 'ec2:DescribeImages', actor });
      env.emit({ t: (t += rng.int(4_000, 15_000)), region: o.region, api: 'ec2:DeregisterImage', actor }, o.tag);
      env.emit({ t: (t += rng.int(5_000, 20_000)), region: o.region, api: 'ec2:DeleteSnapshot', actor }, o.tag);
      t += rng.int(10_000, 30_000);
    }
  }
}

export interface RootVisitOptions {
  at: number;
}

/**
 * The root user signing in once to look at billing and account settings: rare, benign,
 * and the one place a trail shows `userIdentity.type: Root`.
 */
export class RootVisit implements Behaviour {
  readonly name = 'root-visit';
  private readonly rng: Rng;

  constructor(
    private readonly o: RootVisitOptions,
    rng: Rng,
  ) {
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o } = this;
    if (o.at < from || o.at >= to) return;
    const root: Actor = { principal: { type: 'Root' }, userAgent: rng.pick(UA.browser), sourceIp: ids.publicIp(rng), console: true, tls: true };
    env.emit({ t: o.at, region: 'us-east-1', api: 'signin:ConsoleLogin', actor: root });
    let t = o.at + rng.int(10_000, 40_000);
    for (let i = rng.int(5, 12); i > 0; i--) {
      const key = rng.pick(['ce:GetCostAndUsage', 'ce:GetCostForecast', 'account:GetContactInformation', 'iam:GetAccountSummary', 'billing:GetBillingPreferences']);
      env.emit({ t: (t += rng.int(5_000, 60_000)), region: 'us-east-1', api: key, actor: { ...root, userAgent: UA.consoleInternal } });
    }
  }
}
