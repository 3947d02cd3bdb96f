/**
 * What an integration test uses to reach the local AWS stack started by global-setup.ts.
 *
 * Importing this module points the standard SDK configuration (`AWS_ENDPOINT_URL_*`,
 * credentials, region, checksum mode, `S3_FORCE_PATH_STYLE`) at the stack. The
 * `integration` project also lists it in `setupFiles`, so this happens before a test
 * file's own imports: code that builds SDK clients at module scope sees the local
 * endpoints too. Resources made with the helpers below are deleted after the file.
 *
 * @example
 * const aws = useLocalAws();
 * const table = await aws.createTestTable();            // pk/sk table with TTL on
 * const bucket = await aws.createTestBucket();
 * const bus = aws.createTestEventBus();                  // unique bus name + scoped control
 * await bus.events.fail({ errorCode: 'InternalFailure', count: 1 });
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, inject } from 'vitest';
import { TABLE_KEYS, tableDefinition } from '../../lib/store/table.js';
import { CONFLICTING_AWS_ENV, localAwsEnv } from './local-aws.js';
import type { LocalAwsEndpoints, S3NotificationFilter } from './local-aws.js';
import { PutEventsControlClient } from './put-events-server.js';
import type { S3Notification } from './s3rver-events.js';

const injected = inject('localAws') as LocalAwsEndpoints | undefined;
if (!injected) {
  throw new Error(
    'aws-env: no local AWS stack was provided. Integration tests run in the vitest project ' +
      '"integration", whose globalSetup (test/support/global-setup.ts) starts it.',
  );
}
/** Endpoints of the stack this run started. */
export const localAwsEndpoints: LocalAwsEndpoints = injected;

/** (Re)applies the local stack's environment to `process.env`; idempotent. */
export const applyLocalAwsEnv = (): void => {
  for (const name of CONFLICTING_AWS_ENV) delete process.env[name];
  Object.assign(process.env, localAwsEnv(localAwsEndpoints));
};
applyLocalAwsEnv();

/** Control of the shared PutEvents endpoint (all buses). Prefer a {@link TestEventBus}. */
export const putEventsControl = new PutEventsControlClient(localAwsEndpoints.control);

export interface TestClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  eventbridge: EventBridgeClient;
}

let clients: TestClients | undefined;

/**
 * SDK clients configured only from the environment, as the engine's are (S3 also reads
 * `S3_FORCE_PATH_STYLE`, as the engine's S3 client does). For test setup and checks.
 */
export const testClients = (): TestClients => {
  clients ??= {
    dynamodb: new DynamoDBClient({}),
    s3: new S3Client({ forcePathStyle: process.env['S3_FORCE_PATH_STYLE'] === 'true' }),
    eventbridge: new EventBridgeClient({}),
  };
  return clients;
};

/** Lowercase, digits and dashes: valid for buckets, tables and buses alike. */
export const uniqueName = (label: string): string =>
  `ti-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`.toLowerCase();

const cleanups = new Map<string, () => Promise<void>>();

afterAll(async () => {
  const pending = [...cleanups.values()];
  cleanups.clear();
  const outcomes = await Promise.allSettled(pending.map((cleanup) => cleanup()));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
});

export interface TestTable {
  name: string;
  /** Deletes now rather than after the file. */
  delete(): Promise<void>;
}

/**
 * Creates the engine's single table (`tableDefinition()` from lib/store/table.ts) under
 * a unique name, with TTL enabled on `TABLE_KEYS.ttlAttribute` as the deployed table has.
 */
export const createTestTable = async (options: { label?: string } = {}): Promise<TestTable> => {
  const name = uniqueName(options.label ?? 'table');
  const { dynamodb } = testClients();
  await dynamodb.send(new CreateTableCommand(tableDefinition(name)));
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
    }),
  );
  const remove = async () => {
    if (!cleanups.delete(`table:${name}`)) return;
    await dynamodb.send(new DeleteTableCommand({ TableName: name }));
  };
  cleanups.set(`table:${name}`, remove);
  return { name, delete: remove };
};

export interface TestBucket {
  name: string;
  /** S3 notifications captured for this bucket (optionally one key, as uploaded). */
  notifications(key?: string): Promise<S3Notification[]>;
  /** Waits until `count` notifications for `key` were captured; returns them. */
  waitForNotifications(key: string, options?: WaitOptions): Promise<S3Notification[]>;
  /** Empties and deletes now rather than after the file. */
  delete(): Promise<void>;
}

export interface WaitOptions {
  count?: number;
  timeoutMs?: number;
}

/** Deletes every object, then the bucket (S3 refuses to delete a non-empty bucket). */
const emptyAndDeleteBucket = async (s3: S3Client, bucket: string): Promise<void> => {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
    if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
};

export const createTestBucket = async (options: { label?: string } = {}): Promise<TestBucket> => {
  const name = uniqueName(options.label ?? 'bucket');
  const { s3 } = testClients();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  const remove = async () => {
    if (!cleanups.delete(`bucket:${name}`)) return;
    await emptyAndDeleteBucket(s3, name);
  };
  cleanups.set(`bucket:${name}`, remove);
  return {
    name,
    notifications: (key) => s3Notifications({ bucket: name, ...(key === undefined ? {} : { key }) }),
    waitForNotifications: (key, wait) => waitForS3Notifications({ bucket: name, key }, wait),
    delete: remove,
  };
};

export interface TestEventBus {
  /** Use as the engine's event bus name; the endpoint accepts any name. */
  name: string;
  /** Records, failure injection and reset, all limited to this bus. */
  events: PutEventsControlClient;
}

/**
 * A unique bus name with a control client scoped to it, so files running in parallel
 * against the shared endpoint never see each other's entries or injected failures.
 */
export const createTestEventBus = (options: { label?: string } = {}): TestEventBus => {
  const name = uniqueName(options.label ?? 'bus');
  const events = putEventsControl.forBus(name);
  cleanups.set(`bus:${name}`, () => events.reset());
  return { name, events };
};

/** S3 notifications s3rver emitted, oldest first, in the real S3 shape (URL-encoded keys). */
export const s3Notifications = (filter: S3NotificationFilter = {}): Promise<S3Notification[]> =>
  putEventsControl.request<S3Notification[]>('GET', 's3-notifications', { bucket: filter.bucket, key: filter.key });

/**
 * Notifications travel from s3rver's process over IPC and can trail the PutObject
 * response by a moment; this polls until `count` (default 1) have arrived.
 */
export const waitForS3Notifications = async (
  filter: S3NotificationFilter,
  { count = 1, timeoutMs = 5000 }: WaitOptions = {},
): Promise<S3Notification[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await s3Notifications(filter);
    if (found.length >= count) return found;
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} S3 notification(s) for ${JSON.stringify(filter)} within ${timeoutMs} ms, got ${found.length}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

export interface LocalAwsContext {
  endpoints: LocalAwsEndpoints;
  clients: TestClients;
  events: PutEventsControlClient;
  createTestTable: typeof createTestTable;
  createTestBucket: typeof createTestBucket;
  createTestEventBus: typeof createTestEventBus;
  s3Notifications: typeof s3Notifications;
  waitForS3Notifications: typeof waitForS3Notifications;
}

/**
 * The local stack for this test file: re-applies the environment (a test may have
 * changed it) and returns the helpers in one object.
 */
export const useLocalAws = (): LocalAwsContext => {
  applyLocalAwsEnv();
  return {
    endpoints: localAwsEndpoints,
    clients: testClients(),
    events: putEventsControl,
    createTestTable,
    createTestBucket,
    createTestEventBus,
    s3Notifications,
    waitForS3Notifications,
  };
};
