import { business } from '../calendar.js';
import type { Cast, Human } from '../cast.js';
import { api, denied, type ErrorSpec } from '../catalog.js';
import type { AccountEnv, Behaviour } from '../env.js';
import { UA, type Actor } from '../identity.js';
import type { Rng } from '../rng.js';
import { eachMinute, inMinute, minutes } from './kit.js';

/**
 * People in the console: sign in, click through pages (bursts of reads, each page a
 * handful of calls, the S3 console's usual `NoSuch*` errors), now and then change
 * something (mostly single writes), and sometimes hit a page their role may not read.
 */
export interface ConsoleOptions {
  /** Sessions per hour at full office occupancy. */
  sessionsPerHour: number;
  /** Region weights for the pages people open. */
  regions: ReadonlyArray<readonly [string, number]>;
  /** Chance a session changes something. */
  writeShare: number;
}

interface Page {
  ua: string;
  calls: ReadonlyArray<readonly [string, string?]>;
}

// What each console page calls, with the errors those calls usually return (real
// `NoSuch*` codes from ../shared/datasets/invictus-stratus-run).
const PAGES: Record<string, Page> = {
  ec2: {
    ua: UA.ec2Console,
    calls: [['ec2:DescribeInstances'], ['ec2:DescribeInstanceStatus'], ['ec2:DescribeAddresses'], ['ec2:DescribeSecurityGroups'], ['ec2:DescribeVolumes'], ['ec2:DescribeTags']],
  },
  s3: {
    ua: UA.s3Console,
    calls: [
      ['s3:ListBuckets'],
      ['s3:GetBucketLocation'],
      ['s3:GetBucketPolicy', 'NoSuchBucketPolicy'],
      ['s3:GetBucketAcl'],
      ['s3:GetBucketCors', 'NoSuchCORSConfiguration'],
      ['s3:GetBucketPublicAccessBlock'],
      ['s3:GetBucketEncryption'],
      ['s3:GetBucketTagging', 'NoSuchTagSet'],
      ['s3:GetBucketWebsite', 'NoSuchWebsiteConfiguration'],
      ['s3:GetBucketLifecycle', 'NoSuchLifecycleConfiguration'],
    ],
  },
  iam: {
    ua: UA.consoleInternal,
    calls: [['iam:ListRoles'], ['iam:GetRole'], ['iam:ListAttachedRolePolicies'], ['iam:ListRolePolicies'], ['iam:GetAccountSummary'], ['iam:ListPolicies']],
  },
  lambda: {
    ua: UA.consoleInternal,
    calls: [['lambda:ListFunctions20150331'], ['lambda:GetFunction20150331v2'], ['lambda:GetPolicy20150331v2', 'ResourceNotFoundException'], ['lambda:ListAliases20150331']],
  },
  cloudwatch: {
    ua: UA.consoleInternal,
    calls: [['monitoring:DescribeAlarms'], ['monitoring:GetMetricData'], ['logs:DescribeLogGroups'], ['logs:FilterLogEvents']],
  },
  cloudformation: {
    ua: UA.consoleInternal,
    calls: [['cloudformation:ListStacks'], ['cloudformation:DescribeStacks'], ['cloudformation:DescribeStackEvents'], ['cloudformation:GetTemplate']],
  },
  ecs: {
    ua: UA.consoleInternal,
    calls: [['ecs:ListClusters'], ['ecs:DescribeClusters'], ['ecs:ListServices'], ['ecs:DescribeServices'], ['ecs:DescribeTasks']],
  },
  billing: { ua: UA.consoleInternal, calls: [['ce:GetCostAndUsage'], ['ce:GetCostForecast']] },
};
const MESSAGES: Record<string, string> = {
  NoSuchBucketPolicy: 'The bucket policy does not exist',
  NoSuchCORSConfiguration: 'The CORS configuration does not exist',
  NoSuchTagSet: 'The TagSet does not exist',
  NoSuchWebsiteConfiguration: 'The specified bucket does not have a website configuration',
  NoSuchLifecycleConfiguration: 'The lifecycle configuration does not exist',
};
const PAGE_MIX: ReadonlyArray<readonly [string, number]> = [
  ['ec2', 25],
  ['s3', 15],
  ['cloudwatch', 20],
  ['lambda', 12],
  ['cloudformation', 10],
  ['iam', 8],
  ['ecs', 8],
  ['billing', 2],
];

// Writes people make by hand: single calls, now and then a pair.
const HAND_WRITES = [
  'ec2:StopInstances',
  'ec2:StartInstances',
  'ec2:CreateTags',
  'ec2:ModifyInstanceAttribute',
  'ssm:PutParameter',
  'lambda:UpdateFunctionConfiguration20150331v2',
  's3:PutBucketTagging',
  'monitoring:PutMetricAlarm',
  'autoscaling:UpdateAutoScalingGroup',
  'ecs:UpdateService',
  'iam:TagRole',
  'iam:AttachRolePolicy',
  'logs:PutRetentionPolicy',
  'ec2:AuthorizeSecurityGroupIngress',
] as const;

export class ConsoleSessions implements Behaviour {
  readonly name = 'console';
  private readonly rng: Rng;

  constructor(
    private readonly cast: Cast,
    private readonly o: ConsoleOptions,
    rng: Rng,
  ) {
    this.rng = rng.fork('console');
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng } = this;
    if (this.cast.humans.length === 0) return;
    eachMinute(from, to, (t) => {
      const rate = (this.o.sessionsPerHour / 60) * business(t, env.info.tzHours);
      for (let n = rng.poisson(rate); n > 0; n--) this.session(env, rng.pick(this.cast.humans), inMinute(rng, t));
    });
  }

  private session(env: AccountEnv, human: Human, t0: number): void {
    const { rng, o } = this;
    const region = rng.weighted(o.regions);
    const actor = human.console;
    // Sign-in is recorded in us-east-1; a mistyped password now and then.
    if (rng.chance(0.03)) {
      env.emit({ t: t0, region: 'us-east-1', api: 'signin:ConsoleLogin', actor, error: { message: 'Failed authentication' } });
    }
    env.emit({ t: t0 + 20_000, region: 'us-east-1', api: 'signin:ConsoleLogin', actor });
    const pages = rng.int(2, 14);
    let t = t0 + rng.int(5_000, 40_000);
    for (let p = 0; p < pages; p++) {
      const page = PAGES[rng.weighted(PAGE_MIX)];
      if (!page) continue;
      const pageActor: Actor = { ...actor, userAgent: page.ua };
      const calls = rng.int(2, page.calls.length + 2);
      for (let c = 0; c < calls; c++) {
        const [key, errorCode] = rng.pick(page.calls);
        const a = api(key);
        let error: ErrorSpec | undefined =
          errorCode !== undefined && rng.chance(0.6) ? { code: errorCode, message: MESSAGES[errorCode] ?? 'The resource you requested does not exist.' } : undefined;
        // Read-only people and the billing page: the occasional denial.
        if (!error && (a.service === 'ce' ? rng.chance(0.5) : human.readOnly && a.service === 'iam' && rng.chance(0.05))) {
          error = denied(a, `arn:aws:sts::${env.account}:assumed-role/${roleName(actor)}/${human.name}@example.com`, region, env.account);
        }
        env.emit({ t: t + rng.int(0, 4_000), region, api: key, actor: pageActor, error, hints: { name: `${env.info.name}-${rng.pick(['api', 'web', 'worker', 'etl'])}` } });
      }
      t += rng.int(15_000, minutes(6));
    }
    if (rng.chance(o.writeShare)) {
      const writes = rng.chance(0.7) ? 1 : rng.int(2, 3);
      const key = rng.pick(HAND_WRITES);
      for (let w = 0; w < writes; w++) {
        const a = api(key);
        const error = human.readOnly
          ? denied(a, `arn:aws:sts::${env.account}:assumed-role/${roleName(actor)}/${human.name}@example.com`, region, env.account)
          : undefined;
        env.emit({ t: t + w * rng.int(5_000, 60_000), region, api: key, actor, error, hints: { name: `${env.info.name}-${rng.pick(['api', 'web', 'worker'])}` } });
      }
    }
  }
}

const roleName = (a: Actor): string => (a.principal.type === 'AssumedRole' ? a.principal.roleName : 'unknown');
