/**
 * What the generator knows about each API: its event source, whether CloudTrail marks it
 * read-only, whether it is a data event, and where a global service's events land.
 * Keys are `service:EventName` with the service as the host prefix of its event source
 * (`monitoring` for CloudWatch, as CloudTrail names it).
 */

export type EventCategory = 'Management' | 'Data';
export type EventType = 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';

export interface Api {
  readonly key: string;
  readonly service: string;
  readonly source: string;
  readonly name: string;
  readonly readOnly: boolean;
  readonly category: EventCategory;
  readonly eventType: EventType;
}

/** Services whose events CloudTrail records in us-east-1 whatever region was called. */
export const GLOBAL_SERVICES = new Set(['iam', 'organizations', 'ce', 'signin', 'health', 'route53', 'cloudfront', 'account', 'billing']);
export const GLOBAL_REGION = 'us-east-1';

/** Data events of the three services whose data plane this generator writes. */
const DATA_EVENTS = new Map<string, boolean>([
  ['s3:GetObject', true],
  ['s3:HeadObject', true],
  ['s3:PutObject', false],
  ['s3:DeleteObject', false],
  ['s3:DeleteObjects', false],
  ['s3:ListObjects', true],
  ['lambda:Invoke', false],
  ['dynamodb:GetItem', true],
  ['dynamodb:Query', true],
  ['dynamodb:PutItem', false],
  ['dynamodb:UpdateItem', false],
  ['dynamodb:BatchWriteItem', false],
]);

const READ_PREFIX = /^(Describe|List|Get|Lookup|Search|BatchGet|BatchCheck|Head|Check|Validate|Estimate|Preview)/;
/** Read-only calls whose names do not say so. */
const READ_NAMES = new Set([
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:GetCallerIdentity',
  'sts:GetSessionToken',
  'athena:BatchGetQueryExecution',
]);

const cache = new Map<string, Api>();

export function api(key: string): Api {
  const hit = cache.get(key);
  if (hit) return hit;
  const colon = key.indexOf(':');
  if (colon < 1) throw new Error(`not an api key: ${key}`);
  const service = key.slice(0, colon);
  const name = key.slice(colon + 1);
  const data = DATA_EVENTS.get(key);
  const readOnly = data ?? (READ_NAMES.has(key) || READ_PREFIX.test(name));
  const made: Api = {
    key,
    service,
    source: `${service}.amazonaws.com`,
    name,
    readOnly,
    category: data === undefined ? 'Management' : 'Data',
    eventType: key === 'signin:ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
  };
  cache.set(key, made);
  return made;
}

/** The region a call's record is filed under. */
export const recordRegion = (a: Api, calledRegion: string): string =>
  GLOBAL_SERVICES.has(a.service) ? GLOBAL_REGION : calledRegion;

/** The IAM action name a denial message quotes (`lambda:GetFunction`, not the versioned event name). */
export function iamAction(a: Api): string {
  const name = a.name.replace(/20\d{6}(v\d)?$/, '');
  return `${a.service === 'monitoring' ? 'cloudwatch' : a.service}:${name}`;
}

/** Services that answer a denial with `AccessDeniedException` rather than `AccessDenied`. */
const DENIED_EXCEPTION = new Set([
  'lambda',
  'kms',
  'ssm',
  'dynamodb',
  'secretsmanager',
  'glue',
  'athena',
  'logs',
  'ecr',
  'ecs',
  'securityhub',
  'guardduty',
  'backup',
  'organizations',
  'ce',
  'states',
  'elasticmapreduce',
]);

export interface ErrorSpec {
  code?: string;
  message: string;
}

/** The error a caller gets when a policy does not allow the call, as each service words it. */
export function denied(a: Api, callerArn: string, region: string, account: string): ErrorSpec {
  if (a.service === 'ec2') {
    return a.readOnly
      ? { code: 'Client.UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }
      : {
          code: 'Client.UnauthorizedOperation',
          message:
            'You are not authorized to perform this operation. User: ' +
            `${callerArn} is not authorized to perform: ${iamAction(a)} on resource: arn:aws:ec2:${region}:${account}:*/* ` +
            'because no identity-based policy allows the action.',
        };
  }
  const code = DENIED_EXCEPTION.has(a.service) ? 'AccessDeniedException' : 'AccessDenied';
  const resource =
    a.service === 'iam' || a.service === 'organizations' || a.service === 'ce'
      ? `arn:aws:${a.service}::${account}:*`
      : a.service === 's3'
        ? 'arn:aws:s3:::*'
        : `arn:aws:${a.service}:${region}:${account}:*`;
  return {
    code,
    message: `User: ${callerArn} is not authorized to perform: ${iamAction(a)} on resource: ${resource} because no identity-based policy allows the ${iamAction(a)} action`,
  };
}

/** What each service returns when it throttles, by service. */
export function throttled(a: Api): ErrorSpec {
  switch (a.service) {
    case 'ec2':
      return { code: 'Client.RequestLimitExceeded', message: 'Request limit exceeded.' };
    case 'cloudformation':
    case 'iam':
    case 'sts':
    case 'autoscaling':
    case 'elasticloadbalancing':
      return { code: 'Throttling', message: 'Rate exceeded' };
    case 'lambda':
      return { code: 'TooManyRequestsException', message: 'Rate exceeded' };
    default:
      return { code: 'ThrottlingException', message: 'Rate exceeded' };
  }
}

export function notFound(a: Api, what: string): ErrorSpec {
  switch (a.service) {
    case 'lambda':
      return { code: 'ResourceNotFoundException', message: `Function not found: ${what}` };
    case 'dynamodb':
      return { code: 'ResourceNotFoundException', message: `Requested resource not found: Table: ${what} not found` };
    case 'ec2':
      return { code: 'Client.InvalidInstanceID.NotFound', message: `The instance ID '${what}' does not exist` };
    case 'ssm':
      return { code: 'ParameterNotFound', message: `Parameter ${what} not found.` };
    case 'iam':
      return { code: 'NoSuchEntityException', message: `The role with name ${what} cannot be found.` };
    default:
      return { code: 'ResourceNotFoundException', message: `${what} not found` };
  }
}
