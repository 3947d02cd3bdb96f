/**
 * EventBridgePublisher through the real SDK client against the local PutEvents endpoint
 * (test/support/put-events-server.ts), which enforces AWS's limits and injects failures.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { LogLocation } from '../../lib/cloudtrail/location.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { PutEventsDeliveryError } from '../../lib/publish/errors.js';
import { EventBridgePublisher, INSIGHT_DETAIL_TYPE } from '../../lib/publish/eventbridge-publisher.js';
import type { PublishedInsight } from '../../lib/publish/publisher.js';
import { useLocalAws } from '../support/aws-env.js';
import type { TestEventBus } from '../support/aws-env.js';
import { records } from '../unit/publish/insight-fixture.js';

const aws = useLocalAws();
const LOCATION: LogLocation = { bucket: 'trail', prefix: '' };
const SOURCE = 'trail-insights.test';

const published = (recs: readonly InsightRecord[]): PublishedInsight[] => recs.map((record) => ({ record, location: LOCATION }));

/** A publisher on a fresh bus; short backoff so retries stay fast but real. */
function setup(options: { sdkMaxAttempts?: number; maxAttempts?: number } = {}): { bus: TestEventBus; publisher: EventBridgePublisher } {
  const bus = aws.createTestEventBus({ label: 'publish' });
  const client = new EventBridgeClient({ ...(options.sdkMaxAttempts === undefined ? {} : { maxAttempts: options.sdkMaxAttempts }) });
  const publisher = new EventBridgePublisher({
    client,
    eventBusName: bus.name,
    source: SOURCE,
    baseDelayMs: 10,
    maxAttempts: options.maxAttempts ?? 5,
  });
  return { bus, publisher };
}

/** eventIDs of the accepted events, in arrival order. */
async function deliveredIds(bus: TestEventBus): Promise<string[]> {
  return (await bus.events.entries()).map((entry) => String(entry.detail['eventID']));
}

describe('Class: EventBridgePublisher (local PutEvents endpoint)', () => {
  it('delivers 23 records in 3 calls, each exactly once, as AWS Insight events', async () => {
    // Prepare
    const { bus, publisher } = setup();
    const recs = records(23, 'plain');

    // Act
    await publisher.publish(published(recs));

    // Assess
    const calls = await bus.events.calls();
    expect(calls.map((c) => [c.outcome, c.entryCount])).toEqual([
      ['ok', 10],
      ['ok', 10],
      ['ok', 3],
    ]);
    const entries = await bus.events.entries();
    expect(entries.map((e) => e.detail['eventID'])).toEqual(recs.map((r) => r.eventID));
    const first = entries[0];
    expect(first).toMatchObject({ source: SOURCE, detailType: INSIGHT_DETAIL_TYPE, eventBusName: bus.name, time: '2024-12-11T16:52:00.000Z' });
    expect(first?.detailJson).toBe(JSON.stringify(recs[0]));
  });

  it('retries injected per-entry failures until every record is delivered exactly once', async () => {
    // Prepare: 4 entries of the first call fail, and one record fails on its first two sends
    const { bus, publisher } = setup();
    const recs = records(23, 'flaky');
    await bus.events.fail({ errorCode: 'InternalFailure', count: 4 });
    await bus.events.fail({ errorCode: 'ThrottlingException', detailContains: '"flaky-17"', count: 2 });

    // Act
    await publisher.publish(published(recs));

    // Assess
    const ids = await deliveredIds(bus);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(recs.map((r) => r.eventID).sort());
    const calls = await bus.events.calls();
    // every send is one accepted entry or one injected failure: only failed entries were resent
    expect(calls.reduce((sum, c) => sum + c.entryCount, 0)).toBe(23 + 4 + 2);
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
  });

  it('retries whole-call throttling beyond the SDK client’s own retries', async () => {
    // Prepare: the SDK retries 3 times per call, so 4 throttled calls need our layer too
    const { bus, publisher } = setup({ sdkMaxAttempts: 3 });
    const recs = records(5, 'throttled');
    await bus.events.throttle({ calls: 4 });

    // Act
    await publisher.publish(published(recs));

    // Assess
    const calls = await bus.events.calls();
    expect(calls.map((c) => c.outcome)).toEqual(['throttled', 'throttled', 'throttled', 'throttled', 'ok']);
    expect(await deliveredIds(bus)).toEqual(recs.map((r) => r.eventID));
  });

  it('throws PutEventsDeliveryError naming the records that never got through', async () => {
    // Prepare: one record fails on every send; the rest must still be delivered once
    const { bus, publisher } = setup({ maxAttempts: 3 });
    const recs = records(12, 'stuck');
    await bus.events.fail({ errorCode: 'InternalFailure', detailContains: '"stuck-7"' });

    // Act
    const error = await publisher.publish(published(recs)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PutEventsDeliveryError);
    const delivery = error as PutEventsDeliveryError;
    expect(delivery.failedEventIDs).toEqual(['stuck-7']);
    expect(delivery.failures[0]?.errorCode).toBe('InternalFailure');
    expect(delivery.attempts).toBe(3);
    const ids = await deliveredIds(bus);
    expect(ids.sort()).toEqual(recs.map((r) => r.eventID).filter((id) => id !== 'stuck-7').sort());
  });
});
