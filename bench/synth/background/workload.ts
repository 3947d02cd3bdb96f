import { load } from '../calendar.js';
import type { Cast } from '../cast.js';
import type { AccountEnv, Behaviour } from '../env.js';
import { UA } from '../identity.js';
import type { Rng } from '../rng.js';
import { eachMinute, inMinute } from './kit.js';

/**
 * Customer-driven traffic of the applications in one region: the data plane (S3 objects,
 * Lambda invocations, DynamoDB items: data events the engine must ignore), the reads that
 * go with it (KMS, SSM parameters, secrets, STS), and the management writes that follow
 * traffic: Lambda cold starts creating log streams, apps publishing custom metrics.
 */
export interface WorkloadOptions {
  name: string;
  region: string;
  apps: string[];
  /** Data events per minute at peak load. */
  dataPerMin: number;
  /** Management reads per minute at peak load. */
  readsPerMin: number;
  /** `logs:CreateLogStream` per minute at peak (Lambda cold starts). */
  coldStartsPerMin: number;
  /** `monitoring:PutMetricData` per minute at peak (apps publishing metrics). */
  metricsPerMin: number;
  /** A gradual rollout: traffic share rises linearly from 0 at `rampFrom` to 1 at `rampTo`. */
  rampFrom?: number;
  rampTo?: number;
  /** Label tag for records from `tagFrom` on (a labelled decoy). */
  tag?: string;
  tagFrom?: number;
}

// Gamma shape of per-minute traffic: variance = mean + mean²/shape, so a minute at mean 10
// has a standard deviation ~3.9 instead of Poisson's 3.2 (bursty, as real traffic is).
const TRAFFIC_SHAPE = 12;

const DATA_MIX = [
  ['s3:GetObject', 30],
  ['s3:PutObject', 10],
  ['s3:HeadObject', 5],
  ['lambda:Invoke', 15],
  ['dynamodb:GetItem', 20],
  ['dynamodb:Query', 10],
  ['dynamodb:PutItem', 6],
  ['dynamodb:UpdateItem', 4],
] as const;

const READ_MIX = [
  ['kms:Decrypt', 30],
  ['kms:GenerateDataKey', 8],
  ['ssm:GetParameter', 12],
  ['secretsmanager:GetSecretValue', 8],
  ['sts:AssumeRole', 14],
  ['dynamodb:DescribeTable', 4],
  ['ec2:DescribeInstances', 4],
  ['elasticloadbalancing:DescribeTargetHealth', 4],
  ['ecr:GetAuthorizationToken', 2],
  ['sts:GetCallerIdentity', 2],
] as const;

/** The SDK names the client in its user agent (`api/s3#3.490.0`). */
const sdkAgent = (key: string): string => UA.lambdaJs(key.slice(0, key.indexOf(':')));

export class Workload implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: WorkloadOptions,
    rng: Rng,
  ) {
    this.name = o.name;
    this.rng = rng.fork(o.name);
  }

  private share(t: number): number {
    const { rampFrom, rampTo } = this.o;
    if (rampFrom === undefined || rampTo === undefined) return 1;
    if (t < rampFrom) return 0;
    return Math.min(1, (t - rampFrom) / (rampTo - rampFrom));
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const tz = env.info.tzHours;
    eachMinute(from, to, (t) => {
      const level = load(t, tz) * this.share(t);
      if (level <= 0) return;
      const tag = o.tag !== undefined && t >= (o.tagFrom ?? 0) ? o.tag : undefined;
      const app = (): string => rng.pick(o.apps);
      for (let n = rng.negBinomial(o.dataPerMin * level, TRAFFIC_SHAPE); n > 0; n--) {
        const key = rng.weighted(DATA_MIX);
        const a = app();
        const actor = key === 'lambda:Invoke' ? cast.service('apigateway.amazonaws.com') : cast.app(`${a}-task`, o.region, sdkAgent(key));
        env.emit({
          t: inMinute(rng, t),
          region: o.region,
          api: key,
          actor,
          hints: { name: key.startsWith('dynamodb') ? `${a}-table` : a, bucket: `${env.account}-${a}-data`, objectKey: `${a}/${rng.hex(12)}.json` },
        });
      }
      for (let n = rng.negBinomial(o.readsPerMin * level, TRAFFIC_SHAPE); n > 0; n--) {
        const key = rng.weighted(READ_MIX);
        const a = app();
        const actor =
          key === 'sts:AssumeRole' && rng.chance(0.5) ? cast.service('lambda.amazonaws.com') : cast.app(`${a}-task`, o.region, sdkAgent(key));
        env.emit({ t: inMinute(rng, t), region: o.region, api: key, actor, hints: { name: `/${a}/config`, roleName: `${a}-lambda` } });
      }
      for (let n = rng.poisson(o.coldStartsPerMin * level); n > 0; n--) {
        const a = app();
        env.emit(
          { t: inMinute(rng, t), region: o.region, api: 'logs:CreateLogStream', actor: cast.app(`${a}-lambda`, o.region), hints: { name: a } },
          tag,
        );
      }
      for (let n = rng.poisson(o.metricsPerMin * level); n > 0; n--) {
        const a = app();
        env.emit(
          {
            t: inMinute(rng, t),
            region: o.region,
            api: 'monitoring:PutMetricData',
            actor: cast.app(`${a}-lambda`, o.region, UA.lambdaJs('cloudwatch')),
            hints: { namespace: a, name: 'Latency' },
          },
          tag,
        );
      }
    });
  }
}
