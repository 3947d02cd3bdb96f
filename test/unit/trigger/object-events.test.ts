import { describe, expect, it } from 'vitest';
import { parseObjectEvent, UnrecognizedMessageError } from '../../../lib/trigger/object-events.js';
import { scheduleMinute } from '../../../lib/trigger/schedule.js';

const s3Notification = (key: string, eventName = 'ObjectCreated:Put') => ({
  Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName, s3: { bucket: { name: 'trail' }, object: { key, size: 1234 } } }],
});

describe('Function: parseObjectEvent', () => {
  it.each([
    ['an S3 notification, decoding the key', s3Notification('AWSLogs/1/a+b%2Bc.json.gz'), [{ bucket: 'trail', key: 'AWSLogs/1/a b+c.json.gz', size: 1234 }]],
    [
      'an SNS envelope around an S3 notification',
      { Type: 'Notification', Message: JSON.stringify(s3Notification('k%3D1')) },
      [{ bucket: 'trail', key: 'k=1', size: 1234 }],
    ],
    [
      'an EventBridge Object Created event, whose key is not encoded',
      { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'trail' }, object: { key: 'a+b%2B.json.gz', size: 9 } } },
      [{ bucket: 'trail', key: 'a+b%2B.json.gz', size: 9 }],
    ],
  ])('reads %s', (_name, payload, objects) => {
    expect(parseObjectEvent(payload)).toEqual({ kind: 'objects', objects });
  });

  it('recognises the s3:TestEvent', () => {
    expect(parseObjectEvent({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'trail' })).toEqual({ kind: 'test-event' });
  });

  it('ignores other S3 actions', () => {
    expect(parseObjectEvent(s3Notification('k', 'ObjectRemoved:Delete'))).toEqual({ kind: 'ignored', reason: 'ObjectRemoved:Delete' });
    expect(parseObjectEvent({ source: 'aws.s3', 'detail-type': 'Object Deleted', detail: {} })).toMatchObject({ kind: 'ignored' });
  });

  it.each([[null], ['text'], [{ hello: 1 }], [{ Records: [{ s3: {} }] }], [{ source: 'aws.s3', 'detail-type': 'Object Created', detail: { object: {} } }]])(
    'rejects %j as unrecognised',
    (payload) => expect(() => parseObjectEvent(payload)).toThrow(UnrecognizedMessageError),
  );
});

describe('Function: scheduleMinute', () => {
  it('uses the scheduled time of the event, else the fallback clock', () => {
    expect(scheduleMinute({ time: '2024-05-01T10:05:00Z' }, new Date(0))).toBe(Date.UTC(2024, 4, 1, 10, 5) / 60_000);
    expect(scheduleMinute({}, new Date(Date.UTC(2024, 4, 1, 10, 7, 30)))).toBe(Date.UTC(2024, 4, 1, 10, 7) / 60_000);
  });
});
