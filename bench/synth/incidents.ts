import { MS_PER_MINUTE } from './calendar.js';
import type { Cast } from './cast.js';
import { api, denied, throttled, type ErrorSpec } from './catalog.js';
import type { AccountEnv, Behaviour } from './env.js';
import * as ids from './ids.js';
import { iamUser, role, type Actor } from './identity.js';
import type { IncidentKind, IncidentSize } from './labels.js';
import type { Rng } from './rng.js';
import { spread } from './background/kit.js';

/**
 * The injected incidents. Each writes its calls, tagged with its id, so the labels can
 * say exactly which records and series it added. Attackers use their own principal,
 * address and user agent: attribution should point at them, as it would in a real case.
 */

export interface IncidentBase {
  id: string;
  kind: IncidentKind;
  size: IncidentSize;
  /** Account name, as in the profile. */
  account: string;
  region: string;
  at: number;
  description: string;
}

/** An incident that adds calls. */
export interface InjectedIncident extends IncidentBase {
  inject: (env: AccountEnv, cast: Cast, rng: Rng, tag: string, at: number) => void;
}

/** An incident that takes a job's calls away. */
export interface StopIncident extends IncidentBase {
  kind: 'job-stop';
  jobId: string;
  /** When the job comes back; `Infinity` for good. */
  until: number;
  /** The job's series (call rate), what a detector should see drop. */
  eventSource: string;
  eventName: string;
}

export type Incident = InjectedIncident | StopIncident;

export const isStop = (i: Incident): i is StopIncident => i.kind === 'job-stop';

/** Adapts an injected incident to the behaviour interface. */
export class IncidentBehaviour implements Behaviour {
  readonly name: string;
  private done = false;

  constructor(
    private readonly incident: InjectedIncident,
    private readonly cast: Cast,
    private readonly rng: Rng,
  ) {
    this.name = `incident/${incident.id}`;
  }

  generate(env: AccountEnv, from: number, to: number): void {
    if (this.done || this.incident.at < from || this.incident.at >= to) return;
    this.done = true;
    this.incident.inject(env, this.cast, this.rng.fork(this.incident.id), this.incident.id, this.incident.at);
  }
}

const ATTACKER_UAS = [
  'aws-cli/1.18.69 Python/3.8.10 Linux/5.4.0-1045-aws botocore/1.17.12',
  'Boto3/1.9.201 Python/3.7.3 Linux/4.19.0-18-cloud-amd64 Botocore/1.12.201',
  'aws-sdk-go/1.43.12 (go1.18.1; linux; amd64)',
  'python-requests/2.28.1 Boto3/1.26.0 Botocore/1.29.0 Pacu/1.5.1',
  'aws-cli/2.13.0 Python/3.11.4 Linux/6.2.0-1009-kali exe/x86_64.kali.2023 prompt/off',
];

/** A caller nobody has seen in this account: a dormant IAM user whose key leaked, or a stolen role session. */
export function attacker(rng: Rng, kind: 'user' | 'role', name: string): Actor {
  return {
    principal: kind === 'user' ? iamUser(rng, name) : role(rng, name),
    userAgent: rng.pick(ATTACKER_UAS),
    sourceIp: ids.publicIp(rng),
    console: false,
    session: kind === 'role' ? `i-0${rng.hex(16)}` : undefined,
    tls: true,
  };
}

type Emit = (t: number, key: string, hints?: Record<string, unknown>, error?: ErrorSpec) => void;

function emitter(env: AccountEnv, region: string, actor: Actor, tag: string): Emit {
  return (t, key, hints = {}, error) => {
    env.emit({ t, region, api: key, actor, hints, error }, tag);
  };
}

function recon(rng: Rng, emit: Emit, t0: number, keys: readonly string[], n: number): number {
  let t = t0;
  for (let i = 0; i < n; i++) emit((t += rng.int(300, 4_000)), rng.pick(keys));
  return t;
}

export interface IamBurstSize {
  users: number;
  /** Extra access keys minted for existing users (persistence). */
  extraKeys: number;
  /** Backdoor roles (CreateRole + UpdateAssumeRolePolicy + PutRolePolicy). */
  roles: number;
  spanMinutes: number;
}

/** A compromised identity creating users, keys, login profiles and admin policies. */
export function iamBurst(size: IamBurstSize, who: 'user' | 'role', name: string) {
  return (env: AccountEnv, _cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = attacker(rng, who, name);
    const emit = emitter(env, 'us-east-1', actor, tag);
    const t = recon(rng, emit, at, ['sts:GetCallerIdentity', 'iam:ListUsers', 'iam:ListRoles', 'iam:ListAttachedUserPolicies', 'iam:GetAccountAuthorizationDetails'], rng.int(4, 10));
    const steps: Array<[string, Record<string, unknown>]> = [];
    for (let u = 0; u < size.users; u++) {
      const userName = rng.pick(['svc-', 'backup-', 'ops-', 'support-', 'ci-']) + rng.hex(5);
      steps.push(['iam:CreateUser', { userName }]);
      steps.push(['iam:CreateAccessKey', { userName }]);
      steps.push(['iam:AttachUserPolicy', { userName }]);
      if (rng.chance(0.6)) steps.push(['iam:PutUserPolicy', { userName }]);
      if (rng.chance(0.5)) steps.push(['iam:CreateLoginProfile', { userName }]);
      if (rng.chance(0.4)) steps.push(['iam:AddUserToGroup', { userName }]);
    }
    for (let k = 0; k < size.extraKeys; k++) steps.push(['iam:CreateAccessKey', { userName: rng.pick(['deploy', 'svc-reporting', 'admin', 'terraform']) }]);
    for (let r = 0; r < size.roles; r++) {
      const roleName = `AWSSupportAccess-${rng.hex(4)}`;
      steps.push(['iam:CreateRole', { roleName }]);
      steps.push(['iam:UpdateAssumeRolePolicy', { roleName }]);
      steps.push(['iam:PutRolePolicy', { roleName }]);
    }
    // Scripts walk their list in order; the timing is what spreads.
    const times = spread(rng, t + 2_000, size.spanMinutes * MS_PER_MINUTE, steps.length);
    steps.forEach(([key, hints], i) => emit(times[i] ?? t, key, hints));
  };
}

export interface ProvisioningSize {
  /** RunInstances calls. */
  calls: number;
  /** Instances per call. */
  perCall: readonly [number, number];
  spanMinutes: number;
}

const MINER_TYPES = ['p3.16xlarge', 'g5.12xlarge', 'g4dn.12xlarge', 'c5.24xlarge', 'p4d.24xlarge', 'c6i.32xlarge'];

/** A stolen role launching many large instances in a region the account uses. */
export function provisioningSpike(size: ProvisioningSize, region: string, name: string) {
  return (env: AccountEnv, _cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = attacker(rng, 'role', name);
    const emit = emitter(env, region, actor, tag);
    const t = recon(rng, emit, at, ['ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'], rng.int(3, 8));
    const ami = ids.amiId(rng);
    for (const ts of spread(rng, t + 1_000, size.spanMinutes * MS_PER_MINUTE, size.calls)) {
      const count = rng.int(size.perCall[0], size.perCall[1]);
      const type = rng.pick(MINER_TYPES);
      const error = rng.chance(0.12)
        ? rng.chance(0.5)
          ? { code: 'Client.VcpuLimitExceeded', message: 'You have requested more vCPU capacity than your current vCPU limit allows for the instance bucket that the specified instance type belongs to.' }
          : { code: 'Server.InsufficientInstanceCapacity', message: `We currently do not have sufficient ${type} capacity in the Availability Zone you requested.` }
        : undefined;
      emit(ts, 'ec2:RunInstances', { count, instanceType: type, imageId: ami, name: 'worker' }, error);
    }
  };
}

export interface NewRegionSize {
  runs: number;
  spanMinutes: number;
}

/** Crypto-mining in a region the account never used: key pair, open security group, GPU instances. */
export function newRegionProvisioning(size: NewRegionSize, region: string, campaign: string) {
  return (env: AccountEnv, _cast: Cast, rng: Rng, tag: string, at: number): void => {
    // The same attacker across regions of one campaign: seeded by the campaign, not the incident.
    const actor = attacker(env.rng.fork(`campaign/${campaign}`), 'user', campaign);
    const emit = emitter(env, region, actor, tag);
    let t = recon(rng, emit, at, ['ec2:DescribeRegions', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeImages', 'ec2:DescribeVpcs', 'ec2:DescribeAccountAttributes'], rng.int(4, 8));
    const groupId = ids.sgId(rng);
    emit((t += rng.int(2_000, 10_000)), rng.chance(0.5) ? 'ec2:CreateKeyPair' : 'ec2:ImportKeyPair', { name: `k${rng.hex(6)}` });
    emit((t += rng.int(2_000, 10_000)), 'ec2:CreateSecurityGroup', { name: 'default-ssh', groupId });
    for (const port of [22, 3333]) emit((t += rng.int(1_000, 6_000)), 'ec2:AuthorizeSecurityGroupIngress', { groupId, count: port });
    const ami = ids.amiId(rng);
    for (const ts of spread(rng, t + 5_000, size.spanMinutes * MS_PER_MINUTE, size.runs)) {
      const type = rng.pick(MINER_TYPES);
      const error = rng.chance(0.3)
        ? { code: 'Client.VcpuLimitExceeded', message: 'You have requested more vCPU capacity than your current vCPU limit allows for the instance bucket that the specified instance type belongs to.' }
        : undefined;
      emit(ts, 'ec2:RunInstances', { count: rng.int(1, 4), instanceType: type, imageId: ami, name: 'xmr' }, error);
    }
  };
}

// What enumeration tools (enumerate-iam, Pacu, ScoutSuite with a weak key) try.
const ENUM_APIS = [
  'iam:ListUsers', 'iam:ListRoles', 'iam:ListGroups', 'iam:ListPolicies', 'iam:GetAccountAuthorizationDetails', 'iam:ListAccessKeys',
  'iam:GetAccountPasswordPolicy', 'iam:ListInstanceProfiles', 'iam:ListMFADevices', 'iam:ListSAMLProviders', 'iam:GetCredentialReport',
  'ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs',
  'ec2:DescribeSubnets', 'ec2:DescribeKeyPairs', 'ec2:DescribeImages', 'ec2:DescribeAddresses', 'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeLaunchTemplates', 'ec2:DescribeRouteTables', 'ec2:DescribeNatGateways', 'ec2:DescribeVpcEndpoints',
  's3:ListBuckets', 's3:GetBucketPolicy', 's3:GetBucketAcl', 'lambda:ListFunctions20150331', 'lambda:ListLayers20181031',
  'lambda:GetAccountSettings20160819', 'lambda:ListEventSourceMappings20150331', 'dynamodb:ListTables', 'dynamodb:ListBackups',
  'kms:ListKeys', 'kms:ListAliases', 'ssm:DescribeParameters', 'ssm:DescribeInstanceInformation', 'ssm:ListDocuments',
  'secretsmanager:ListSecrets', 'ecr:DescribeRepositories', 'ecs:ListClusters', 'ecs:ListTaskDefinitions', 'eks:ListClusters',
  'rds:DescribeDBInstances', 'rds:DescribeDBSnapshots', 'rds:DescribeDBClusters', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus',
  'guardduty:ListDetectors', 'config:DescribeConfigRules', 'logs:DescribeLogGroups', 'sns:ListTopics', 'sqs:ListQueues',
  'glue:GetDatabases', 'athena:ListWorkGroups', 'elasticloadbalancing:DescribeLoadBalancers', 'autoscaling:DescribeAutoScalingGroups',
  'cloudformation:ListStacks', 'route53:ListHostedZones', 'organizations:DescribeOrganization', 'backup:ListBackupVaults',
  'elasticfilesystem:DescribeFileSystems', 'redshift:DescribeClusters', 'elasticache:DescribeCacheClusters', 'codebuild:ListProjects',
  'states:ListStateMachines', 'apigateway:GetRestApis', 'sso:ListInstances',
];

export interface DeniedStormSize {
  errors: number;
  apis: number;
  spanMinutes: number;
  /** Share of calls that succeed (the key can read a little). */
  allowed: number;
}

/** A weak stolen key enumerating what it may do: denials across many services. */
export function accessDeniedStorm(size: DeniedStormSize, region: string, name: string) {
  return (env: AccountEnv, _cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = attacker(rng, 'user', name);
    const arn = `arn:aws:iam::${env.account}:user/${name}`;
    const chosen = rng.sample(ENUM_APIS, size.apis);
    const allowed = new Set(rng.sample(chosen, Math.round(chosen.length * size.allowed)));
    const total = Math.round(size.errors / (1 - size.allowed));
    const times = spread(rng, at, size.spanMinutes * MS_PER_MINUTE, total);
    times.forEach((t, i) => {
      // Tools sweep the list in order, several passes.
      const key = chosen[i % chosen.length] ?? 'iam:ListUsers';
      const a = api(key);
      const error = allowed.has(key) ? undefined : denied(a, arn, region, env.account);
      env.emit({ t, region, api: key, actor, error }, tag);
    });
  };
}

export interface ElevationSpec {
  api: string;
  /** Extra calls per minute while it lasts. */
  extraPerMinute: number;
  minutes: number;
  actor: (cast: Cast) => Actor;
  error?: (rng: Rng) => ErrorSpec;
  hints?: (rng: Rng) => Record<string, unknown>;
}

/** The same caller, a few times its usual rate, for hours: a reconciler stuck in a loop, a broken retry. */
export function elevation(spec: ElevationSpec, region: string) {
  return (env: AccountEnv, cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = spec.actor(cast);
    for (let m = 0; m < spec.minutes; m++) {
      for (let n = rng.poisson(spec.extraPerMinute); n > 0; n--) {
        env.emit({ t: at + m * MS_PER_MINUTE + rng.int(0, 59_999), region, api: spec.api, actor, error: spec.error?.(rng), hints: spec.hints?.(rng) ?? {} }, tag);
      }
    }
  };
}

export interface ThrottleStormSpec {
  apis: readonly string[];
  /** Throttled calls per minute at the storm's height. */
  perMinute: number;
  minutes: number;
  role: string;
}

/** A crash-looping fleet hammering an API past its limit: throttling for half an hour and more. */
export function throttlingStorm(spec: ThrottleStormSpec, region: string) {
  return (env: AccountEnv, cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = cast.app(spec.role, region);
    for (let m = 0; m < spec.minutes; m++) {
      // Ramps up over five minutes, holds, and fades over the last five.
      const shape = Math.min(1, (m + 1) / 5, (spec.minutes - m) / 5);
      for (let n = rng.poisson(spec.perMinute * shape); n > 0; n--) {
        const a = api(rng.pick(spec.apis));
        env.emit({ t: at + m * MS_PER_MINUTE + rng.int(0, 59_999), region, api: a.key, actor, error: throttled(a), hints: { name: '/prod/app/config' } }, tag);
      }
    }
  };
}

export interface DeletionSize {
  snapshots: number;
  buckets: number;
  instances: number;
  dbSnapshots: number;
  spanMinutes: number;
}

/** Destruction with a stolen admin session: snapshots, buckets, instances, database snapshots. */
export function massDeletion(size: DeletionSize, region: string, name: string) {
  return (env: AccountEnv, _cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = attacker(rng, 'role', name);
    const emit = emitter(env, region, actor, tag);
    const t = recon(rng, emit, at, ['ec2:DescribeSnapshots', 'ec2:DescribeInstances', 's3:ListBuckets', 'rds:DescribeDBSnapshots'], rng.int(4, 8));
    const span = size.spanMinutes * MS_PER_MINUTE;
    for (const ts of spread(rng, t, span, size.snapshots)) emit(ts, 'ec2:DeleteSnapshot', { snapshotId: ids.snapshotId(rng) });
    for (const ts of spread(rng, t, span, size.instances)) emit(ts, 'ec2:TerminateInstances', { instanceIds: [ids.instanceId(rng)] });
    for (const ts of spread(rng, t, span, size.dbSnapshots)) emit(ts, 'rds:DeleteDBSnapshot', { name: `orders-db-${rng.hex(6)}` });
    for (const ts of spread(rng, t, span, size.buckets)) {
      const bucket = `${env.account}-${rng.pick(['backups', 'exports', 'archive', 'reports'])}-${rng.hex(4)}`;
      for (let k = rng.int(2, 6); k > 0; k--) emit(ts - rng.int(1_000, 20_000) > t ? ts - rng.int(1_000, 20_000) : ts, 's3:DeleteObject', { bucket });
      emit(ts + 1_000, 's3:DeleteBucket', { bucket });
    }
  };
}

export interface KmsSize {
  keys: number;
  /** Share of keys also disabled before deletion is scheduled. */
  disableShare: number;
  spanMinutes: number;
}

/** Ransom-style key destruction: disable keys and schedule their deletion. */
export function kmsDeletion(size: KmsSize, region: string, name: string) {
  return (env: AccountEnv, _cast: Cast, rng: Rng, tag: string, at: number): void => {
    const actor = attacker(rng, 'role', name);
    const emit = emitter(env, region, actor, tag);
    const t = recon(rng, emit, at, ['kms:ListKeys', 'kms:ListAliases', 'kms:DescribeKey'], rng.int(5, 12));
    const span = size.spanMinutes * MS_PER_MINUTE;
    for (const ts of spread(rng, t, span, size.keys)) {
      const keyId = rng.uuid();
      if (rng.chance(size.disableShare)) emit(ts, 'kms:DisableKey', { keyId });
      emit(ts + rng.int(1_000, 8_000), 'kms:ScheduleKeyDeletion', { keyId });
    }
  };
}
