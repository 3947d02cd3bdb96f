/**
 * The Lambda wiring of publishing — S3 files first, then EventBridge — through the real
 * SDK clients against s3rver and the local PutEvents endpoint.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { LogLocation } from '../../lib/cloudtrail/location.js';
import { InsightWriteError } from '../../lib/publish/errors.js';
import { EventBridgePublisher } from '../../lib/publish/eventbridge-publisher.js';
import { FanOutPublisher } from '../../lib/publish/fan-out-publisher.js';
import { insightObjectKey } from '../../lib/publish/insight-file.js';
import { S3InsightWriter } from '../../lib/publish/s3-insight-writer.js';
import { useLocalAws } from '../support/aws-env.js';
import { records } from '../unit/publish/insight-fixture.js';

const aws = useLocalAws();
const s3 = new S3Client({ forcePathStyle: true });
const eventbridge = new EventBridgeClient({});

function fanOut(busName: string): FanOutPublisher {
  return new FanOutPublisher([
    new S3InsightWriter({ client: s3 }),
    new EventBridgePublisher({ client: eventbridge, eventBusName: busName, source: 'trail-insights', baseDelayMs: 10 }),
  ]);
}

describe('Class: FanOutPublisher (s3rver + PutEvents endpoint)', () => {
  it('writes every file and sends every event, and a rerun adds no file', async () => {
    // Prepare
    const bucket = await aws.createTestBucket({ label: 'fan' });
    const bus = aws.createTestEventBus({ label: 'fan' });
    const location: LogLocation = { bucket: bucket.name, prefix: '' };
    const insights = records(12, 'fan').map((record) => ({ record, location }));

    // Act
    await fanOut(bus.name).publish(insights);
    await fanOut(bus.name).publish(insights);

    // Assess
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket.name }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(insights.map((i) => insightObjectKey(i.record, location)).sort());
    // EventBridge has no idempotent put: a rerun is a second delivery, deduped by detail.eventID
    const ids = (await bus.events.entries()).map((e) => String(e.detail['eventID']));
    expect(ids).toEqual([...insights, ...insights].map((i) => i.record.eventID));
  });

  it('sends no event when the files cannot be written', async () => {
    // Prepare
    const bus = aws.createTestEventBus({ label: 'fan-fail' });
    const insights = records(3, 'nofile').map((record) => ({ record, location: { bucket: 'ti-missing-bucket-fan', prefix: '' } }));

    // Act
    const act = fanOut(bus.name).publish(insights);

    // Assess
    await expect(act).rejects.toThrow(InsightWriteError);
    expect(await bus.events.calls()).toEqual([]);
  });
});
