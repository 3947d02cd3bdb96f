/**
 * A small EventBridge endpoint for tests: it speaks `AWSEvents.PutEvents` (AWS JSON 1.1)
 * well enough for the real `@aws-sdk/client-eventbridge` client, enforces the limits the
 * real service enforces, records what it accepted, and fails on demand.
 *
 * No EventBridge emulator runs on this machine, and the engine must be tested through
 * the SDK it ships with, so this is the narrowest real-protocol server that lets the
 * publish path meet batching limits, partial failures and throttling before AWS does.
 *
 * The server runs in vitest's global-setup process while tests run in workers, so the
 * recorded state and the failure switches are also reachable over HTTP under
 * `/_control/` (see {@link PutEventsControlClient}). Every record and switch can be
 * scoped to one event bus name, so test files running in parallel against the one
 * shared server do not see or break each other.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** AWS caps a PutEvents call at 10 entries. */
export const MAX_ENTRIES_PER_CALL = 10;
/**
 * "The total entry size must be less than 256KB" (EventBridge user guide, "Calculating
 * Amazon EventBridge PutEvents event entry size"). AWS announced 1 MB payloads in 2026;
 * the documented 256 KB stays the default because a batcher that fits it fits both.
 */
export const DEFAULT_MAX_CALL_ENTRY_BYTES = 256 * 1024;
/** The bus PutEvents uses when an entry names none. */
export const DEFAULT_EVENT_BUS = 'default';

const JSON_11 = 'application/x-amz-json-1.1';
const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
/** Guards the test process against a runaway body; far above any valid request. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One `PutEventsRequestEntry` as it arrives on the wire. */
export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  /** The SDK serializes `Time` as epoch seconds. */
  Time?: number | string;
  EventBusName?: string;
  TraceHeader?: string;
}

/** An entry the server accepted, with the id it answered. */
export interface AcceptedEntry {
  eventId: string;
  /** The bus name, also when the entry named the bus by ARN. */
  eventBusName: string;
  source: string;
  detailType: string;
  /** Detail exactly as sent. */
  detailJson: string;
  /** Detail parsed (always a JSON object: anything else is rejected). */
  detail: Record<string, unknown>;
  resources: string[];
  /** ISO time from the entry's `Time`, when it had one. */
  time?: string;
  traceHeader?: string;
  /** Index of the call in the call log (see {@link RecordedCall.seq}). */
  callSeq: number;
  receivedAt: string;
}

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** Every PutEvents call, accepted or not, in arrival order. */
export interface RecordedCall {
  seq: number;
  receivedAt: string;
  /** `ok`: answered 200 (entries may still have failed); the others answered an error. */
  outcome: 'ok' | 'throttled' | 'rejected';
  httpStatus: number;
  /** The error type of a rejected or throttled call. */
  errorType?: string;
  errorMessage?: string;
  /** Bus names the call's entries target (deduplicated). */
  eventBusNames: string[];
  entryCount: number;
  /** Entry size total, as AWS computes it. */
  entryBytes: number;
  failedEntryCount?: number;
  /** The per-entry results of an `ok` call, in request order. */
  results?: EntryResult[];
}

/**
 * Per-entry failure injection. Without `detailContains`, it fails the next `count`
 * (default 1) valid entries; with it, every valid entry whose Detail contains the
 * substring, `count` times if given, else until reset.
 */
export interface EntryFailureRule {
  errorCode?: 'InternalFailure' | 'ThrottlingException' | (string & {});
  errorMessage?: string;
  count?: number;
  detailContains?: string;
  /** Only entries for this bus (default: any bus). */
  eventBusName?: string;
}

/** Whole-call throttling: the next `calls` calls (touching `eventBusName`, if given). */
export interface ThrottleRule {
  calls: number;
  eventBusName?: string;
}

/** Read filters of the control API. */
export interface PutEventsFilter {
  eventBusName?: string;
}

/** Extra control routes served beside the PutEvents ones (used by local-aws). */
export type ControlRoute = (query: URLSearchParams, body: unknown) => unknown | Promise<unknown>;

export interface PutEventsServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  maxCallEntryBytes?: number;
  /** Keyed `METHOD /_control/name`, answered with the returned value as JSON. */
  controlRoutes?: Record<string, ControlRoute>;
}

export interface PutEventsServer {
  /** Endpoint for `AWS_ENDPOINT_URL_EVENTBRIDGE` and the control client. */
  url: string;
  port: number;
  /** In-process access to the same state the HTTP control API exposes. */
  control: PutEventsControl;
  close(): Promise<void>;
}

/** The control surface, in-process or over HTTP. */
export interface PutEventsControl {
  entries(filter?: PutEventsFilter): Promise<AcceptedEntry[]>;
  calls(filter?: PutEventsFilter): Promise<RecordedCall[]>;
  fail(rule: EntryFailureRule): Promise<void>;
  throttle(rule: ThrottleRule): Promise<void>;
  /** Forgets entries, calls and rules (of one bus, if given). */
  reset(filter?: PutEventsFilter): Promise<void>;
}

interface ActiveFailure {
  errorCode: string;
  errorMessage: string;
  remaining: number;
  detailContains?: string;
  eventBusName?: string;
}

interface ActiveThrottle {
  remaining: number;
  eventBusName?: string;
}

/** Thrown inside request handling to answer an AWS JSON error. */
class AwsJsonError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'AwsJsonError';
  }
}

const utf8Bytes = (value: string | undefined): number =>
  value === undefined ? 0 : Buffer.byteLength(value, 'utf8');

/**
 * Entry size as the EventBridge user guide computes it (Time counts 14 bytes whatever
 * its form, so an SDK entry with a `Date` can be measured too).
 */
export const entrySize = (entry: Omit<PutEventsRequestEntry, 'Time'> & { Time?: unknown }): number =>
  (entry.Time !== undefined ? 14 : 0) +
  utf8Bytes(entry.Source) +
  utf8Bytes(entry.DetailType) +
  utf8Bytes(entry.Detail) +
  (entry.Resources ?? []).reduce((sum, resource) => sum + utf8Bytes(resource), 0);

/** `arn:aws:events:<region>:<account>:event-bus/<name>` or a bare name → the name. */
export const busNameOf = (eventBusName: string | undefined): string => {
  if (eventBusName === undefined || eventBusName === '') return DEFAULT_EVENT_BUS;
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(eventBusName);
  return arn?.[1] ?? eventBusName;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const timeToIso = (time: number | string): string | undefined => {
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/** The checks AWS makes on each entry, with the codes and messages it answers. */
const validateEntry = (
  entry: PutEventsRequestEntry,
): { ErrorCode: string; ErrorMessage: string } | { detail: Record<string, unknown> } => {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  // Sources under `aws.` belong to AWS services; a caller gets this per-entry error.
  if ((entry.Source ?? '').startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail ?? '');
  } catch {
    detail = undefined;
  }
  if (!isPlainObject(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return { detail };
};

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsJsonError(413, 'RequestEntityTooLarge', 'Request body too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const payload = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'content-type': JSON_11,
    'content-length': String(Buffer.byteLength(payload)),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
};

/** The JSON 1.1 error shape the SDK parses (`x-amzn-ErrorType` header and `__type`). */
const sendAwsError = (res: ServerResponse, error: AwsJsonError) =>
  sendJson(res, error.status, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });

/** State and behaviour, independent of HTTP so it can also be driven in-process. */
class PutEventsState implements PutEventsControl {
  private acceptedEntries: AcceptedEntry[] = [];
  private recordedCalls: RecordedCall[] = [];
  private failures: ActiveFailure[] = [];
  private throttles: ActiveThrottle[] = [];
  private seq = 0;

  constructor(private readonly maxCallEntryBytes: number) {}

  handlePutEvents(input: unknown): { status: number; body: unknown; error?: AwsJsonError } {
    const seq = this.seq++;
    const receivedAt = new Date().toISOString();
    const rawEntries = isPlainObject(input) ? input['Entries'] : undefined;
    const entries: PutEventsRequestEntry[] = Array.isArray(rawEntries)
      ? rawEntries.map((entry) => (isPlainObject(entry) ? (entry as PutEventsRequestEntry) : {}))
      : [];
    const eventBusNames = [...new Set(entries.map((entry) => busNameOf(entry.EventBusName)))];
    const entryBytes = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
    const base = { seq, receivedAt, eventBusNames, entryCount: entries.length, entryBytes };

    const reject = (status: number, type: string, message: string) => {
      const error = new AwsJsonError(status, type, message);
      this.recordedCalls.push({
        ...base,
        outcome: type === 'ThrottlingException' ? 'throttled' : 'rejected',
        httpStatus: status,
        errorType: type,
        errorMessage: message,
      });
      return { status, body: undefined, error };
    };

    // Throttling is decided before the request is looked at, as at AWS.
    const throttle = this.throttles.find(
      (rule) => rule.remaining > 0 && (rule.eventBusName === undefined || eventBusNames.includes(rule.eventBusName)),
    );
    if (throttle) {
      throttle.remaining -= 1;
      this.throttles = this.throttles.filter((rule) => rule.remaining > 0);
      return reject(400, 'ThrottlingException', 'Rate exceeded');
    }
    if (!Array.isArray(rawEntries) || entries.length < 1 || entries.length > MAX_ENTRIES_PER_CALL) {
      const constraint =
        entries.length < 1
          ? 'Member must have length greater than or equal to 1'
          : `Member must have length less than or equal to ${MAX_ENTRIES_PER_CALL}`;
      return reject(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: ${constraint}`,
      );
    }
    if (entryBytes >= this.maxCallEntryBytes) {
      return reject(400, 'ValidationException', 'Total size of the entries in the request is over the limit.');
    }

    const results: EntryResult[] = entries.map((entry) => {
      const checked = validateEntry(entry);
      if ('ErrorCode' in checked) return checked;
      const eventBusName = busNameOf(entry.EventBusName);
      const injected = this.takeFailure(eventBusName, entry.Detail ?? '');
      if (injected) return injected;
      const eventId = randomUUID();
      const time = entry.Time === undefined ? undefined : timeToIso(entry.Time);
      this.acceptedEntries.push({
        eventId,
        eventBusName,
        source: entry.Source ?? '',
        detailType: entry.DetailType ?? '',
        detailJson: entry.Detail ?? '',
        detail: checked.detail,
        resources: entry.Resources ?? [],
        ...(time === undefined ? {} : { time }),
        ...(entry.TraceHeader === undefined ? {} : { traceHeader: entry.TraceHeader }),
        callSeq: seq,
        receivedAt,
      });
      return { EventId: eventId };
    });
    const failedEntryCount = results.filter((result) => 'ErrorCode' in result).length;
    this.recordedCalls.push({ ...base, outcome: 'ok', httpStatus: 200, failedEntryCount, results });
    return { status: 200, body: { FailedEntryCount: failedEntryCount, Entries: results } };
  }

  private takeFailure(eventBusName: string, detail: string): { ErrorCode: string; ErrorMessage: string } | undefined {
    const rule = this.failures.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.eventBusName === undefined || candidate.eventBusName === eventBusName) &&
        (candidate.detailContains === undefined || detail.includes(candidate.detailContains)),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.failures = this.failures.filter((candidate) => candidate.remaining > 0);
    return { ErrorCode: rule.errorCode, ErrorMessage: rule.errorMessage };
  }

  async entries(filter: PutEventsFilter = {}): Promise<AcceptedEntry[]> {
    const bus = filter.eventBusName;
    return this.acceptedEntries.filter((entry) => bus === undefined || entry.eventBusName === bus);
  }

  async calls(filter: PutEventsFilter = {}): Promise<RecordedCall[]> {
    const bus = filter.eventBusName;
    return this.recordedCalls.filter((call) => bus === undefined || call.eventBusNames.includes(bus));
  }

  async fail(rule: EntryFailureRule): Promise<void> {
    const errorCode = rule.errorCode ?? 'InternalFailure';
    const count = rule.count ?? (rule.detailContains === undefined ? 1 : Number.POSITIVE_INFINITY);
    if (!(count > 0)) throw new Error(`fail: count must be positive, got ${String(rule.count)}`);
    this.failures.push({
      errorCode,
      errorMessage:
        rule.errorMessage ??
        (errorCode === 'ThrottlingException' ? 'Rate exceeded' : 'Internal service error (injected by the test).'),
      remaining: count,
      ...(rule.detailContains === undefined ? {} : { detailContains: rule.detailContains }),
      ...(rule.eventBusName === undefined ? {} : { eventBusName: busNameOf(rule.eventBusName) }),
    });
  }

  async throttle(rule: ThrottleRule): Promise<void> {
    if (!(rule.calls > 0)) throw new Error(`throttle: calls must be positive, got ${String(rule.calls)}`);
    this.throttles.push({
      remaining: rule.calls,
      ...(rule.eventBusName === undefined ? {} : { eventBusName: busNameOf(rule.eventBusName) }),
    });
  }

  async reset(filter: PutEventsFilter = {}): Promise<void> {
    const bus = filter.eventBusName;
    if (bus === undefined) {
      this.acceptedEntries = [];
      this.recordedCalls = [];
      this.failures = [];
      this.throttles = [];
      return;
    }
    this.acceptedEntries = this.acceptedEntries.filter((entry) => entry.eventBusName !== bus);
    this.recordedCalls = this.recordedCalls.filter((call) => !call.eventBusNames.includes(bus));
    this.failures = this.failures.filter((rule) => rule.eventBusName !== bus);
    this.throttles = this.throttles.filter((rule) => rule.eventBusName !== bus);
  }
}

const filterFrom = (query: URLSearchParams): PutEventsFilter => {
  const eventBusName = query.get('eventBusName');
  return eventBusName === null ? {} : { eventBusName };
};

/** Starts the endpoint; `url` goes into `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
export const startPutEventsServer = async (options: PutEventsServerOptions = {}): Promise<PutEventsServer> => {
  const state = new PutEventsState(options.maxCallEntryBytes ?? DEFAULT_MAX_CALL_ENTRY_BYTES);
  const controlRoutes: Record<string, ControlRoute> = {
    'GET /_control/entries': (query) => state.entries(filterFrom(query)),
    'GET /_control/calls': (query) => state.calls(filterFrom(query)),
    'POST /_control/fail': (_query, body) => state.fail(body as EntryFailureRule),
    'POST /_control/throttle': (_query, body) => state.throttle(body as ThrottleRule),
    'POST /_control/reset': (_query, body) => state.reset(isPlainObject(body) ? (body as PutEventsFilter) : {}),
    ...options.controlRoutes,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    if (url.pathname.startsWith('/_control/')) {
      const route = controlRoutes[`${req.method ?? 'GET'} ${url.pathname}`];
      if (!route) {
        sendJson(res, 404, { error: `no control route ${req.method ?? ''} ${url.pathname}` });
        return;
      }
      try {
        const input: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
        sendJson(res, 200, (await route(url.searchParams, input)) ?? { ok: true });
      } catch (error) {
        sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
      return;
    }

    if (req.method !== 'POST' || url.pathname !== '/') {
      throw new AwsJsonError(404, 'UnknownOperationException', `No route for ${req.method ?? ''} ${url.pathname}`);
    }
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      throw new AwsJsonError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    if (req.headers['x-amz-target'] !== PUT_EVENTS_TARGET) {
      // This endpoint implements one operation; anything else is a test-setup mistake.
      throw new AwsJsonError(400, 'UnknownOperationException', `Unsupported target ${String(req.headers['x-amz-target'])}`);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith(JSON_11)) {
      throw new AwsJsonError(400, 'SerializationException', `Expected Content-Type ${JSON_11}`);
    }
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AwsJsonError(400, 'SerializationException', 'Request body is not valid JSON.');
    }
    const result = state.handlePutEvents(input);
    if (result.error) sendAwsError(res, result.error);
    else sendJson(res, result.status, result.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      sendAwsError(
        res,
        error instanceof AwsJsonError
          ? error
          : new AwsJsonError(500, 'InternalException', error instanceof Error ? error.message : String(error)),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    port,
    control: state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps sockets alive; without this, close() waits for their idle timeout.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

/**
 * The control API over HTTP, for test workers. Every method mirrors
 * {@link PutEventsControl}; a `scope` bus name is applied to every call that takes one.
 */
export class PutEventsControlClient implements PutEventsControl {
  constructor(
    private readonly baseUrl: string,
    private readonly scope: PutEventsFilter = {},
  ) {}

  /** A client whose reads, rules and resets all apply to one bus. */
  forBus(eventBusName: string): PutEventsControlClient {
    return new PutEventsControlClient(this.baseUrl, { eventBusName });
  }

  entries(filter: PutEventsFilter = {}): Promise<AcceptedEntry[]> {
    return this.request('GET', 'entries', { ...this.scope, ...filter });
  }

  calls(filter: PutEventsFilter = {}): Promise<RecordedCall[]> {
    return this.request('GET', 'calls', { ...this.scope, ...filter });
  }

  async fail(rule: EntryFailureRule): Promise<void> {
    await this.request('POST', 'fail', {}, { ...this.scope, ...rule });
  }

  async throttle(rule: ThrottleRule): Promise<void> {
    await this.request('POST', 'throttle', {}, { ...this.scope, ...rule });
  }

  async reset(filter: PutEventsFilter = {}): Promise<void> {
    await this.request('POST', 'reset', {}, { ...this.scope, ...filter });
  }

  /** Calls any control route, including those added by `controlRoutes`. */
  async request<T>(method: 'GET' | 'POST', name: string, query: Record<string, string | undefined> = {}, body?: unknown): Promise<T> {
    const url = new URL(`/_control/${name}`, this.baseUrl);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const response = await fetch(url, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${method} ${name} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
