import type { Api } from './catalog.js';
import type { Rng } from './rng.js';
import { awsLongDate } from './calendar.js';
import * as ids from './ids.js';

/**
 * `requestParameters` / `responseElements` / `resources` / `additionalEventData` per API:
 * the same fields and nesting as real records, with values trimmed to a realistic but
 * modest size (a 10-day trail is written in seconds, not minutes). Reads carry no
 * response, as in CloudTrail.
 */

export interface PayloadHints {
  /** The main resource name: function, stack, bucket, user, role, parameter... */
  name?: string;
  count?: number;
  instanceIds?: string[];
  instanceType?: string;
  imageId?: string;
  userName?: string;
  roleName?: string;
  policyArn?: string;
  keyId?: string;
  objectKey?: string;
  snapshotId?: string;
  volumeId?: string;
  groupId?: string;
  cluster?: string;
  namespace?: string;
  version?: number;
  bucket?: string;
  launchTemplate?: string;
  ip?: string;
}

export interface Payload {
  requestParameters: unknown;
  responseElements: unknown;
  resources?: unknown[];
  additionalEventData?: Record<string, unknown>;
  /** S3 answers with its own request id format. */
  requestId?: string;
}

export interface PayloadContext {
  rng: Rng;
  account: string;
  region: string;
  t: number;
  hints: PayloadHints;
  failed: boolean;
}

type Template = (c: PayloadContext) => Payload;

const az = (c: PayloadContext): string => `${c.region}${c.rng.pick(['a', 'b', 'c'])}`;
const nameOr = (c: PayloadContext, fallback: string): string => c.hints.name ?? fallback;
const privateIp = (rng: Rng): string => `10.${rng.int(0, 31)}.${rng.int(0, 255)}.${rng.int(4, 254)}`;
const policyDoc = (action: string, resource = '*'): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });
const trustDoc = (service: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
const ec2Ok = (c: PayloadContext): Record<string, unknown> => ({ requestId: c.rng.uuid(), _return: true });
const lambdaArn = (c: PayloadContext, fn: string): string => `arn:aws:lambda:${c.region}:${c.account}:function:${fn}`;

function lambdaConfig(c: PayloadContext, fn: string): Record<string, unknown> {
  return {
    functionName: fn,
    functionArn: lambdaArn(c, fn),
    runtime: 'nodejs20.x',
    role: `arn:aws:iam::${c.account}:role/${fn}-role`,
    handler: 'index.handler',
    codeSize: c.rng.int(200_000, 4_000_000),
    timeout: 30,
    memorySize: c.rng.pick([256, 512, 1024]),
    lastModified: new Date(c.t).toISOString().replace('Z', '+0000'),
    codeSha256: c.rng.chars(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '=',
    version: '$LATEST',
    tracingConfig: { mode: 'PassThrough' },
    revisionId: c.rng.uuid(),
    state: 'Active',
    lastUpdateStatus: 'InProgress',
    packageType: 'Zip',
    architectures: ['arm64'],
  };
}

function runInstances(c: PayloadContext): Payload {
  const n = c.hints.count ?? 1;
  const type = c.hints.instanceType ?? 'm6i.large';
  const image = c.hints.imageId ?? ids.amiId(c.rng);
  const subnet = ids.subnetId(c.rng);
  const req: Record<string, unknown> = {
    instancesSet: { items: [{ imageId: image, minCount: n, maxCount: n }] },
    instanceType: type,
    blockDeviceMapping: {},
    monitoring: { enabled: false },
    disableApiTermination: false,
    disableApiStop: false,
    clientToken: c.rng.uuid(),
    subnetId: subnet,
  };
  if (c.hints.launchTemplate) {
    req['launchTemplate'] = { launchTemplateId: c.hints.launchTemplate, version: '$Latest' };
  }
  req['tagSpecificationSet'] = {
    items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: c.hints.name ?? 'worker' }] }],
  };
  if (c.failed) return { requestParameters: req, responseElements: null };
  const vpc = ids.vpcId(c.rng);
  const zone = az(c);
  const instanceIds = c.hints.instanceIds ?? Array.from({ length: n }, () => ids.instanceId(c.rng));
  return {
    requestParameters: req,
    responseElements: {
      requestId: c.rng.uuid(),
      reservationId: ids.reservationId(c.rng),
      ownerId: c.account,
      groupSet: {},
      instancesSet: {
        items: instanceIds.map((id, i) => ({
          instanceId: id,
          imageId: image,
          instanceState: { code: 0, name: 'pending' },
          amiLaunchIndex: i,
          instanceType: type,
          launchTime: c.t,
          placement: { availabilityZone: zone, tenancy: 'default' },
          monitoring: { state: 'disabled' },
          subnetId: subnet,
          vpcId: vpc,
          privateIpAddress: privateIp(c.rng),
        })),
      },
    },
  };
}

function instanceStates(c: PayloadContext, from: [number, string], to: [number, string]): Payload {
  const list = c.hints.instanceIds ?? [ids.instanceId(c.rng)];
  return {
    requestParameters: { instancesSet: { items: list.map((instanceId) => ({ instanceId })) } },
    responseElements: c.failed
      ? null
      : {
          requestId: c.rng.uuid(),
          instancesSet: {
            items: list.map((instanceId) => ({
              instanceId,
              currentState: { code: to[0], name: to[1] },
              previousState: { code: from[0], name: from[1] },
            })),
          },
        },
  };
}

function s3Bucket(c: PayloadContext, extra: Record<string, unknown> = {}): Payload {
  const bucket = c.hints.bucket ?? nameOr(c, `${c.account}-data`);
  return {
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, ...extra },
    responseElements: null,
    resources: [{ accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    additionalEventData: s3Extra(c, 0, c.rng.int(200, 900)),
    requestId: ids.s3RequestId(c.rng),
  };
}

function s3Extra(c: PayloadContext, bytesIn: number, bytesOut: number): Record<string, unknown> {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': ids.s3HostId(c.rng),
    bytesTransferredOut: bytesOut,
  };
}

function s3Object(c: PayloadContext, write: boolean): Payload {
  const bucket = c.hints.bucket ?? `${c.account}-data`;
  const key = c.hints.objectKey ?? `data/${c.rng.hex(8)}.json`;
  const size = c.rng.int(300, 250_000);
  return {
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, key },
    responseElements: write ? { 'x-amz-server-side-encryption': 'AES256' } : null,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    additionalEventData: s3Extra(c, write ? size : 0, write ? 0 : size),
    requestId: ids.s3RequestId(c.rng),
  };
}

function dynamo(c: PayloadContext, write: boolean): Payload {
  const table = nameOr(c, 'orders');
  return {
    requestParameters: write
      ? { tableName: table, key: { pk: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, returnValues: 'NONE' }
      : { tableName: table, key: { pk: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, consistentRead: false },
    responseElements: null,
    resources: [
      { accountId: c.account, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:${c.region}:${c.account}:table/${table}` },
    ],
  };
}

const kmsKeyArn = (c: PayloadContext): string => `arn:aws:kms:${c.region}:${c.account}:key/${c.hints.keyId ?? c.rng.uuid()}`;

const TEMPLATES: Record<string, Template> = {
  'ec2:RunInstances': runInstances,
  'ec2:TerminateInstances': (c) => instanceStates(c, [16, 'running'], [32, 'shutting-down']),
  'ec2:StopInstances': (c) => instanceStates(c, [16, 'running'], [64, 'stopping']),
  'ec2:StartInstances': (c) => instanceStates(c, [80, 'stopped'], [0, 'pending']),
  'ec2:CreateTags': (c) => ({
    requestParameters: {
      resourcesSet: { items: (c.hints.instanceIds ?? [ids.instanceId(c.rng)]).map((resourceId) => ({ resourceId })) },
      tagSet: { items: [{ key: c.hints.name ?? 'kubernetes.io/cluster/prod-eks-main', value: 'owned' }] },
    },
    responseElements: c.failed ? null : ec2Ok(c),
  }),
  'ec2:CreateSnapshot': (c) => {
    const volumeId = c.hints.volumeId ?? ids.volumeId(c.rng);
    return {
      requestParameters: { volumeId, description: c.hints.name ?? 'scheduled backup' },
      responseElements: c.failed
        ? null
        : {
            requestId: c.rng.uuid(),
            snapshotId: c.hints.snapshotId ?? ids.snapshotId(c.rng),
            volumeId,
            status: 'pending',
            startTime: c.t,
            progress: '',
            ownerId: c.account,
            volumeSize: c.rng.pick([8, 20, 50, 100, 500]),
            encrypted: true,
          },
    };
  },
  'ec2:CopySnapshot': (c) => ({
    requestParameters: { sourceRegion: 'us-east-1', sourceSnapshotId: ids.snapshotId(c.rng), description: 'dr copy' },
    responseElements: c.failed ? null : { requestId: c.rng.uuid(), snapshotId: c.hints.snapshotId ?? ids.snapshotId(c.rng) },
  }),
  'ec2:DeleteSnapshot': (c) => ({
    requestParameters: { snapshotId: c.hints.snapshotId ?? ids.snapshotId(c.rng) },
    responseElements: c.failed ? null : ec2Ok(c),
  }),
  'ec2:DeregisterImage': (c) => ({
    requestParameters: { imageId: c.hints.imageId ?? ids.amiId(c.rng) },
    responseElements: c.failed ? null : ec2Ok(c),
  }),
  'ec2:CreateKeyPair': (c) => ({
    requestParameters: { keyName: nameOr(c, 'key'), keyType: 'rsa', keyFormat: 'pem' },
    responseElements: c.failed
      ? null
      : {
          requestId: c.rng.uuid(),
          keyName: nameOr(c, 'key'),
          keyFingerprint: Array.from({ length: 20 }, () => c.rng.hex(2)).join(':'),
          keyPairId: ids.keyPairId(c.rng),
        },
  }),
  'ec2:ImportKeyPair': (c) => ({
    requestParameters: { keyName: nameOr(c, 'key'), publicKeyMaterial: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    responseElements: c.failed ? null : { requestId: c.rng.uuid(), keyName: nameOr(c, 'key'), keyPairId: ids.keyPairId(c.rng) },
  }),
  'ec2:CreateSecurityGroup': (c) => ({
    requestParameters: { groupName: nameOr(c, 'default-sg'), groupDescription: 'managed', vpcId: ids.vpcId(c.rng) },
    responseElements: c.failed ? null : { requestId: c.rng.uuid(), _return: true, groupId: c.hints.groupId ?? ids.sgId(c.rng) },
  }),
  'ec2:AuthorizeSecurityGroupIngress': (c) => {
    const port = c.hints.count ?? 22;
    const groupId = c.hints.groupId ?? ids.sgId(c.rng);
    return {
      requestParameters: {
        groupId,
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: port,
              toPort: port,
              groups: {},
              ipRanges: { items: [{ cidrIp: c.hints.ip ?? '0.0.0.0/0' }] },
              ipv6Ranges: {},
              prefixListIds: {},
            },
          ],
        },
      },
      responseElements: c.failed
        ? null
        : {
            requestId: c.rng.uuid(),
            _return: true,
            securityGroupRuleSet: {
              items: [
                {
                  groupOwnerId: c.account,
                  groupId,
                  securityGroupRuleId: `sgr-0${c.rng.hex(16)}`,
                  isEgress: false,
                  ipProtocol: 'tcp',
                  fromPort: port,
                  toPort: port,
                  cidrIpv4: c.hints.ip ?? '0.0.0.0/0',
                },
              ],
            },
          },
    };
  },
  'ec2:DescribeInstances': (c) => ({
    requestParameters: {
      instancesSet: c.hints.instanceIds ? { items: c.hints.instanceIds.map((instanceId) => ({ instanceId })) } : {},
      filterSet: {},
    },
    responseElements: null,
  }),
  'ec2:DescribeInstanceStatus': () => ({
    requestParameters: { instancesSet: {}, filterSet: {}, includeAllInstances: false },
    responseElements: null,
  }),
  'ec2:DescribeRegions': () => ({ requestParameters: { regionSet: {}, allRegions: false }, responseElements: null }),

  'iam:CreateUser': (c) => {
    const user = c.hints.userName ?? nameOr(c, 'svc-user');
    return {
      requestParameters: { userName: user, path: '/' },
      responseElements: c.failed
        ? null
        : {
            user: {
              path: '/',
              userName: user,
              userId: ids.uniqueId(c.rng, 'AIDA'),
              arn: `arn:aws:iam::${c.account}:user/${user}`,
              createDate: awsLongDate(c.t).replace(/, (\d+:)/, ' $1'),
            },
          },
    };
  },
  'iam:CreateAccessKey': (c) => {
    const user = c.hints.userName ?? nameOr(c, 'svc-user');
    return {
      requestParameters: { userName: user },
      responseElements: c.failed
        ? null
        : {
            accessKey: {
              accessKeyId: ids.uniqueId(c.rng, 'AKIA'),
              status: 'Active',
              userName: user,
              createDate: awsLongDate(c.t).replace(/, (\d+:)/, ' $1'),
            },
          },
    };
  },
  'iam:AttachUserPolicy': (c) => ({
    requestParameters: {
      userName: c.hints.userName ?? nameOr(c, 'svc-user'),
      policyArn: c.hints.policyArn ?? 'arn:aws:iam::aws:policy/AdministratorAccess',
    },
    responseElements: null,
  }),
  'iam:PutUserPolicy': (c) => ({
    requestParameters: {
      userName: c.hints.userName ?? nameOr(c, 'svc-user'),
      policyName: 'inline',
      policyDocument: policyDoc('*'),
    },
    responseElements: null,
  }),
  'iam:CreateLoginProfile': (c) => ({
    requestParameters: { userName: c.hints.userName ?? nameOr(c, 'svc-user'), passwordResetRequired: false },
    responseElements: c.failed
      ? null
      : {
          loginProfile: {
            userName: c.hints.userName ?? nameOr(c, 'svc-user'),
            createDate: awsLongDate(c.t).replace(/, (\d+:)/, ' $1'),
            passwordResetRequired: false,
          },
        },
  }),
  'iam:AddUserToGroup': (c) => ({
    requestParameters: { groupName: 'Admins', userName: c.hints.userName ?? nameOr(c, 'svc-user') },
    responseElements: null,
  }),
  'iam:CreateRole': (c) => {
    const roleName = c.hints.roleName ?? nameOr(c, 'app-role');
    return {
      requestParameters: {
        roleName,
        path: '/',
        assumeRolePolicyDocument: trustDoc('lambda.amazonaws.com'),
        tags: [{ key: 'aws:cloudformation:stack-name', value: c.hints.name ?? 'app' }],
      },
      responseElements: c.failed
        ? null
        : {
            role: {
              path: '/',
              roleName,
              roleId: ids.uniqueId(c.rng, 'AROA'),
              arn: `arn:aws:iam::${c.account}:role/${roleName}`,
              createDate: awsLongDate(c.t).replace(/, (\d+:)/, ' $1'),
              assumeRolePolicyDocument: encodeURIComponent(trustDoc('lambda.amazonaws.com')),
            },
          },
    };
  },
  'iam:PutRolePolicy': (c) => ({
    requestParameters: {
      roleName: c.hints.roleName ?? nameOr(c, 'app-role'),
      policyName: 'default-policy',
      policyDocument: policyDoc(['logs:CreateLogStream', 'logs:PutLogEvents', 'dynamodb:GetItem'].join(',')),
    },
    responseElements: null,
  }),
  'iam:AttachRolePolicy': (c) => ({
    requestParameters: {
      roleName: c.hints.roleName ?? nameOr(c, 'app-role'),
      policyArn: c.hints.policyArn ?? 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    },
    responseElements: null,
  }),
  'iam:DetachRolePolicy': (c) => ({
    requestParameters: {
      roleName: c.hints.roleName ?? nameOr(c, 'app-role'),
      policyArn: c.hints.policyArn ?? 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    },
    responseElements: null,
  }),
  'iam:TagRole': (c) => ({
    requestParameters: { roleName: c.hints.roleName ?? nameOr(c, 'app-role'), tags: [{ key: 'team', value: 'platform' }] },
    responseElements: null,
  }),
  'iam:UpdateAssumeRolePolicy': (c) => ({
    requestParameters: { roleName: c.hints.roleName ?? nameOr(c, 'app-role'), policyDocument: trustDoc('ec2.amazonaws.com') },
    responseElements: null,
  }),

  'kms:DisableKey': (c) => ({
    requestParameters: { keyId: c.hints.keyId ?? c.rng.uuid() },
    responseElements: null,
    resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(c) }],
  }),
  'kms:ScheduleKeyDeletion': (c) => {
    const arn = kmsKeyArn(c);
    return {
      requestParameters: { keyId: c.hints.keyId ?? arn, pendingWindowInDays: 7 },
      responseElements: c.failed
        ? null
        : { keyId: arn, deletionDate: awsLongDate(c.t + 7 * 86_400_000), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
      resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: arn }],
    };
  },
  'kms:Decrypt': (c) => ({
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { service: c.hints.name ?? 'app' } },
    responseElements: null,
    resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(c) }],
  }),
  'kms:GenerateDataKey': (c) => ({
    requestParameters: { keyId: `alias/${c.hints.name ?? 'app'}`, keySpec: 'AES_256' },
    responseElements: null,
    resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(c) }],
  }),
  'kms:CreateGrant': (c) => ({
    requestParameters: {
      keyId: kmsKeyArn(c),
      granteePrincipal: `${c.hints.name ?? 'ec2'}.${c.region}.amazonaws.com`,
      operations: ['Decrypt', 'Encrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'],
    },
    responseElements: c.failed ? null : { grantId: c.rng.hex(64) },
    resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(c) }],
  }),

  'ssm:UpdateInstanceInformation': (c) => {
    const id = c.hints.instanceIds?.[0] ?? ids.instanceId(c.rng);
    return {
      requestParameters: {
        instanceId: id,
        agentVersion: '3.2.2222.0',
        agentStatus: 'Active',
        platformType: 'Linux',
        platformName: 'Amazon Linux',
        platformVersion: '2023',
        iPAddress: c.hints.ip ?? privateIp(c.rng),
        computerName: `ip-${(c.hints.ip ?? '10.0.0.1').replaceAll('.', '-')}.ec2.internal`,
        agentName: 'amazon-ssm-agent',
        availabilityZone: az(c),
        sSMConnectionChannel: 'ssmmessages',
      },
      responseElements: null,
    };
  },
  'ssm:PutParameter': (c) => ({
    requestParameters: { name: nameOr(c, '/app/config'), type: 'SecureString', overwrite: true, tier: 'Standard' },
    responseElements: c.failed ? null : { version: c.hints.version ?? c.rng.int(2, 4000), tier: 'Standard' },
  }),
  'ssm:GetParameter': (c) => ({
    requestParameters: { name: nameOr(c, '/app/config'), withDecryption: true },
    responseElements: null,
  }),
  'ssm:GetParameters': (c) => ({
    requestParameters: { names: [nameOr(c, '/app/config'), '/app/db-url'], withDecryption: true },
    responseElements: null,
  }),
  'ssm:GetParametersByPath': (c) => ({
    requestParameters: { path: nameOr(c, '/app/'), recursive: true, withDecryption: true },
    responseElements: null,
  }),

  'monitoring:PutMetricData': (c) => ({
    requestParameters: {
      namespace: c.hints.namespace ?? 'App',
      metricData: [{ metricName: nameOr(c, 'Heartbeat'), value: 1, unit: 'Count' }],
    },
    responseElements: null,
  }),
  'logs:CreateLogStream': (c) => ({
    requestParameters: {
      logGroupName: `/aws/lambda/${nameOr(c, 'app')}`,
      logStreamName: `${new Date(c.t).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${c.rng.hex(32)}`,
    },
    responseElements: null,
  }),
  'logs:CreateLogGroup': (c) => ({ requestParameters: { logGroupName: `/aws/lambda/${nameOr(c, 'app')}` }, responseElements: null }),
  'logs:DeleteLogGroup': (c) => ({ requestParameters: { logGroupName: `/aws/lambda/${nameOr(c, 'app')}` }, responseElements: null }),
  'logs:PutRetentionPolicy': (c) => ({
    requestParameters: { logGroupName: `/aws/lambda/${nameOr(c, 'app')}`, retentionInDays: 30 },
    responseElements: null,
  }),

  'lambda:UpdateFunctionCode20150331v2': (c) => ({
    requestParameters: { functionName: nameOr(c, 'app'), s3Bucket: `cdk-assets-${c.account}-${c.region}`, s3Key: `${c.rng.hex(64)}.zip`, publish: false },
    responseElements: c.failed ? null : lambdaConfig(c, nameOr(c, 'app')),
  }),
  'lambda:UpdateFunctionConfiguration20150331v2': (c) => ({
    requestParameters: { functionName: nameOr(c, 'app'), environment: {}, timeout: 30, memorySize: 512 },
    responseElements: c.failed ? null : lambdaConfig(c, nameOr(c, 'app')),
  }),
  'lambda:CreateFunction20150331': (c) => ({
    requestParameters: {
      functionName: nameOr(c, 'app'),
      runtime: 'nodejs20.x',
      role: `arn:aws:iam::${c.account}:role/${nameOr(c, 'app')}-role`,
      handler: 'index.handler',
      code: { s3Bucket: `cdk-assets-${c.account}-${c.region}`, s3Key: `${c.rng.hex(64)}.zip` },
    },
    responseElements: c.failed ? null : lambdaConfig(c, nameOr(c, 'app')),
  }),
  'lambda:DeleteFunction20150331': (c) => ({ requestParameters: { functionName: nameOr(c, 'app') }, responseElements: null }),
  'lambda:PublishVersion20150331': (c) => ({
    requestParameters: { functionName: nameOr(c, 'app'), description: '' },
    responseElements: c.failed ? null : { ...lambdaConfig(c, nameOr(c, 'app')), version: String(c.hints.version ?? c.rng.int(2, 400)) },
  }),
  'lambda:UpdateAlias20150331': (c) => ({
    requestParameters: { functionName: nameOr(c, 'app'), name: 'live', functionVersion: String(c.hints.version ?? c.rng.int(2, 400)) },
    responseElements: c.failed
      ? null
      : {
          aliasArn: `${lambdaArn(c, nameOr(c, 'app'))}:live`,
          name: 'live',
          functionVersion: String(c.hints.version ?? c.rng.int(2, 400)),
          revisionId: c.rng.uuid(),
        },
  }),
  'lambda:GetFunction20150331v2': (c) => ({ requestParameters: { functionName: nameOr(c, 'app') }, responseElements: null }),
  'lambda:Invoke': (c) => ({
    requestParameters: { functionName: lambdaArn(c, nameOr(c, 'app')), invocationType: 'RequestResponse' },
    responseElements: null,
    resources: [{ accountId: c.account, type: 'AWS::Lambda::Function', ARN: lambdaArn(c, nameOr(c, 'app')) }],
    additionalEventData: { functionVersion: `${lambdaArn(c, nameOr(c, 'app'))}:$LATEST` },
  }),

  'cloudformation:CreateChangeSet': (c) => {
    const stack = nameOr(c, 'app');
    return {
      requestParameters: {
        stackName: stack,
        changeSetName: `cdk-deploy-change-set-${c.rng.hex(6)}`,
        templateURL: `https://s3.${c.region}.amazonaws.com/cdk-hnb659fds-assets-${c.account}-${c.region}/${c.rng.hex(64)}.json`,
        capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        changeSetType: 'UPDATE',
      },
      responseElements: c.failed
        ? null
        : {
            id: `arn:aws:cloudformation:${c.region}:${c.account}:changeSet/cdk-deploy-change-set/${c.rng.uuid()}`,
            stackId: `arn:aws:cloudformation:${c.region}:${c.account}:stack/${stack}/${c.rng.uuid()}`,
          },
    };
  },
  'cloudformation:ExecuteChangeSet': (c) => ({
    requestParameters: { changeSetName: 'cdk-deploy-change-set', stackName: nameOr(c, 'app') },
    responseElements: null,
  }),
  'cloudformation:CreateStack': (c) => ({
    requestParameters: {
      stackName: nameOr(c, 'app'),
      templateURL: `https://s3.${c.region}.amazonaws.com/cdk-hnb659fds-assets-${c.account}-${c.region}/${c.rng.hex(64)}.json`,
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    },
    responseElements: c.failed
      ? null
      : { stackId: `arn:aws:cloudformation:${c.region}:${c.account}:stack/${nameOr(c, 'app')}/${c.rng.uuid()}` },
  }),
  'cloudformation:DeleteStack': (c) => ({ requestParameters: { stackName: nameOr(c, 'app') }, responseElements: null }),
  'cloudformation:DescribeStacks': (c) => ({ requestParameters: { stackName: nameOr(c, 'app') }, responseElements: null }),
  'cloudformation:DescribeStackEvents': (c) => ({ requestParameters: { stackName: nameOr(c, 'app') }, responseElements: null }),

  'ecs:RegisterTaskDefinition': (c) => {
    const family = nameOr(c, 'api');
    const revision = c.hints.version ?? c.rng.int(10, 900);
    return {
      requestParameters: {
        family,
        containerDefinitions: [
          {
            name: family,
            image: `${c.account}.dkr.ecr.${c.region}.amazonaws.com/${family}:${c.rng.hex(7)}`,
            cpu: 0,
            essential: true,
            portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
          },
        ],
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '512',
        memory: '1024',
        executionRoleArn: `arn:aws:iam::${c.account}:role/${family}-exec`,
      },
      responseElements: c.failed
        ? null
        : {
            taskDefinition: {
              taskDefinitionArn: `arn:aws:ecs:${c.region}:${c.account}:task-definition/${family}:${revision}`,
              family,
              revision,
              status: 'ACTIVE',
              registeredAt: awsLongDate(c.t),
            },
          },
    };
  },
  'ecs:DeregisterTaskDefinition': (c) => ({
    requestParameters: { taskDefinition: `${nameOr(c, 'api')}:${c.hints.version ?? c.rng.int(10, 900)}` },
    responseElements: c.failed ? null : { taskDefinition: { family: nameOr(c, 'api'), status: 'INACTIVE' } },
  }),
  'ecs:UpdateService': (c) => {
    const svc = nameOr(c, 'api');
    const cluster = c.hints.cluster ?? 'main';
    return {
      requestParameters: { cluster, service: svc, taskDefinition: `${svc}:${c.hints.version ?? c.rng.int(10, 900)}`, forceNewDeployment: false },
      responseElements: c.failed
        ? null
        : {
            service: {
              serviceArn: `arn:aws:ecs:${c.region}:${c.account}:service/${cluster}/${svc}`,
              serviceName: svc,
              clusterArn: `arn:aws:ecs:${c.region}:${c.account}:cluster/${cluster}`,
              status: 'ACTIVE',
              desiredCount: c.hints.count ?? 3,
              runningCount: c.hints.count ?? 3,
              launchType: 'FARGATE',
            },
          },
    };
  },
  'elasticloadbalancing:RegisterTargets': (c) => ({
    requestParameters: {
      targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.account}:targetgroup/${nameOr(c, 'api')}/${c.rng.hex(16)}`,
      targets: [{ id: c.hints.ip ?? privateIp(c.rng), port: 8080 }],
    },
    responseElements: null,
  }),
  'elasticloadbalancing:DeregisterTargets': (c) => ({
    requestParameters: {
      targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.account}:targetgroup/${nameOr(c, 'api')}/${c.rng.hex(16)}`,
      targets: [{ id: c.hints.ip ?? privateIp(c.rng), port: 8080 }],
    },
    responseElements: null,
  }),

  'ecr:PutImage': (c) => ({
    requestParameters: { repositoryName: nameOr(c, 'api'), imageTag: c.rng.hex(7), registryId: c.account },
    responseElements: c.failed
      ? null
      : {
          image: {
            registryId: c.account,
            repositoryName: nameOr(c, 'api'),
            imageId: { imageDigest: `sha256:${c.rng.hex(64)}`, imageTag: c.rng.hex(7) },
            imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          },
        },
  }),
  'ecr:InitiateLayerUpload': (c) => ({
    requestParameters: { repositoryName: nameOr(c, 'api'), registryId: c.account },
    responseElements: c.failed ? null : { uploadId: c.rng.uuid(), partSize: 10485760 },
  }),
  'ecr:UploadLayerPart': (c) => ({
    requestParameters: {
      repositoryName: nameOr(c, 'api'),
      registryId: c.account,
      uploadId: c.rng.uuid(),
      partFirstByte: 0,
      partLastByte: c.rng.int(1000, 30_000_000),
    },
    responseElements: c.failed ? null : { registryId: c.account, repositoryName: nameOr(c, 'api'), uploadId: c.rng.uuid() },
  }),
  'ecr:CompleteLayerUpload': (c) => ({
    requestParameters: {
      repositoryName: nameOr(c, 'api'),
      registryId: c.account,
      uploadId: c.rng.uuid(),
      layerDigests: [`sha256:${c.rng.hex(64)}`],
    },
    responseElements: c.failed ? null : { registryId: c.account, repositoryName: nameOr(c, 'api'), layerDigest: `sha256:${c.rng.hex(64)}` },
  }),

  's3:CreateBucket': (c) => s3Bucket(c),
  's3:DeleteBucket': (c) => s3Bucket(c),
  's3:PutBucketPolicy': (c) => s3Bucket(c, { bucketPolicy: { Version: '2012-10-17', Statement: [] }, policy: '' }),
  's3:PutBucketTagging': (c) => s3Bucket(c, { tagging: '' }),
  's3:GetBucketPolicy': (c) => s3Bucket(c, { policy: '' }),
  's3:GetBucketAcl': (c) => s3Bucket(c, { acl: '' }),
  's3:GetBucketLocation': (c) => s3Bucket(c, { location: '' }),
  's3:GetBucketCors': (c) => s3Bucket(c, { cors: '' }),
  's3:GetBucketTagging': (c) => s3Bucket(c, { tagging: '' }),
  's3:GetBucketEncryption': (c) => s3Bucket(c, { encryption: '' }),
  's3:GetBucketPublicAccessBlock': (c) => s3Bucket(c, { publicAccessBlock: '' }),
  's3:GetBucketLifecycle': (c) => s3Bucket(c, { lifecycle: '' }),
  's3:GetBucketWebsite': (c) => s3Bucket(c, { website: '' }),
  's3:ListBuckets': (c) => ({
    requestParameters: { Host: 's3.amazonaws.com' },
    responseElements: null,
    additionalEventData: s3Extra(c, 0, c.rng.int(500, 9000)),
    requestId: ids.s3RequestId(c.rng),
  }),
  's3:GetObject': (c) => s3Object(c, false),
  's3:HeadObject': (c) => s3Object(c, false),
  's3:PutObject': (c) => s3Object(c, true),
  's3:DeleteObject': (c) => s3Object(c, true),
  's3:ListObjects': (c) => s3Bucket(c, { prefix: 'data/', 'list-type': '2' }),

  'dynamodb:GetItem': (c) => dynamo(c, false),
  'dynamodb:Query': (c) => dynamo(c, false),
  'dynamodb:PutItem': (c) => dynamo(c, true),
  'dynamodb:UpdateItem': (c) => dynamo(c, true),
  'dynamodb:DescribeTable': (c) => ({ requestParameters: { tableName: nameOr(c, 'orders') }, responseElements: null }),

  'sts:AssumeRole': (c) => {
    const roleName = c.hints.roleName ?? nameOr(c, 'app-role');
    const session = `botocore-session-${Math.floor(c.t / 1000)}`;
    return {
      requestParameters: { roleArn: `arn:aws:iam::${c.account}:role/${roleName}`, roleSessionName: session, durationSeconds: 3600 },
      responseElements: c.failed
        ? null
        : {
            credentials: {
              accessKeyId: ids.uniqueId(c.rng, 'ASIA'),
              // Real session tokens run to ~800 characters; a shorter one keeps the files lean.
              sessionToken: `IQoJb3JpZ2luX2Vj${c.rng.chars(240, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}`,
              expiration: awsLongDate(c.t + 3_600_000),
            },
            assumedRoleUser: {
              assumedRoleId: `${ids.uniqueId(c.rng, 'AROA')}:${session}`,
              arn: `arn:aws:sts::${c.account}:assumed-role/${roleName}/${session}`,
            },
          },
      resources: [{ accountId: c.account, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${c.account}:role/${roleName}` }],
    };
  },
  'sts:GetCallerIdentity': () => ({ requestParameters: null, responseElements: null }),

  'secretsmanager:GetSecretValue': (c) => ({ requestParameters: { secretId: nameOr(c, 'prod/db') }, responseElements: null }),
  'secretsmanager:PutSecretValue': (c) => ({
    requestParameters: { secretId: nameOr(c, 'prod/db'), clientRequestToken: c.rng.uuid() },
    responseElements: c.failed
      ? null
      : {
          arn: `arn:aws:secretsmanager:${c.region}:${c.account}:secret:${nameOr(c, 'prod/db')}-${c.rng.chars(6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef')}`,
          name: nameOr(c, 'prod/db'),
          versionId: c.rng.uuid(),
          versionStages: ['AWSPENDING'],
        },
  }),
  'athena:StartQueryExecution': (c) => ({
    requestParameters: {
      queryString: `SELECT * FROM ${nameOr(c, 'events')} WHERE dt = '${new Date(c.t).toISOString().slice(0, 10)}' LIMIT 100`,
      clientRequestToken: c.rng.uuid(),
      queryExecutionContext: { database: 'analytics' },
      resultConfiguration: { outputLocation: `s3://${c.account}-athena-results/` },
      workGroup: 'primary',
    },
    responseElements: c.failed ? null : { queryExecutionId: c.rng.uuid() },
  }),
  'glue:StartJobRun': (c) => ({
    requestParameters: { jobName: nameOr(c, 'etl'), arguments: { '--run_date': new Date(c.t).toISOString().slice(0, 10) } },
    responseElements: c.failed ? null : { jobRunId: `jr_${c.rng.hex(64)}` },
  }),
  'elasticmapreduce:RunJobFlow': (c) => ({
    requestParameters: {
      name: nameOr(c, 'nightly'),
      releaseLabel: 'emr-6.15.0',
      instances: {
        instanceGroups: [
          { instanceRole: 'MASTER', instanceType: 'm6g.xlarge', instanceCount: 1 },
          { instanceRole: 'CORE', instanceType: 'r6g.2xlarge', instanceCount: c.hints.count ?? 8 },
        ],
        keepJobFlowAliveWhenNoSteps: false,
      },
      jobFlowRole: 'EMR_EC2_DefaultRole',
      serviceRole: 'EMR_DefaultRole',
    },
    responseElements: c.failed
      ? null
      : { jobFlowId: `j-${c.rng.chars(13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`, clusterArn: `arn:aws:elasticmapreduce:${c.region}:${c.account}:cluster/j-${c.rng.hex(13).toUpperCase()}` },
  }),
  'rds:CreateDBSnapshot': (c) => ({
    requestParameters: { dBSnapshotIdentifier: nameOr(c, 'snap'), dBInstanceIdentifier: 'orders-db' },
    responseElements: c.failed ? null : { dBSnapshotIdentifier: nameOr(c, 'snap'), dBInstanceIdentifier: 'orders-db', status: 'creating', engine: 'postgres' },
  }),
  'rds:DeleteDBSnapshot': (c) => ({
    requestParameters: { dBSnapshotIdentifier: nameOr(c, 'snap') },
    responseElements: c.failed ? null : { dBSnapshotIdentifier: nameOr(c, 'snap'), dBInstanceIdentifier: 'orders-db', status: 'deleted', engine: 'postgres' },
  }),
  'rds:DeleteDBInstance': (c) => ({
    requestParameters: { dBInstanceIdentifier: nameOr(c, 'db'), skipFinalSnapshot: true },
    responseElements: c.failed ? null : { dBInstanceIdentifier: nameOr(c, 'db'), dBInstanceStatus: 'deleting', engine: 'postgres' },
  }),
  'securityhub:BatchImportFindings': (c) => ({
    requestParameters: { findings: Array.from({ length: Math.min(c.hints.count ?? 3, 5) }, () => ({ id: c.rng.uuid() })) },
    responseElements: c.failed ? null : { failedCount: 0, successCount: c.hints.count ?? 3, failedFindings: [] },
  }),
  'config:PutEvaluations': (c) => ({
    requestParameters: {
      evaluations: [
        {
          complianceResourceType: 'AWS::EC2::Instance',
          complianceResourceId: ids.instanceId(c.rng),
          complianceType: c.rng.pick(['COMPLIANT', 'NON_COMPLIANT']),
          orderingTimestamp: awsLongDate(c.t),
        },
      ],
      resultToken: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      testMode: false,
    },
    responseElements: null,
  }),
  'backup:StartBackupJob': (c) => ({
    requestParameters: { backupVaultName: 'Default', resourceArn: `arn:aws:ec2:${c.region}:${c.account}:volume/${c.hints.volumeId ?? ids.volumeId(c.rng)}`, iamRoleArn: `arn:aws:iam::${c.account}:role/service-role/AWSBackupDefaultServiceRole` },
    responseElements: c.failed ? null : { backupJobId: c.rng.uuid().toUpperCase(), creationDate: awsLongDate(c.t) },
  }),
  'autoscaling:SetDesiredCapacity': (c) => ({
    requestParameters: { autoScalingGroupName: nameOr(c, 'web'), desiredCapacity: c.hints.count ?? 10, honorCooldown: false },
    responseElements: null,
  }),
  'events:PutRule': (c) => ({
    requestParameters: { name: nameOr(c, 'rule'), scheduleExpression: 'rate(5 minutes)', state: 'ENABLED' },
    responseElements: c.failed ? null : { ruleArn: `arn:aws:events:${c.region}:${c.account}:rule/${nameOr(c, 'rule')}` },
  }),
  'events:PutTargets': (c) => ({
    requestParameters: { rule: nameOr(c, 'rule'), targets: [{ id: 'Target0', arn: lambdaArn(c, nameOr(c, 'app')) }] },
    responseElements: c.failed ? null : { failedEntryCount: 0, failedEntries: [] },
  }),
  'signin:ConsoleLogin': (c) => ({
    requestParameters: null,
    responseElements: { ConsoleLogin: c.failed ? 'Failure' : 'Success' },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
      MobileVersion: 'No',
      MFAUsed: 'Yes',
    },
  }),
};

/** Generic fallbacks: a named resource for writes, a paging hint for reads. */
function fallback(a: Api, c: PayloadContext): Payload {
  if (a.readOnly) {
    return {
      requestParameters: c.hints.name ? { name: c.hints.name } : c.rng.chance(0.5) ? null : { maxResults: 100 },
      responseElements: null,
    };
  }
  return { requestParameters: { name: nameOr(c, `${a.name.toLowerCase()}-${c.rng.hex(6)}`) }, responseElements: null };
}

export function payloadFor(a: Api, c: PayloadContext): Payload {
  const template = TEMPLATES[a.key];
  return template ? template(c) : fallback(a, c);
}

