import { api as lookup, recordRegion, type Api, type ErrorSpec } from './catalog.js';
import { isoSeconds } from './calendar.js';
import type { Actor, IdentityFactory, UserIdentity } from './identity.js';
import { payloadFor, type Payload, type PayloadHints } from './payloads.js';
import type { Rng } from './rng.js';

/** A CloudTrail record as this generator writes it (the fields of eventVersion 1.08/1.09). */
export interface CloudTrailRecord {
  eventVersion: '1.08' | '1.09';
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: unknown;
  responseElements: unknown;
  additionalEventData?: Record<string, unknown>;
  requestID?: string;
  eventID: string;
  readOnly?: boolean;
  resources?: unknown[];
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: 'true';
}

/** One API call a behaviour wants recorded. */
export interface Call {
  /** Epoch milliseconds. */
  t: number;
  /** The region called; global services are filed under us-east-1 whatever this says. */
  region: string;
  api: string;
  actor: Actor;
  error?: ErrorSpec;
  hints?: PayloadHints;
}

// Services whose records carry eventVersion 1.09 in current trails; the rest still 1.08.
const V109 = new Set(['sts', 'ssm', 'kms', 'logs', 'ecr', 'secretsmanager', 'securityhub', 'signin']);

const CIPHERS: Record<string, string> = {
  'TLSv1.3': 'TLS_AES_128_GCM_SHA256',
  'TLSv1.2': 'ECDHE-RSA-AES128-GCM-SHA256',
};

function hostHeader(a: Api, region: string, payload: Payload): string {
  if (a.service === 's3') {
    const params = payload.requestParameters as { Host?: unknown } | null;
    return typeof params?.Host === 'string' ? params.Host : `s3.${region}.amazonaws.com`;
  }
  if (a.service === 'iam') return 'iam.amazonaws.com';
  if (a.service === 'signin') return 'signin.aws.amazon.com';
  return `${a.service}.${region}.amazonaws.com`;
}

export interface RecordEnv {
  account: string;
  rng: Rng;
  identities: IdentityFactory;
}

/**
 * Builds the record for a call, keys in the order CloudTrail writes them (several SIEM
 * fixtures compare raw text, and it makes the files look like the real thing).
 */
export function buildRecord(call: Call, env: RecordEnv): { record: CloudTrailRecord; api: Api; region: string } {
  const a = lookup(call.api);
  const region = recordRegion(a, call.region);
  const { rng } = env;
  const actor = call.actor;
  const failed = call.error !== undefined;
  const payload = payloadFor(a, { rng, account: env.account, region, t: call.t, hints: call.hints ?? {}, failed });
  const consoleLogin = a.key === 'signin:ConsoleLogin';

  const r: Partial<CloudTrailRecord> = {};
  r.eventVersion = V109.has(a.service) ? '1.09' : '1.08';
  r.userIdentity = env.identities.identity(actor, call.t);
  r.eventTime = isoSeconds(call.t);
  r.eventSource = a.source;
  r.eventName = a.name;
  r.awsRegion = region;
  r.sourceIPAddress = actor.invokedBy ?? actor.sourceIp;
  r.userAgent = actor.userAgent;
  if (call.error) {
    if (call.error.code !== undefined) r.errorCode = call.error.code;
    r.errorMessage = call.error.message;
  }
  r.requestParameters = payload.requestParameters;
  r.responseElements = payload.responseElements;
  if (payload.additionalEventData) r.additionalEventData = payload.additionalEventData;
  if (!consoleLogin) r.requestID = payload.requestId ?? rng.uuid();
  r.eventID = rng.uuid();
  // A failed console sign-in carries no readOnly (AWS "CloudTrail record contents").
  if (!(consoleLogin && failed)) r.readOnly = a.readOnly;
  if (payload.resources) r.resources = payload.resources;
  r.eventType = a.eventType;
  r.managementEvent = a.category === 'Management';
  r.recipientAccountId = env.account;
  r.eventCategory = a.category;
  if (actor.tls && actor.invokedBy === undefined) {
    const version = rng.chance(0.7) ? 'TLSv1.3' : 'TLSv1.2';
    r.tlsDetails = {
      tlsVersion: version,
      cipherSuite: CIPHERS[version] ?? 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: hostHeader(a, region, payload),
    };
  }
  if (actor.console) r.sessionCredentialFromConsole = 'true';
  return { record: r as CloudTrailRecord, api: a, region };
}
