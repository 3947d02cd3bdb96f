import type { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { LogLocation } from '../../../lib/cloudtrail/location.js';
import type { InsightRecord } from '../../../lib/insights/record.js';
import { PublisherConfigError, PutEventsDeliveryError, PutEventsEntryTooLargeError } from '../../../lib/publish/errors.js';
import { EventBridgePublisher, INSIGHT_DETAIL_TYPE, isTransientCallError } from '../../../lib/publish/eventbridge-publisher.js';
import type { EventBridgePublisherOptions } from '../../../lib/publish/eventbridge-publisher.js';
import type { PublishedInsight } from '../../../lib/publish/publisher.js';
import { fixtureRecord, recordWith, records } from './insight-fixture.js';

const LOCATION: LogLocation = { bucket: 'trail', prefix: '' };
const published = (recs: readonly InsightRecord[]): PublishedInsight[] => recs.map((record) => ({ record, location: LOCATION }));
const eventIdOf = (entry: PutEventsRequestEntry): string => (JSON.parse(entry.Detail ?? '{}') as InsightRecord).eventID;

/** How the fake endpoint answers one call: per-entry codes (undefined = accepted) or a thrown error. */
type Answer = (entries: PutEventsRequestEntry[], call: number) => (string | undefined)[] | Error;

/** A stand-in EventBridgeClient that records every PutEvents call and answers as told. */
function fakeClient(answer: Answer = (entries) => entries.map(() => undefined)) {
  const calls: PutEventsRequestEntry[][] = [];
  const client = {
    send: async (command: PutEventsCommand): Promise<PutEventsResponse> => {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      const result = answer(entries, calls.length);
      if (result instanceof Error) throw result;
      return {
        FailedEntryCount: result.filter((code) => code !== undefined).length,
        Entries: result.map((code, i) => (code === undefined ? { EventId: `id-${calls.length}-${i}` } : { ErrorCode: code, ErrorMessage: `${code} happened` })),
      };
    },
  };
  return { client: client as unknown as EventBridgeClient, calls };
}

function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
}

function publisher(client: EventBridgeClient, overrides: Partial<EventBridgePublisherOptions> = {}) {
  const delays: number[] = [];
  const instance = new EventBridgePublisher({
    client,
    eventBusName: 'insights-bus',
    source: 'trail-insights',
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { instance, delays };
}

describe('Class: EventBridgePublisher', () => {
  describe('configuration', () => {
    it.each(['aws.cloudtrail', 'AWS.insights', 'aws.'])('rejects the reserved source %j with a PublisherConfigError', (source) => {
      // Prepare
      const { client } = fakeClient();

      // Act
      const act = () => new EventBridgePublisher({ client, eventBusName: 'b', source });

      // Assess
      expect(act).toThrow(PublisherConfigError);
      expect(act).toThrow(expect.objectContaining({ name: 'PublisherConfigError', option: 'source', value: source }));
    });

    it.each([
      { option: 'source', overrides: { source: '' } },
      { option: 'eventBusName', overrides: { eventBusName: '' } },
      { option: 'maxAttempts', overrides: { maxAttempts: 0 } },
      { option: 'baseDelayMs', overrides: { baseDelayMs: -1 } },
    ])('rejects an unusable $option', ({ option, overrides }) => {
      // Prepare
      const { client } = fakeClient();

      // Act
      const act = () => new EventBridgePublisher({ client, eventBusName: 'b', source: 'trail-insights', ...overrides });

      // Assess
      expect(act).toThrow(expect.objectContaining({ name: 'PublisherConfigError', option }));
    });

    it('accepts a source that merely contains "aws."', () => {
      // Prepare
      const { client } = fakeClient();

      // Act
      const act = () => new EventBridgePublisher({ client, eventBusName: 'b', source: 'my.aws.insights' });

      // Assess
      expect(act).not.toThrow();
    });
  });

  describe('entries', () => {
    it('sends the record as Detail with AWS detail-type, configured source and bus, and eventTime', async () => {
      // Prepare
      const { client, calls } = fakeClient();
      const { instance } = publisher(client);
      const record = fixtureRecord();

      // Act
      await instance.publish(published([record]));

      // Assess
      expect(calls).toEqual([
        [
          {
            Source: 'trail-insights',
            DetailType: INSIGHT_DETAIL_TYPE,
            Detail: JSON.stringify(record),
            Time: new Date('2024-12-11T16:52:00Z'),
            EventBusName: 'insights-bus',
          },
        ],
      ]);
      expect(INSIGHT_DETAIL_TYPE).toBe('AWS Insight via CloudTrail');
    });

    it('sends 23 records in 3 calls of 10, 10 and 3, in order', async () => {
      // Prepare
      const { client, calls } = fakeClient();
      const { instance } = publisher(client);
      const recs = records(23);

      // Act
      await instance.publish(published(recs));

      // Assess
      expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
      expect(calls.flat().map(eventIdOf)).toEqual(recs.map((r) => r.eventID));
    });

    it('splits calls by size when large records would pass 256 KB', async () => {
      // Prepare: ~100 KB records, so at most two share a call
      const { client, calls } = fakeClient();
      const { instance } = publisher(client);
      const big = (id: string): InsightRecord => {
        const base = recordWith(id);
        const attributions = [{ attribute: 'userAgent' as const, insight: [{ value: 'x'.repeat(100_000), average: 1 }], baseline: [] }];
        return { ...base, insightDetails: { ...base.insightDetails, insightContext: { ...base.insightDetails.insightContext, attributions } } };
      };

      // Act
      await instance.publish(published([big('a'), big('b'), big('c'), big('d'), big('e')]));

      // Assess
      expect(calls.map((c) => c.length)).toEqual([2, 2, 1]);
    });

    it('refuses a record too large for any call, naming its eventID, before sending anything', async () => {
      // Prepare
      const { client, calls } = fakeClient();
      const { instance } = publisher(client);
      const base = recordWith('huge-one');
      const attributions = [{ attribute: 'userAgent' as const, insight: [{ value: 'x'.repeat(300_000), average: 1 }], baseline: [] }];
      const huge = { ...base, insightDetails: { ...base.insightDetails, insightContext: { ...base.insightDetails.insightContext, attributions } } };

      // Act
      const act = instance.publish(published([recordWith('small'), huge]));

      // Assess
      await expect(act).rejects.toThrow(PutEventsEntryTooLargeError);
      await expect(act).rejects.toThrow(/huge-one/);
      expect(calls).toEqual([]);
    });

    it('sends a record listed twice once', async () => {
      // Prepare
      const { client, calls } = fakeClient();
      const { instance } = publisher(client);

      // Act
      await instance.publish(published([recordWith('a'), recordWith('b'), recordWith('a')]));

      // Assess
      expect(calls.flat().map(eventIdOf)).toEqual(['a', 'b']);
    });

    it('makes no call for no records', async () => {
      // Prepare
      const { client, calls } = fakeClient();
      const { instance } = publisher(client);

      // Act
      await instance.publish([]);

      // Assess
      expect(calls).toEqual([]);
    });
  });

  describe('retries', () => {
    it('resends only the entries that failed, until all are accepted', async () => {
      // Prepare: the first call fails entries 2 and 5, the retry fails entry 5 again
      const { client, calls } = fakeClient((entries, call) =>
        entries.map((e) => {
          const id = eventIdOf(e);
          if (call === 1 && (id === 'evt-2' || id === 'evt-5')) return 'InternalFailure';
          if (call === 2 && id === 'evt-5') return 'ThrottlingException';
          return undefined;
        }),
      );
      const { instance, delays } = publisher(client);

      // Act
      await instance.publish(published(records(8)));

      // Assess
      expect(calls.map((c) => c.map(eventIdOf))).toEqual([
        ['evt-0', 'evt-1', 'evt-2', 'evt-3', 'evt-4', 'evt-5', 'evt-6', 'evt-7'],
        ['evt-2', 'evt-5'],
        ['evt-5'],
      ]);
      // full jitter with random() = 0.5: half of 100 ms, then half of 200 ms
      expect(delays).toEqual([50, 100]);
    });

    it('treats an unknown entry code as retryable', async () => {
      // Prepare
      const { client, calls } = fakeClient((entries, call) => entries.map(() => (call === 1 ? 'SomethingNew' : undefined)));
      const { instance } = publisher(client);

      // Act
      await instance.publish(published(records(2)));

      // Assess
      expect(calls.length).toBe(2);
    });

    it('retries a whole call that failed with throttling or a 5xx', async () => {
      // Prepare
      const { client, calls } = fakeClient((entries, call) => {
        if (call === 1) return sdkError('ThrottlingException', 400);
        if (call === 2) return sdkError('InternalException', 500);
        return entries.map(() => undefined);
      });
      const { instance, delays } = publisher(client);

      // Act
      await instance.publish(published(records(3)));

      // Assess
      expect(calls.length).toBe(3);
      expect(calls[2]?.map(eventIdOf)).toEqual(['evt-0', 'evt-1', 'evt-2']);
      expect(delays.length).toBe(2);
    });

    it('throws PutEventsDeliveryError with the failed eventIDs and codes when attempts run out', async () => {
      // Prepare: evt-1 always fails
      const { client, calls } = fakeClient((entries) => entries.map((e) => (eventIdOf(e) === 'evt-1' ? 'InternalFailure' : undefined)));
      const { instance } = publisher(client, { maxAttempts: 3 });

      // Act
      const error = await instance.publish(published(records(4))).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(PutEventsDeliveryError);
      const delivery = error as PutEventsDeliveryError;
      expect(delivery.name).toBe('PutEventsDeliveryError');
      expect(delivery.attempts).toBe(3);
      expect(delivery.failedEventIDs).toEqual(['evt-1']);
      expect(delivery.failures).toEqual([{ eventID: 'evt-1', errorCode: 'InternalFailure', errorMessage: 'InternalFailure happened' }]);
      expect(calls.length).toBe(3);
    });

    it('does not retry entries EventBridge documents as non-retryable, but finishes the others', async () => {
      // Prepare
      const { client, calls } = fakeClient((entries, call) =>
        entries.map((e) => {
          const id = eventIdOf(e);
          if (id === 'evt-0') return 'MalformedDetail';
          if (id === 'evt-1' && call === 1) return 'ThrottlingException';
          return undefined;
        }),
      );
      const { instance } = publisher(client);

      // Act
      const error = await instance.publish(published(records(3))).catch((e: unknown) => e);

      // Assess
      expect(calls.map((c) => c.map(eventIdOf))).toEqual([['evt-0', 'evt-1', 'evt-2'], ['evt-1']]);
      expect(error).toBeInstanceOf(PutEventsDeliveryError);
      expect((error as PutEventsDeliveryError).failures.map((f) => [f.eventID, f.errorCode])).toEqual([['evt-0', 'MalformedDetail']]);
    });

    it('does not retry a whole-call error that would fail again, and keeps it as the cause', async () => {
      // Prepare
      const notFound = sdkError('ResourceNotFoundException', 400);
      const { client, calls } = fakeClient(() => notFound);
      const { instance } = publisher(client);

      // Act
      const error = await instance.publish(published(records(2))).catch((e: unknown) => e);

      // Assess
      expect(calls.length).toBe(1);
      expect(error).toBeInstanceOf(PutEventsDeliveryError);
      expect((error as PutEventsDeliveryError).failures.map((f) => f.errorCode)).toEqual(['ResourceNotFoundException', 'ResourceNotFoundException']);
      expect((error as PutEventsDeliveryError).cause).toBe(notFound);
    });

    it('grows the backoff window exponentially up to its cap', async () => {
      // Prepare
      const { client } = fakeClient((entries) => entries.map(() => 'InternalFailure'));
      const { instance, delays } = publisher(client, { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999 });

      // Act
      await instance.publish(published(records(1))).catch(() => undefined);

      // Assess
      expect(delays).toEqual([99, 199, 399, 799, 999]);
    });
  });
});

describe('Function: isTransientCallError', () => {
  const testCases: { name: string; error: unknown; transient: boolean }[] = [
    { name: 'throttling by name', error: sdkError('ThrottlingException', 400), transient: true },
    { name: 'any 5xx', error: sdkError('Whatever', 503), transient: true },
    { name: 'HTTP 429', error: sdkError('TooMany', 429), transient: true },
    { name: 'a reset connection', error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }), transient: true },
    { name: 'a validation error', error: sdkError('ValidationException', 400), transient: false },
    { name: 'access denied', error: sdkError('AccessDeniedException', 403), transient: false },
    { name: 'a non-error value', error: 'boom', transient: false },
  ];

  it.each(testCases)('classifies $name', ({ error, transient }) => {
    // Act
    const actual = isTransientCallError(error);

    // Assess
    expect(actual).toBe(transient);
  });
});
