import { describe, expect, it } from 'vitest';
import { CollectingPublisher } from '../../support/collecting-publisher.js';
import { FanOutPublisher } from '../../../lib/publish/fan-out-publisher.js';
import type { PublishedInsight, Publisher } from '../../../lib/publish/publisher.js';
import { records } from './insight-fixture.js';

const insights = (count: number, stem?: string): PublishedInsight[] =>
  records(count, stem).map((record) => ({ record, location: { bucket: 'b', prefix: '' } }));

describe('Class: CollectingPublisher', () => {
  it('keeps every record in publish order', async () => {
    // Prepare
    const collector = new CollectingPublisher();

    // Act
    await collector.publish(insights(2, 'a'));
    await collector.publish(insights(1, 'b'));

    // Assess
    expect(collector.records.map((r) => r.eventID)).toEqual(['a-0', 'a-1', 'b-0']);
    expect(collector.insights).toHaveLength(3);
  });

  it('forgets everything on clear', async () => {
    // Prepare
    const collector = new CollectingPublisher();
    await collector.publish(insights(2));

    // Act
    collector.clear();

    // Assess
    expect(collector.records).toEqual([]);
  });
});

describe('Class: FanOutPublisher', () => {
  it('publishes to each publisher in the given order', async () => {
    // Prepare
    const order: string[] = [];
    const named = (name: string): Publisher => ({
      publish: async () => {
        order.push(name);
      },
    });
    const fanOut = new FanOutPublisher([named('files'), named('events')]);

    // Act
    await fanOut.publish(insights(1));

    // Assess
    expect(order).toEqual(['files', 'events']);
  });

  it('stops at the first failure, so events are not sent before their files exist', async () => {
    // Prepare
    const events = new CollectingPublisher();
    const files: Publisher = {
      publish: async () => {
        throw new Error('bucket unavailable');
      },
    };
    const fanOut = new FanOutPublisher([files, events]);

    // Act
    const act = fanOut.publish(insights(2));

    // Assess
    await expect(act).rejects.toThrow('bucket unavailable');
    expect(events.records).toEqual([]);
  });

  it('calls nobody for no insights', async () => {
    // Prepare
    const collector = new CollectingPublisher();
    const fanOut = new FanOutPublisher([collector]);

    // Act
    await fanOut.publish([]);

    // Assess
    expect(collector.insights).toEqual([]);
  });
});
