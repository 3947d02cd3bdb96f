import type { Rng } from './rng.js';
import { isoSeconds, MS_PER_HOUR } from './calendar.js';
import { uniqueId } from './ids.js';

/**
 * Who makes a call, and how CloudTrail's `userIdentity` looks for each kind of caller
 * (shapes copied from the records in ../shared/datasets/invictus-stratus-run).
 */
export type Principal =
  | { readonly type: 'IAMUser'; readonly userName: string; readonly principalId: string; readonly accessKeyId: string }
  | {
      readonly type: 'AssumedRole';
      readonly roleName: string;
      /** IAM path, `/` or `/aws-service-role/<service>/`. */
      readonly path: string;
      readonly roleId: string;
    }
  | { readonly type: 'AWSService'; readonly invokedBy: string }
  | { readonly type: 'Root' };

export interface Actor {
  readonly principal: Principal;
  readonly userAgent: string;
  /** A public IP, or the invoking service's host name for calls made by AWS services. */
  readonly sourceIp: string;
  /** Service calling on the principal's behalf (`cloudformation.amazonaws.com`). */
  readonly invokedBy?: string;
  /** Console sessions set `sessionCredentialFromConsole`. */
  readonly console: boolean;
  /**
   * Role session name; a function gives a new name per credential hour (SDK sessions
   * like `botocore-session-1708...` are renewed as credentials expire).
   */
  readonly session?: string | ((hourStartMs: number, rng: Rng) => string);
  /** Not every caller goes through TLS to a public endpoint (AWS-internal calls do not). */
  readonly tls: boolean;
}

/** The caller's ARN as Insights attributes it: assumed roles per role, without the session. */
export function attributionArn(actor: Actor, account: string): string {
  const p = actor.principal;
  switch (p.type) {
    case 'IAMUser':
      return `arn:aws:iam::${account}:user/${p.userName}`;
    case 'AssumedRole':
      return `arn:aws:sts::${account}:assumed-role/${p.roleName}`;
    case 'Root':
      return `arn:aws:iam::${account}:root`;
    case 'AWSService':
      return p.invokedBy;
  }
}

export const iamUser = (rng: Rng, userName: string): Principal => ({
  type: 'IAMUser',
  userName,
  principalId: uniqueId(rng, 'AIDA'),
  accessKeyId: uniqueId(rng, 'AKIA'),
});

export const role = (rng: Rng, roleName: string, path = '/'): Principal => ({
  type: 'AssumedRole',
  roleName,
  path,
  roleId: uniqueId(rng, 'AROA'),
});

export const serviceRole = (rng: Rng, roleName: string, service: string): Principal =>
  role(rng, roleName, `/aws-service-role/${service}/`);

export const awsService = (invokedBy: string): Principal => ({ type: 'AWSService', invokedBy });

export type UserIdentity = Record<string, unknown>;

/**
 * Builds `userIdentity` objects, one per actor and credential hour, shared by every record
 * in that hour: the same session keeps the same temporary key as in a real trail.
 */
export class IdentityFactory {
  private readonly cache = new Map<Actor, Map<number, UserIdentity>>();

  constructor(
    private readonly account: string,
    private readonly rng: Rng,
  ) {}

  identity(actor: Actor, ms: number): UserIdentity {
    const hour = Math.floor(ms / MS_PER_HOUR) * MS_PER_HOUR;
    let byHour = this.cache.get(actor);
    if (!byHour) {
      byHour = new Map();
      this.cache.set(actor, byHour);
    }
    let made = byHour.get(hour);
    if (!made) {
      // Bounded: generation moves forward in time, old hours are never asked for again.
      if (byHour.size > 6) byHour.clear();
      made = this.build(actor, hour);
      byHour.set(hour, made);
    }
    return made;
  }

  private build(actor: Actor, hour: number): UserIdentity {
    const account = this.account;
    const p = actor.principal;
    const created = isoSeconds(hour + this.rng.int(0, 59) * 1000);
    switch (p.type) {
      case 'AWSService':
        return { type: 'AWSService', invokedBy: p.invokedBy };
      case 'IAMUser': {
        const base: UserIdentity = {
          type: 'IAMUser',
          principalId: p.principalId,
          arn: `arn:aws:iam::${account}:user/${p.userName}`,
          accountId: account,
          accessKeyId: actor.console ? uniqueId(this.rng, 'ASIA') : p.accessKeyId,
          userName: p.userName,
        };
        if (actor.console) {
          base['sessionContext'] = {
            sessionIssuer: {},
            webIdFederationData: {},
            attributes: { creationDate: created, mfaAuthenticated: 'true' },
          };
        }
        if (actor.invokedBy) base['invokedBy'] = actor.invokedBy;
        return base;
      }
      case 'Root': {
        const base: UserIdentity = {
          type: 'Root',
          principalId: account,
          arn: `arn:aws:iam::${account}:root`,
          accountId: account,
          accessKeyId: uniqueId(this.rng, 'ASIA'),
          sessionContext: {
            sessionIssuer: {},
            webIdFederationData: {},
            attributes: { creationDate: created, mfaAuthenticated: 'true' },
          },
        };
        return base;
      }
      case 'AssumedRole': {
        const session =
          typeof actor.session === 'function'
            ? actor.session(hour, this.rng)
            : (actor.session ?? `session-${Math.floor(hour / 1000)}`);
        const base: UserIdentity = {
          type: 'AssumedRole',
          principalId: `${p.roleId}:${session}`,
          arn: `arn:aws:sts::${account}:assumed-role/${p.roleName}/${session}`,
          accountId: account,
          accessKeyId: uniqueId(this.rng, 'ASIA'),
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: p.roleId,
              arn: `arn:aws:iam::${account}:role${p.path}${p.roleName}`,
              accountId: account,
              userName: p.roleName,
            },
            webIdFederationData: {},
            attributes: { creationDate: created, mfaAuthenticated: 'false' },
          },
        };
        if (actor.invokedBy) base['invokedBy'] = actor.invokedBy;
        return base;
      }
    }
  }
}

/** User agents seen in real trails (versions current in early 2024). */
export const UA = {
  consoleInternal: 'AWS Internal',
  console: 'console.amazonaws.com',
  ec2Console: 'console.ec2.amazonaws.com',
  s3Console:
    '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.633 Linux/5.10.209-175.858.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]',
  browser: [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.3; rv:122.0) Gecko/20100101 Firefox/122.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  ],
  cli: (command: string): string =>
    `aws-cli/2.15.17 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off command/${command}`,
  boto3:
    'Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.205-195.807.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.34',
  lambdaJs: (api: string): string =>
    `aws-sdk-js/3.490.0 ua/2.0 os/linux#5.10.207-218.812.amzn2.x86_64 lang/js md/nodejs#20.11.0 exec-env/AWS_Lambda_nodejs20.x api/${api}#3.490.0`,
  lambdaPython:
    'Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#5.10.205-216.810.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.1 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.11',
  ssmAgent: 'aws-sdk-go/1.44.325 (go1.20.12; linux; amd64) amazon-ssm-agent/3.2.2222.0',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.7.3 (+https://www.terraform.io) terraform-provider-aws/5.36.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.1 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.146.0',
  cdk: 'aws-sdk-js/2.1551.0 linux/v20.11.0 aws-cdk/2.127.0 promise',
  docker:
    'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0-1014-azure os/linux arch/amd64 UpstreamClient(Docker-Client/24.0.7 \\(linux\\))',
  k8sController:
    'aws-sdk-go/1.50.10 (go1.21.6; linux; amd64) aws-load-balancer-controller/v2.7.1 cluster/prod-eks-main',
  datadog: 'datadog-aws-integration/1.0 Boto3/1.26.165 Python/3.9.18 Linux/5.10.199 Botocore/1.29.165',
  prowler: 'Boto3/1.34.23 md/Botocore#1.34.23 ua/2.0 os/linux#6.1.72 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.23 prowler/3.12.1',
} as const;
