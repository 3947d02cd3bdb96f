import { business, load } from '../calendar.js';
import type { Cast } from '../cast.js';
import { api, denied, throttled } from '../catalog.js';
import type { AccountEnv, Behaviour } from '../env.js';
import { UA, type Actor } from '../identity.js';
import type { PayloadHints } from '../payloads.js';
import type { Rng } from '../rng.js';
import { eachMinute, inMinute, minutes } from './kit.js';

/**
 * Background errors and polling: the everyday noise a detector has to live with.
 */

export interface ThrottleOptions {
  region: string;
  /** Clusters per hour at full office hours and load. */
  clustersPerHour: number;
  /** Errors per cluster. */
  size: readonly [number, number];
  apis: readonly string[];
  roles: readonly string[];
}

/**
 * Throttling comes in clusters at busy times: a burst of parallel callers hits an API's
 * rate limit for a minute or two, retries, and the errors stop.
 */
export class ThrottleClusters implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: ThrottleOptions,
    rng: Rng,
  ) {
    this.name = `throttle/${o.region}`;
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o } = this;
    const tz = env.info.tzHours;
    eachMinute(from, to, (t) => {
      // Busy = people deploying and customers calling: the product, squared to keep
      // clusters rare off-peak.
      const busy = business(t, tz) * load(t, tz);
      if (!rng.chance((o.clustersPerHour / 60) * busy * busy)) return;
      const a = api(rng.pick(o.apis));
      const actor = this.cast.app(rng.pick(o.roles), o.region);
      const n = rng.int(o.size[0], o.size[1]);
      const t0 = inMinute(rng, t);
      const span = rng.int(30_000, minutes(3));
      for (let i = 0; i < n; i++) env.emit({ t: t0 + rng.int(0, span), region: o.region, api: a.key, actor, error: throttled(a) });
    });
  }
}

export interface DenialOptions {
  region: string;
  /** Denials per hour at full office hours. */
  perHour: number;
  apis: readonly string[];
}

/** Somebody or something trying a call its role does not allow, one at a time. */
export class SporadicDenials implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: DenialOptions,
    rng: Rng,
  ) {
    this.name = `denials/${o.region}`;
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    eachMinute(from, to, (t) => {
      const rate = (o.perHour / 60) * (0.15 + 0.85 * business(t, env.info.tzHours));
      for (let n = rng.poisson(rate); n > 0; n--) {
        const a = api(rng.pick(o.apis));
        const human = cast.humans.length > 0 && rng.chance(0.6) ? rng.pick(cast.humans) : undefined;
        const actor = human ? human.cli : cast.app(rng.pick(['reporting', 'backup-audit', 'cost-export']), o.region);
        const arn = human
          ? `arn:aws:sts::${env.account}:assumed-role/sso/${human.name}@example.com`
          : `arn:aws:sts::${env.account}:assumed-role/app/session`;
        const count = rng.chance(0.8) ? 1 : rng.int(2, 3);
        const t0 = inMinute(rng, t);
        for (let i = 0; i < count; i++) {
          env.emit({ t: t0 + i * rng.int(1_000, 20_000), region: o.region, api: a.key, actor, error: denied(a, arn, o.region, env.account) });
        }
      }
    });
  }
}

export interface PollerOptions {
  region: string;
  everyMinutes: number;
  apis: readonly string[];
  callsPerPoll: readonly [number, number];
  /** An API the integration lacks permission for: denied on every poll. */
  deniedApi?: string;
}

/**
 * A monitoring integration (Datadog-style) sweeping Describe/List/Get calls every few
 * minutes, with one permission missing so every sweep leaves an AccessDenied behind.
 */
export class MonitoringPoller implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: PollerOptions,
    rng: Rng,
  ) {
    this.name = `poller/${o.region}`;
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const period = minutes(o.everyMinutes);
    const phase = (env.info.id.charCodeAt(3) % o.everyMinutes) * 60_000;
    for (let t = Math.ceil((from - phase) / period) * period + phase; t < to; t += period) {
      const start = t + rng.int(0, 20_000);
      const n = rng.int(o.callsPerPoll[0], o.callsPerPoll[1]);
      for (let i = 0; i < n; i++) {
        env.emit({ t: start + rng.int(0, 90_000), region: o.region, api: rng.pick(o.apis), actor: cast.monitoring });
      }
      if (o.deniedApi) {
        const a = api(o.deniedApi);
        env.emit({
          t: start + rng.int(0, 90_000),
          region: o.region,
          api: a.key,
          actor: cast.monitoring,
          error: denied(a, `arn:aws:sts::${env.account}:assumed-role/DatadogIntegrationRole/DatadogAWSIntegration`, o.region, env.account),
        });
      }
    }
  }
}

export interface SteadyOptions {
  name: string;
  region: string;
  api: string;
  perMinute: number;
  actor: (cast: Cast) => Actor;
  hints?: (rng: Rng) => PayloadHints;
}

/** A controller calling one API around the clock at a steady Poisson rate. */
export class SteadyCalls implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: SteadyOptions,
    rng: Rng,
  ) {
    this.name = o.name;
    this.rng = rng.fork(o.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o } = this;
    const actor = o.actor(this.cast);
    eachMinute(from, to, (t) => {
      for (let n = rng.poisson(o.perMinute); n > 0; n--) {
        env.emit({ t: inMinute(rng, t), region: o.region, api: o.api, actor, hints: o.hints?.(rng) ?? {} });
      }
    });
  }
}

const PLAN_READS = [
  'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeRouteTables', 'ec2:DescribeInstances',
  'iam:GetRole', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies',
  's3:GetBucketAcl', 's3:GetBucketPolicy', 's3:GetBucketVersioning', 's3:GetBucketTagging', 'lambda:GetFunction20150331v2',
  'logs:DescribeLogGroups', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'dynamodb:DescribeTable', 'sts:GetCallerIdentity',
];
const PLAN_UNAUTHORIZED = ['ec2:DescribeVpcAttribute', 'ec2:DescribeInstanceAttribute', 'ec2:DescribeInstanceCreditSpecifications'];

export interface PlanOptions {
  region: string;
  /** Plans per hour at full office hours. */
  perHour: number;
}

/**
 * `terraform plan` in CI: a refresh of every resource (dozens of reads), and now and then
 * an EC2 attribute the CI role may not read (`Client.UnauthorizedOperation`).
 */
export class TerraformPlans implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: PlanOptions,
    rng: Rng,
  ) {
    this.name = `terraform/${o.region}`;
    this.rng = rng.fork(this.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const plan = cast.app('terraform-ci', o.region, UA.terraform);
    eachMinute(from, to, (t) => {
      if (!rng.chance((o.perHour / 60) * business(t, env.info.tzHours))) return;
      const t0 = inMinute(rng, t);
      for (let i = rng.int(20, 60); i > 0; i--) env.emit({ t: t0 + rng.int(0, 40_000), region: o.region, api: rng.pick(PLAN_READS), actor: plan });
      if (rng.chance(0.3)) {
        for (let i = rng.int(1, 3); i > 0; i--) {
          const a = api(rng.pick(PLAN_UNAUTHORIZED));
          env.emit({ t: t0 + rng.int(0, 40_000), region: o.region, api: a.key, actor: plan, error: denied(a, `arn:aws:sts::${env.account}:assumed-role/terraform-ci/plan`, o.region, env.account) });
        }
      }
    });
  }
}
