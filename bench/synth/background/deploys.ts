import { business, localHour, localWeekday, MS_PER_DAY, MS_PER_HOUR } from '../calendar.js';
import type { Cast } from '../cast.js';
import { api, throttled } from '../catalog.js';
import type { AccountEnv, Behaviour } from '../env.js';
import { UA, type Actor } from '../identity.js';
import type { Rng } from '../rng.js';
import { eachDay, eachMinute, inMinute, minutes } from './kit.js';

/**
 * CI/CD deployments (GitHub Actions running CDK): image push to ECR, change set, then
 * CloudFormation updating Lambda functions, ECS services (with the target registrations
 * and log streams of the new tasks), now and then IAM roles (filed in us-east-1) and
 * parameters. Dozens of writes in a few minutes, several times per working day, and a
 * weekly release that deploys every stack back to back.
 */
export interface StackSpec {
  name: string;
  lambdas: number;
  ecsTasks: number;
}

export interface DeployOptions {
  name: string;
  stacks: StackSpec[];
  regions: ReadonlyArray<readonly [string, number]>;
  /** Deploys per working day (they follow office hours; weekends get a trickle). */
  perWeekday: number;
  /** Chance a deploy changes IAM roles. */
  iamShare: number;
  /** Every stack deployed back to back, weekly, at this local weekday and hour (±45 min). */
  weeklyRelease?: { weekday: number; hour: number; region: string; tag?: (t: number) => string | undefined };
}

// Integral of `business()` over a working day, in hours: converts "deploys per day" into
// a per-minute rate that follows office hours.
const BUSINESS_HOURS_PER_DAY = 9.3;

export class Deploys implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: DeployOptions,
    rng: Rng,
  ) {
    this.name = o.name;
    this.rng = rng.fork(o.name);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o } = this;
    const tz = env.info.tzHours;
    eachMinute(from, to, (t) => {
      const rate = (o.perWeekday / BUSINESS_HOURS_PER_DAY / 60) * business(t, tz);
      for (let n = rng.poisson(rate); n > 0; n--) {
        this.deploy(env, inMinute(rng, t), rng.pick(o.stacks), rng.weighted(o.regions));
      }
    });
    const release = o.weeklyRelease;
    if (release) {
      eachDay(from, to, (day) => {
        // The release's local day: find its start inside this UTC day.
        const t = day + ((release.hour - tz + 24) % 24) * MS_PER_HOUR + rng.int(-45, 45) * 60_000;
        if (t < from || t >= day + MS_PER_DAY || localWeekday(t, tz) !== release.weekday) return;
        if (Math.abs(localHour(t, tz) - release.hour) > 1) return;
        let at = t;
        const tag = release.tag?.(t);
        for (const stack of o.stacks) at = this.deploy(env, at, stack, release.region, tag) + rng.int(60_000, minutes(5));
      });
    }
  }

  /** Writes one deployment starting at `t0`; returns when it ends. */
  deploy(env: AccountEnv, t0: number, stack: StackSpec, region: string, tag?: string): number {
    const { rng, cast } = this;
    const ci: Actor = { ...cast.ci, sourceIp: rng.pick(cast.ciIps) };
    const cfn = cast.cfn;
    const emit = (t: number, key: string, actor: Actor, hints = {}, error?: { code: string; message: string }): void => {
      env.emit({ t, region, api: key, actor, hints: { name: stack.name, ...hints }, error }, tag);
    };
    let t = t0;
    if (stack.ecsTasks > 0) {
      const docker: Actor = { ...ci, userAgent: UA.docker };
      emit(t, 'ecr:GetAuthorizationToken', docker);
      const layers = rng.int(1, 5);
      for (let l = 0; l < layers; l++) {
        t += rng.int(300, 3_000);
        emit(t, 'ecr:BatchCheckLayerAvailability', docker);
        emit(t + 200, 'ecr:InitiateLayerUpload', docker);
        for (let p = rng.int(1, 3); p > 0; p--) emit((t += rng.int(500, 6_000)), 'ecr:UploadLayerPart', docker);
        emit((t += rng.int(200, 1_500)), 'ecr:CompleteLayerUpload', docker);
      }
      emit((t += rng.int(500, 3_000)), 'ecr:PutImage', docker);
      t += rng.int(20_000, 90_000);
    }
    emit(t, 'sts:AssumeRole', ci, { roleName: `cdk-hnb659fds-deploy-role-${env.account}-${region}` });
    for (let a = rng.int(1, 4); a > 0; a--) {
      emit((t += rng.int(300, 2_000)), 's3:PutObject', ci, { bucket: `cdk-hnb659fds-assets-${env.account}-${region}`, objectKey: `${rng.hex(64)}.zip` });
    }
    emit((t += rng.int(500, 2_000)), 'cloudformation:DescribeStacks', ci);
    emit((t += rng.int(500, 2_000)), 'cloudformation:CreateChangeSet', ci);
    for (let p = rng.int(2, 4); p > 0; p--) emit((t += rng.int(2_000, 5_000)), 'cloudformation:DescribeChangeSet', ci);
    emit((t += rng.int(500, 2_000)), 'cloudformation:ExecuteChangeSet', ci);
    const start = t;
    let end = start + rng.int(minutes(2), minutes(6));

    // CloudFormation works through the resources.
    const at = (): number => start + rng.int(5_000, end - start);
    const lambdas = rng.int(1, Math.max(1, stack.lambdas));
    for (let f = 0; f < lambdas; f++) {
      const fn = { name: `${stack.name}-fn${f}` };
      let tf = at();
      emit(tf, 'lambda:UpdateFunctionCode20150331v2', cfn, fn);
      if (rng.chance(0.6)) {
        if (rng.chance(0.08)) {
          emit((tf += rng.int(500, 3_000)), 'lambda:UpdateFunctionConfiguration20150331v2', cfn, fn, {
            code: 'ResourceConflictException',
            message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:${region}:${env.account}:function:${fn.name}`,
          });
        }
        emit((tf += rng.int(2_000, 8_000)), 'lambda:UpdateFunctionConfiguration20150331v2', cfn, fn);
      }
      emit((tf += rng.int(2_000, 6_000)), 'lambda:GetFunction20150331v2', cfn, fn);
      emit((tf += rng.int(500, 3_000)), 'lambda:PublishVersion20150331', cfn, fn);
      emit((tf += rng.int(500, 3_000)), 'lambda:UpdateAlias20150331', cfn, fn);
    }
    if (stack.ecsTasks > 0) {
      let te = at();
      emit(te, 'ecs:RegisterTaskDefinition', cfn);
      emit((te += rng.int(1_000, 4_000)), 'ecs:UpdateService', cfn, { count: stack.ecsTasks });
      const ecs = cast.serviceActor('AWSServiceRoleForECS', 'ecs.amazonaws.com', true);
      const task = cast.app(`${stack.name}-task`, region, UA.lambdaJs('cloudwatch-logs'));
      // Rolling update: new tasks start, register, old ones drain.
      const rollEnd = te + rng.int(minutes(2), minutes(5));
      for (let k = 0; k < stack.ecsTasks; k++) {
        const tk = te + rng.int(20_000, rollEnd - te);
        emit(tk, 'logs:CreateLogStream', task);
        emit(tk + rng.int(20_000, 60_000), 'elasticloadbalancing:RegisterTargets', ecs);
        emit(tk + rng.int(60_000, 120_000), 'elasticloadbalancing:DeregisterTargets', ecs);
      }
      emit(rollEnd + 60_000, 'ecs:DeregisterTaskDefinition', cfn);
      end = Math.max(end, rollEnd + 60_000);
    }
    if (rng.chance(this.o.iamShare)) {
      let ti = at();
      const roles = rng.int(1, 2);
      for (let r = 0; r < roles; r++) {
        const roleName = `${stack.name}-${rng.pick(['Handler', 'Task', 'Worker', 'Custom'])}ServiceRole${rng.hex(8).toUpperCase()}`;
        const h = { roleName };
        emit(ti, 'iam:CreateRole', cfn, h);
        emit((ti += rng.int(1_000, 4_000)), 'iam:GetRole', cfn, h);
        for (let p = rng.int(1, 3); p > 0; p--) emit((ti += rng.int(1_000, 5_000)), 'iam:PutRolePolicy', cfn, h);
        for (let p = rng.int(0, 2); p > 0; p--) emit((ti += rng.int(1_000, 5_000)), 'iam:AttachRolePolicy', cfn, h);
        for (let p = rng.int(0, 2); p > 0; p--) emit((ti += rng.int(1_000, 5_000)), 'iam:TagRole', cfn, h);
        if (rng.chance(0.3)) emit((ti += rng.int(1_000, 5_000)), 'iam:DeleteRolePolicy', cfn, h);
      }
    }
    if (rng.chance(0.3)) for (let p = rng.int(1, 3); p > 0; p--) emit(at(), 'ssm:PutParameter', cfn, { name: `/${stack.name}/config/${p}` });
    if (rng.chance(0.15)) {
      const tr = at();
      emit(tr, 'events:PutRule', cfn);
      emit(tr + rng.int(1_000, 4_000), 'events:PutTargets', cfn);
    }
    if (rng.chance(0.2)) {
      const tl = at();
      emit(tl, 'logs:CreateLogGroup', cfn);
      emit(tl + rng.int(500, 2_000), 'logs:PutRetentionPolicy', cfn);
    }
    // CDK polls the stack until it settles; busy pipelines get throttled.
    const poll = api('cloudformation:DescribeStackEvents');
    for (let tp = start + 2_000; tp < end + 10_000; tp += rng.int(5_000, 15_000)) {
      emit(tp, poll.key, ci, {}, rng.chance(0.015) ? (throttled(poll) as { code: string; message: string }) : undefined);
    }
    emit(end + 12_000, 'cloudformation:DescribeStacks', ci);
    return end + 12_000;
  }
}
