/**
 * What one CloudTrail record means for Insights: counted (and as what), ignored (why), or
 * malformed (what is missing). Runs once per record, so it only reads a few fields and
 * never throws, whatever the shape.
 *
 * The rules (INSIGHTS-FORMAT.md, "What each insight type analyses"):
 * - Only management events count. `eventCategory` decides when present (eventVersion
 *   1.07+). Older records lack it: they are management unless `managementEvent` is
 *   `false` (data events) or `eventType` is `AwsCloudTrailInsight`.
 * - A management event is counted when it is a write (`readOnly === false`: call-rate
 *   input) or carries a non-empty string `errorCode` (error-rate input, reads and writes).
 * - A missing `readOnly` is NOT a write. AWS selects call-rate input with
 *   `readOnly: false` and an absent field does not match that selector; the records
 *   without it are console sign-ins and some service events, whose volume is not the
 *   API call rate Insights watches. Such a record still counts for the error rate when
 *   it has an `errorCode` (a failed console login has only an `errorMessage`, so it does
 *   not). `readOnly` of any type but boolean counts as missing.
 * - Fields are checked only on records that would be counted: a data event without
 *   `eventTime` is ignored, not malformed. `eventTime` must be an ISO-8601 timestamp
 *   with a date, hours, minutes and a zone (`Date.parse` alone would read zone-less or
 *   free-form text as local time); `eventSource` and `eventName` non-empty strings.
 */
import { minuteOf, type Minute } from '../time/minute.js';

export interface CountedRecord {
  kind: 'counted';
  eventID?: string;
  minute: Minute;
  /** `recipientAccountId` as written (the caller falls back to the key's account). */
  account?: string;
  /** `awsRegion` as written. */
  region?: string;
  eventSource: string;
  eventName: string;
  /** Call-rate input: a management write (`readOnly === false`). */
  write: boolean;
  /** Error-rate input: the non-empty `errorCode`. */
  errorCode?: string;
  /** Attribution `userIdentityArn` (see `principalOf`). */
  principal: string;
  /** Attribution `userAgent`, `"null"` when absent. */
  userAgent: string;
}

export type IgnoreReason =
  | 'data-event'
  | 'network-activity'
  | 'insight'
  | 'other-category'
  /** A management read without error. */
  | 'read-only'
  /** No `readOnly` and no error: not a write (see the module comment). */
  | 'readonly-missing';

export type MalformedReason =
  | 'missing-eventTime'
  | 'bad-eventTime'
  | 'missing-eventSource'
  | 'missing-eventName';

export interface IgnoredRecord {
  kind: 'ignored';
  reason: IgnoreReason;
}

export interface MalformedRecord {
  kind: 'malformed';
  reason: MalformedReason;
}

export type ClassifiedRecord = CountedRecord | IgnoredRecord | MalformedRecord;

// One object per reason, shared: ignoring most records must not allocate.
const ignored = (reason: IgnoreReason): IgnoredRecord => Object.freeze({ kind: 'ignored', reason });
const IGNORED = {
  data: ignored('data-event'),
  network: ignored('network-activity'),
  insight: ignored('insight'),
  other: ignored('other-category'),
  readOnly: ignored('read-only'),
  readOnlyMissing: ignored('readonly-missing'),
} as const;
const malformed = (reason: MalformedReason): MalformedRecord => Object.freeze({ kind: 'malformed', reason });
const MALFORMED = {
  missingTime: malformed('missing-eventTime'),
  badTime: malformed('bad-eventTime'),
  missingSource: malformed('missing-eventSource'),
  missingName: malformed('missing-eventName'),
} as const;

// Date, hours and minutes, optional seconds and fraction, and a zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Classifies one parsed record.
 *
 * @example
 * ```ts
 * const c = classifyRecord({ eventCategory: 'Management', readOnly: false, eventTime: '2023-07-10T11:42:36Z',
 *   eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', userIdentity: { type: 'Root', accountId: '123456789012' } });
 * // c.kind === 'counted', c.write === true, c.principal === '123456789012'
 * ```
 */
export function classifyRecord(record: Record<string, unknown>): ClassifiedRecord {
  const category = record.eventCategory;
  if (typeof category === 'string') {
    if (category !== 'Management') {
      return category === 'Data'
        ? IGNORED.data
        : category === 'NetworkActivity'
          ? IGNORED.network
          : category === 'Insight'
            ? IGNORED.insight
            : IGNORED.other;
    }
  } else if (record.eventType === 'AwsCloudTrailInsight') {
    return IGNORED.insight;
  } else if (record.managementEvent === false) {
    return IGNORED.data;
  }

  const readOnly = record.readOnly;
  const write = readOnly === false;
  const code = record.errorCode;
  const errorCode = typeof code === 'string' && code !== '' ? code : undefined;
  if (!write && errorCode === undefined) {
    return readOnly === true ? IGNORED.readOnly : IGNORED.readOnlyMissing;
  }

  const eventTime = record.eventTime;
  if (eventTime === undefined || eventTime === null) return MALFORMED.missingTime;
  if (typeof eventTime !== 'string' || !ISO_TIME.test(eventTime)) return MALFORMED.badTime;
  const minute = minuteOf(eventTime);
  if (minute === undefined) return MALFORMED.badTime;
  const eventSource = record.eventSource;
  if (typeof eventSource !== 'string' || eventSource === '') return MALFORMED.missingSource;
  const eventName = record.eventName;
  if (typeof eventName !== 'string' || eventName === '') return MALFORMED.missingName;

  const counted: CountedRecord = {
    kind: 'counted',
    minute,
    eventSource,
    eventName,
    write,
    principal: principalOf(record.userIdentity),
    userAgent: typeof record.userAgent === 'string' ? record.userAgent : 'null',
  };
  if (typeof record.eventID === 'string') counted.eventID = record.eventID;
  if (typeof record.recipientAccountId === 'string') counted.account = record.recipientAccountId;
  if (typeof record.awsRegion === 'string') counted.region = record.awsRegion;
  if (errorCode !== undefined) counted.errorCode = errorCode;
  return counted;
}

/**
 * Who made the call, as AWS attributes it (`userIdentityArn`): the ARN, with an
 * assumed-role session name removed (one role, many sessions, is one principal); else
 * the calling service (`invokedBy`, `AWSService` identities and service events); else
 * the account; else the identity type; else `"null"`. Never throws on odd shapes.
 */
export function principalOf(userIdentity: unknown): string {
  if (typeof userIdentity !== 'object' || userIdentity === null) return 'null';
  const identity = userIdentity as Record<string, unknown>;
  const arn = identity.arn;
  if (typeof arn === 'string' && arn !== '') return roleLevelArn(arn);
  const invokedBy = identity.invokedBy;
  if (typeof invokedBy === 'string' && invokedBy !== '') return invokedBy;
  const accountId = identity.accountId;
  if (typeof accountId === 'string' && accountId !== '') return accountId;
  const type = identity.type;
  if (typeof type === 'string' && type !== '') return type;
  return 'null';
}

// arn:<partition>:sts::<account>:assumed-role/<role>/<session>; role names carry no path here.
const ASSUMED_ROLE_SESSION = /^(arn:[^:]+:sts::[^:]*:assumed-role\/[^/]+)\/./;

/** `arn:aws:sts::123456789012:assumed-role/Admin/session` → `arn:aws:sts::123456789012:assumed-role/Admin`. */
export function roleLevelArn(arn: string): string {
  if (!arn.includes(':assumed-role/')) return arn;
  const match = ASSUMED_ROLE_SESSION.exec(arn);
  return match ? match[1]! : arn;
}
