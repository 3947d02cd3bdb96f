import type { AccountInfo } from './env.js';
import { publicIp } from './ids.js';
import { awsService, iamUser, role, serviceRole, UA, type Actor, type Principal } from './identity.js';
import type { Rng } from './rng.js';

/**
 * The callers of one account: people, pipelines, services and workloads, each with a
 * stable identity, user agent and source address, shared by every behaviour.
 */
export interface Human {
  name: string;
  /** In the console (SSO role session). */
  console: Actor;
  /** The same person on the CLI. */
  cli: Actor;
  /** Read-only people get AccessDenied when they try to change things. */
  readOnly: boolean;
}

const FIRST = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'nia', 'oscar', 'peggy', 'rupert', 'sybil', 'trent', 'uma', 'victor', 'wendy'];

export class Cast {
  readonly humans: Human[] = [];
  /** A legacy IAM user with a long-lived key, used by an old script. */
  readonly legacyUser: Actor;
  readonly ci: Actor;
  readonly autoscaling: Actor;
  readonly monitoring: Actor;
  private readonly nat = new Map<string, string>();
  private readonly actors = new Map<string, Actor>();
  private readonly principals = new Map<string, Principal>();
  readonly ciIps: string[];

  constructor(
    private readonly rng: Rng,
    readonly info: AccountInfo,
    humans: number,
    readOnlyShare: number,
  ) {
    const office = [publicIp(rng), publicIp(rng), publicIp(rng)];
    const adminRole = role(rng, `AWSReservedSSO_AdministratorAccess_${rng.hex(16)}`, '/aws-reserved/sso.amazonaws.com/');
    const readRole = role(rng, `AWSReservedSSO_ReadOnlyAccess_${rng.hex(16)}`, '/aws-reserved/sso.amazonaws.com/');
    const names = rng.sample(FIRST, humans);
    for (const [i, n] of names.entries()) {
      const readOnly = i >= Math.round(humans * (1 - readOnlyShare));
      const email = `${n}@example.com`;
      const ip = rng.chance(0.7) ? rng.pick(office) : publicIp(rng);
      const principal = readOnly ? readRole : adminRole;
      this.humans.push({
        name: n,
        readOnly,
        console: { principal, userAgent: rng.pick(UA.browser), sourceIp: ip, console: true, session: email, tls: true },
        cli: { principal, userAgent: UA.cli('ec2.describe-instances'), sourceIp: ip, console: false, session: email, tls: true },
      });
    }
    this.legacyUser = {
      principal: iamUser(rng, 'svc-reporting'),
      userAgent: UA.boto3,
      sourceIp: publicIp(rng),
      console: false,
      tls: true,
    };
    this.ciIps = Array.from({ length: 12 }, () => publicIp(rng));
    this.ci = {
      principal: role(rng, 'github-actions-deploy'),
      userAgent: UA.cdk,
      sourceIp: rng.pick(this.ciIps),
      console: false,
      session: 'GitHubActions',
      tls: true,
    };
    this.autoscaling = {
      principal: serviceRole(rng, 'AWSServiceRoleForAutoScaling', 'autoscaling.amazonaws.com'),
      userAgent: 'autoscaling.amazonaws.com',
      sourceIp: 'autoscaling.amazonaws.com',
      invokedBy: 'autoscaling.amazonaws.com',
      console: false,
      session: 'AutoScaling',
      tls: false,
    };
    this.monitoring = {
      principal: role(rng, 'DatadogIntegrationRole'),
      userAgent: UA.datadog,
      sourceIp: publicIp(rng),
      console: false,
      session: (hour) => `DatadogAWSIntegration-${Math.floor(hour / 1000)}`,
      tls: true,
    };
  }

  /** The account's NAT gateway address in a region, where its workloads call from. */
  natIp(region: string): string {
    let ip = this.nat.get(region);
    if (!ip) {
      ip = publicIp(this.rng.fork(`nat/${region}`));
      this.nat.set(region, ip);
    }
    return ip;
  }

  private principal(key: string, make: () => Principal): Principal {
    let p = this.principals.get(key);
    if (!p) {
      p = make();
      this.principals.set(key, p);
    }
    return p;
  }

  private actor(key: string, make: () => Actor): Actor {
    let a = this.actors.get(key);
    if (!a) {
      a = make();
      this.actors.set(key, a);
    }
    return a;
  }

  /** A workload role (Lambda, ECS task, EC2 instance profile) calling from the region's NAT. */
  app(roleName: string, region: string, userAgent: string = UA.lambdaJs('dynamodb')): Actor {
    const principal = this.principal(`role/${roleName}`, () => role(this.rng.fork(`role/${roleName}`), roleName));
    return this.actor(`app/${roleName}/${region}/${userAgent}`, () => ({
      principal,
      userAgent,
      sourceIp: this.natIp(region),
      console: false,
      session: roleName.endsWith('-lambda') ? roleName : (hour: number) => `botocore-session-${Math.floor(hour / 1000) + 17}`,
      tls: true,
    }));
  }

  /** A role used by an AWS service on the account's behalf (`invokedBy` that service). */
  serviceActor(roleName: string, service: string, linked = false): Actor {
    const principal = this.principal(`svc/${roleName}`, () =>
      linked ? serviceRole(this.rng.fork(`svc/${roleName}`), roleName, service) : role(this.rng.fork(`svc/${roleName}`), roleName, '/service-role/'),
    );
    return this.actor(`svc/${roleName}/${service}`, () => ({
      principal,
      userAgent: service,
      sourceIp: service,
      invokedBy: service,
      console: false,
      session: service.split('.')[0] ?? service,
      tls: false,
    }));
  }

  /** An AWS service acting as itself (`userIdentity.type` AWSService). */
  service(service: string): Actor {
    return this.actor(`aws/${service}`, () => ({
      principal: awsService(service),
      userAgent: service,
      sourceIp: service,
      invokedBy: undefined,
      console: false,
      tls: false,
    }));
  }

  /** CloudFormation acting with the CDK execution role. */
  get cfn(): Actor {
    return this.serviceActor(`cdk-hnb659fds-cfn-exec-role-${this.info.id}`, 'cloudformation.amazonaws.com');
  }

  /** The SSM agent on one instance (instance-profile session named after the instance). */
  ssmAgent(instanceId: string, region: string): Actor {
    const principal = this.principal('role/ssm-instance-role', () => role(this.rng.fork('role/ssm'), 'ec2-ssm-instance-role'));
    return this.actor(`ssm/${instanceId}`, () => ({
      principal,
      userAgent: UA.ssmAgent,
      sourceIp: this.natIp(region),
      console: false,
      session: instanceId,
      tls: true,
    }));
  }

  forget(key: string): void {
    this.actors.delete(key);
  }
}
