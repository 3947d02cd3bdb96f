import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IN_MEMORY_GZIP_BYTES,
  IN_MEMORY_OUTPUT_BYTES,
  MalformedLogFileError,
  readRecordBatches,
  type MalformedLogFileCode,
  type ReadRecordsOptions,
} from '../../../lib/cloudtrail/read-records.js';
import { datasetFiles, readAll, rejection, source, splitAt, splitEvery } from './reader-helpers.js';

const text = (value: string): Buffer => Buffer.from(value, 'utf8');
const doc = (records: unknown[], extra: Record<string, unknown> = {}): Buffer => text(JSON.stringify({ Records: records, ...extra }));

describe('Function: readRecordBatches', () => {
  describe('real log files', () => {
    const files = datasetFiles('invictus-stratus-run');

    it('has the dataset to read', () => {
      expect(files).toHaveLength(55);
    });

    const chunkings: { name: string; split: (bytes: Buffer) => Uint8Array[] }[] = [
      { name: 'whole', split: (bytes) => [bytes] },
      { name: '64 KiB chunks', split: (bytes) => splitEvery(bytes, 65536) },
      { name: '997-byte chunks', split: (bytes) => splitEvery(bytes, 997) },
    ];

    it.each(chunkings)('yields exactly JSON.parse(file).Records for every invictus file, plain and gzipped, $name', async ({ split }) => {
      for (const { name, bytes } of files) {
        // Prepare
        const expected = (JSON.parse(bytes.toString('utf8')) as { Records: unknown[] }).Records;
        const gzipped = split(gzipSync(bytes));

        // Act
        const plain = await readAll(split(bytes));
        const inflatedWhole = await readAll(gzipped);
        const streamed = await readAll(gzipped, { inMemoryGzipBytes: 0 });
        const streamedAfterGathering = await readAll(gzipped, { inMemoryGzipBytes: 2000 });

        // Assess
        expect(plain, name).toEqual(expected);
        expect(inflatedWhole, name).toEqual(expected);
        expect(streamed, name).toEqual(expected);
        expect(streamedAfterGathering, name).toEqual(expected);
      }
    });

    it('reads every stratus detonation (a bare array) with acceptBareArray', async () => {
      for (const { name, bytes } of datasetFiles('stratus-detonations')) {
        // Prepare
        const expected = JSON.parse(bytes.toString('utf8')) as unknown[];

        // Act
        const records = await readAll(splitEvery(gzipSync(bytes), 4096), { acceptBareArray: true });

        // Assess
        expect(records, name).toEqual(expected);
      }
    });

    it('rejects a stratus detonation without acceptBareArray', async () => {
      // Prepare
      const [first] = datasetFiles('stratus-detonations');

      // Act
      const error = await rejection(readAll([first!.bytes]));

      // Assess
      expect(error).toMatchObject({ name: 'MalformedLogFileError', code: 'no-records' });
    });

    it('reads the pretty-printed Insights examples', async () => {
      for (const { name, bytes } of datasetFiles('insight-examples')) {
        const expected = (JSON.parse(bytes.toString('utf8')) as { Records: unknown[] }).Records;
        expect(await readAll(splitEvery(bytes, 13)), name).toEqual(expected);
      }
    });
  });

  describe('gzip', () => {
    it('reads concatenated gzip members as one stream', async () => {
      // Prepare
      const { bytes } = datasetFiles('invictus-stratus-run')[0]!;
      const members = splitAt(bytes, [10, 5000, 5001, 20000]).map((part) => gzipSync(part));

      // Act
      const records = await readAll(splitEvery(Buffer.concat(members), 1000));

      // Assess
      expect(records).toEqual((JSON.parse(bytes.toString('utf8')) as { Records: unknown[] }).Records);
    });

    it('streams a small object that inflates beyond IN_MEMORY_OUTPUT_BYTES', async () => {
      // Prepare: ~20 MB of log that compresses to well under inMemoryGzipBytes
      const records = Array.from({ length: 20_000 }, (_, i) => ({ i, eventName: 'PutObject', pad: 'x'.repeat(1000) }));
      const gzipped = gzipSync(doc(records));
      expect(gzipped.length).toBeLessThan(DEFAULT_IN_MEMORY_GZIP_BYTES);

      // Act
      const read = await readAll(splitEvery(gzipped, 65536));

      // Assess
      expect(doc(records).length).toBeGreaterThan(IN_MEMORY_OUTPUT_BYTES);
      expect(read).toEqual(records);
    });

    it('decides by the magic bytes even when they arrive one at a time', async () => {
      // Prepare
      const gzipped = gzipSync(doc([{ a: 1 }]));

      // Act
      const records = await readAll(splitEvery(gzipped, 1));

      // Assess
      expect(records).toEqual([{ a: 1 }]);
    });
  });

  describe('malformed files', () => {
    const big = JSON.stringify({ eventName: 'x'.repeat(300) });
    const digest = {
      awsAccountId: '111122223333',
      digestStartTime: '2015-08-17T14:01:31Z',
      digestEndTime: '2015-08-17T15:01:31Z',
      digestS3Bucket: 'bucket',
      digestPublicKeyFingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
      digestSignatureAlgorithm: 'SHA256withRSA',
      logFiles: [{ s3Bucket: 'bucket', s3Object: 'AWSLogs/x.json.gz', hashValue: '9bb6', hashAlgorithm: 'SHA-256' }],
    };
    const testCases: {
      name: string;
      input: string;
      code: MalformedLogFileCode;
      offset?: number;
      options?: Partial<ReadRecordsOptions>;
    }[] = [
      { name: 'no bytes', input: '', code: 'empty' },
      { name: 'only whitespace', input: ' \n\t\r ', code: 'empty' },
      { name: 'not JSON', input: 'hello', code: 'invalid-json', offset: 0 },
      { name: 'a byte-order mark (as JSON.parse)', input: '\uFEFF{"Records":[]}', code: 'invalid-json', offset: 0 },
      { name: 'a truncated record', input: '{"Records":[{"a":1}', code: 'invalid-json' },
      { name: 'a missing closing brace', input: '{"Records":[{"a":1}]', code: 'invalid-json' },
      { name: 'trailing data', input: '{"Records":[{"a":1}]}x', code: 'invalid-json', offset: 21 },
      { name: 'a second document', input: '{"Records":[]} {"Records":[]}', code: 'invalid-json', offset: 15 },
      { name: 'a trailing comma in Records', input: '{"Records":[{"a":1},]}', code: 'invalid-json', offset: 20 },
      { name: 'a missing comma between records', input: '{"Records":[{"a":1} {"b":2}]}', code: 'invalid-json', offset: 20 },
      { name: 'a semicolon between records', input: '{"Records":[{"a":1};{"b":2}]}', code: 'invalid-json', offset: 19 },
      { name: 'a record that does not parse', input: '{"Records":[{"a":1},{"b":}]}', code: 'invalid-json', offset: 20 },
      { name: 'mismatched brackets in a record', input: '{"Records":[{"a":[1}]]}', code: 'invalid-json', offset: 12 },
      { name: 'a bad value of another key', input: '{"x":tru,"Records":[]}', code: 'invalid-json', offset: 5 },
      { name: 'a bad nested value of another key', input: '{"Records":[],"x":{"y":[1,2,}}', code: 'invalid-json', offset: 18 },
      { name: 'a missing value', input: '{"x":,"Records":[]}', code: 'invalid-json', offset: 5 },
      { name: 'a missing colon', input: '{"Records" []}', code: 'invalid-json', offset: 11 },
      { name: 'a missing comma between keys', input: '{"Records":[] "x":1}', code: 'invalid-json', offset: 14 },
      { name: 'a trailing comma between keys', input: '{"Records":[],}', code: 'invalid-json', offset: 14 },
      { name: 'an unquoted key', input: '{Records:[]}', code: 'invalid-json', offset: 1 },
      { name: 'an invalid escape in a key', input: '{"Rec\\qords":[]}', code: 'invalid-json', offset: 1 },
      { name: 'a scalar document', input: '42', code: 'invalid-json', offset: 0 },
      { name: 'an empty object', input: '{}', code: 'no-records' },
      { name: 'a digest file', input: JSON.stringify(digest, null, 2), code: 'no-records' },
      { name: 'a bare array without acceptBareArray', input: '[{"a":1}]', code: 'no-records', offset: 0 },
      { name: 'Records as an object', input: '{"Records":{"a":1}}', code: 'records-not-array', offset: 11 },
      { name: 'Records as null', input: '{"Records":null}', code: 'records-not-array', offset: 11 },
      { name: 'a second Records key', input: '{"Records":[{"a":1}],"Records":[]}', code: 'duplicate-records', offset: 31 },
      { name: 'a second Records key spelled with an escape', input: '{"Records":[],"Rec\\u006frds":[{"a":1}]}', code: 'duplicate-records' },
      { name: 'a number record', input: '{"Records":[1]}', code: 'record-not-object', offset: 12 },
      { name: 'a null record after a good one', input: '{"Records":[{"a":1}, null]}', code: 'record-not-object', offset: 21 },
      { name: 'an array record', input: '{"Records":[[{"a":1}]]}', code: 'record-not-object', offset: 12 },
      { name: 'a string record in a bare array', input: '["x"]', code: 'record-not-object', offset: 1, options: { acceptBareArray: true } },
      { name: 'a record over maxRecordBytes', input: `{"Records":[{"a":1},${big}]}`, code: 'record-too-large', offset: 20, options: { maxRecordBytes: 300 } },
      { name: 'another value over maxRecordBytes', input: `{"x":${big},"Records":[]}`, code: 'record-too-large', offset: 5, options: { maxRecordBytes: 300 } },
      { name: 'more bytes than maxDecompressedBytes', input: `{"Records":[${big}]}`, code: 'too-large', options: { maxDecompressedBytes: 200 } },
    ];

    const deliveries: { name: string; encode: (bytes: Buffer) => Uint8Array[]; inMemoryGzipBytes?: number }[] = [
      { name: 'plain, whole', encode: (bytes) => [bytes] },
      { name: 'plain, 3-byte chunks', encode: (bytes) => splitEvery(bytes, 3) },
      { name: 'gzipped, inflated whole', encode: (bytes) => splitEvery(gzipSync(bytes), 5) },
      { name: 'gzipped, streamed', encode: (bytes) => splitEvery(gzipSync(bytes), 5), inMemoryGzipBytes: 0 },
    ];

    for (const delivery of deliveries) {
      it.each(testCases)(`fails with $code on $name (${delivery.name})`, async ({ input, code, offset, options }) => {
        // Act
        const inMemory = delivery.inMemoryGzipBytes === undefined ? {} : { inMemoryGzipBytes: delivery.inMemoryGzipBytes };
        const error = await rejection(readAll(delivery.encode(text(input)), { ...inMemory, ...options }));

        // Assess
        expect(error).toBeInstanceOf(MalformedLogFileError);
        expect(error).toMatchObject({ name: 'MalformedLogFileError', code });
        if (offset !== undefined) {
          expect((error as MalformedLogFileError).offset).toBe(offset);
          expect((error as Error).message).toContain(`at byte ${offset}`);
        }
      });
    }

    const gzipCases: { name: string; bytes: () => Buffer; code: MalformedLogFileCode }[] = [
      { name: 'the magic bytes and garbage', bytes: () => Buffer.concat([Buffer.from([0x1f, 0x8b]), text('garbage garbage garbage')]), code: 'invalid-gzip' },
      { name: 'garbage after a member', bytes: () => Buffer.concat([gzipSync(doc([{ a: 1 }])), text('xyz')]), code: 'invalid-gzip' },
      {
        name: 'a wrong CRC',
        bytes: () => {
          const gzipped = gzipSync(doc([{ a: 1 }]));
          gzipped[gzipped.length - 6]! ^= 0xff;
          return gzipped;
        },
        code: 'invalid-gzip',
      },
      { name: 'a cut in the data', bytes: () => gzipSync(doc([{ a: 1 }, { b: 'x'.repeat(500) }])).subarray(0, 30), code: 'truncated-gzip' },
      { name: 'a missing trailer', bytes: () => gzipSync(doc([{ a: 1 }])).subarray(0, -4), code: 'truncated-gzip' },
      { name: 'a cut in the header', bytes: () => gzipSync(doc([{ a: 1 }])).subarray(0, 5), code: 'truncated-gzip' },
      { name: 'a member holding nothing', bytes: () => gzipSync(Buffer.alloc(0)), code: 'empty' },
    ];

    it.each(gzipCases)('fails with $code on gzip with $name', async ({ bytes, code }) => {
      // Act
      const inflatedWhole = await rejection(readAll(splitEvery(bytes(), 7)));
      const streamed = await rejection(readAll(splitEvery(bytes(), 7), { inMemoryGzipBytes: 0 }));

      // Assess
      expect(inflatedWhole).toMatchObject({ name: 'MalformedLogFileError', code });
      expect(streamed).toMatchObject({ name: 'MalformedLogFileError', code });
    });

    it('stops a gzip bomb at the cap, without reading the rest of the source', async () => {
      // Prepare: 64 MiB of whitespace inside a valid document, ~64 KB compressed
      const bomb = gzipSync(Buffer.concat([text('{"Records":['), Buffer.alloc(64 << 20, 0x20), text(']}')]), { level: 1 });
      const chunks = splitEvery(bomb, 1024);
      let pulled = 0;
      let released = false;
      async function* counting(): AsyncGenerator<Uint8Array> {
        try {
          for (const chunk of chunks) {
            pulled += 1;
            yield chunk;
          }
        } finally {
          released = true;
        }
      }

      // Act
      const error = await rejection(readAll(counting(), { maxDecompressedBytes: 1 << 20, inMemoryGzipBytes: 0 }));

      // Assess
      expect(error).toMatchObject({ code: 'too-large' });
      // 1 MiB of output needs ~4 KB of this input; the inflater buffers up to 16 KiB ahead.
      expect(pulled).toBeLessThanOrEqual(24);
      expect(chunks.length).toBeGreaterThan(100);
      expect(released).toBe(true);
    });

    it.each([
      { name: 'below', cap: 1 << 20 },
      { name: 'above', cap: 1 << 30 },
    ])('stops a small gzip bomb inflated whole, with the cap $name the in-memory limit', async ({ cap }) => {
      // Prepare: 64 MiB of whitespace, ~290 KB compressed, so it arrives whole
      const bomb = gzipSync(Buffer.concat([text('{"Records":['), Buffer.alloc(64 << 20, 0x20), text('{"a":1}]}')]), { level: 1 });
      expect(bomb.length).toBeLessThan(DEFAULT_IN_MEMORY_GZIP_BYTES);

      // Act
      const outcome = await readAll(splitEvery(bomb, 65536), { maxDecompressedBytes: cap }).then(
        (records) => records,
        (error: unknown) => error,
      );

      // Assess: past the in-memory limit it streams, under the real cap
      if (cap < IN_MEMORY_OUTPUT_BYTES) expect(outcome).toMatchObject({ code: 'too-large' });
      else expect(outcome).toEqual([{ a: 1 }]);
    });

    it('holds the cap on plain input and destroys a stream source', async () => {
      // Prepare
      const stream = Readable.from(splitEvery(doc(Array.from({ length: 2000 }, (_, i) => ({ i }))), 256));

      // Act
      const error = await rejection(readAll(stream, { maxDecompressedBytes: 4096 }));

      // Assess
      expect(error).toMatchObject({ code: 'too-large' });
      expect(stream.destroyed).toBe(true);
    });

    it('ends in an error even after every record was yielded', async () => {
      // Prepare
      const batches: unknown[][] = [];
      const input = [text('{"Records":[{"a":1},{"b":2},{"c":3}]}'), text(' trailing')];

      // Act
      const error = await rejection(
        (async () => {
          for await (const batch of readRecordBatches(source(input), { maxDecompressedBytes: 1000 })) batches.push(batch);
        })(),
      );

      // Assess
      expect(batches.flat()).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
      expect(error).toMatchObject({ code: 'invalid-json' });
    });
  });

  describe('memory and sources', () => {
    it.each([
      { name: 'plain', encode: (bytes: Buffer) => bytes, inMemoryGzipBytes: undefined },
      { name: 'gzip inflated whole', encode: (bytes: Buffer) => gzipSync(bytes), inMemoryGzipBytes: undefined },
      { name: 'gzip streamed', encode: (bytes: Buffer) => gzipSync(bytes), inMemoryGzipBytes: 0 },
    ])('copies what it keeps, so a source may reuse its buffer ($name)', async ({ encode, inMemoryGzipBytes }) => {
      // Prepare
      const expected = [{ a: 'é'.repeat(40) }, { b: [1, 2, { c: '\\"' }] }, { d: '日本' }, ...Array.from({ length: 300 }, (_, i) => ({ i }))];
      const bytes = encode(doc(expected));
      async function* reusing(): AsyncGenerator<Uint8Array> {
        const buffer = Buffer.alloc(5);
        for (let at = 0; at < bytes.length; at += 5) {
          buffer.fill(0);
          const n = bytes.copy(buffer, 0, at, at + 5);
          yield buffer.subarray(0, n);
        }
      }

      // Act
      const records = await readAll(reusing(), inMemoryGzipBytes === undefined ? {} : { inMemoryGzipBytes });

      // Assess
      expect(records).toEqual(expected);
    });

    it('yields records in batches as they are read, before the end of the file', async () => {
      // Prepare
      const stream = new PassThrough();
      stream.write(text('{"Records":[{"a":1},{"b":2},'));

      // Act
      const reader = readRecordBatches(stream, { maxDecompressedBytes: 1000 });
      const first = await reader.next();
      stream.end(text('{"c":3}]}'));
      const rest: unknown[] = [];
      for await (const batch of { [Symbol.asyncIterator]: () => reader }) rest.push(...batch);

      // Assess
      expect(first.value).toEqual([{ a: 1 }, { b: 2 }]);
      expect(rest).toEqual([{ c: 3 }]);
    });

    it.each([{ inMemoryGzipBytes: 0 }, { inMemoryGzipBytes: DEFAULT_IN_MEMORY_GZIP_BYTES }])(
      'releases the source when the consumer stops early (inMemoryGzipBytes $inMemoryGzipBytes)',
      async ({ inMemoryGzipBytes }) => {
        // Prepare
        const stream = Readable.from(splitEvery(gzipSync(doc(Array.from({ length: 5000 }, (_, i) => ({ i })))), 512));

        // Act
        for await (const batch of readRecordBatches(stream, { maxDecompressedBytes: 1 << 20, inMemoryGzipBytes })) {
          expect(batch.length).toBeGreaterThan(0);
          break;
        }

        // Assess
        expect(stream.destroyed).toBe(true);
      },
    );

    it.each([
      { name: 'plain', encode: (bytes: Buffer) => bytes },
      { name: 'gzip', encode: (bytes: Buffer) => gzipSync(bytes) },
    ])('passes the source’s own errors through unchanged ($name)', async ({ encode }) => {
      // Prepare
      const failure = new Error('socket hang up');
      const bytes = encode(doc(Array.from({ length: 200 }, (_, i) => ({ i }))));
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield bytes.subarray(0, 100);
        throw failure;
      }

      // Act
      const error = await rejection(readAll(failing()));

      // Assess
      expect(error).toBe(failure);
    });

    it('rejects options that are not sizes', async () => {
      for (const options of [
        { maxDecompressedBytes: 0 },
        { maxDecompressedBytes: Number.NaN },
        { maxDecompressedBytes: 100, maxRecordBytes: -1 },
        { maxDecompressedBytes: 100, inMemoryGzipBytes: -1 },
      ]) {
        const error = await rejection(readAll([doc([])], options));
        expect(error).toBeInstanceOf(RangeError);
      }
    });
  });

  describe('abort', () => {
    it('throws the reason of a signal aborted before the start', async () => {
      // Prepare
      const reason = new Error('too late');

      // Act
      const error = await rejection(readAll([doc([{ a: 1 }])], { signal: AbortSignal.abort(reason) }));

      // Assess
      expect(error).toBe(reason);
    });

    it.each([
      { name: 'plain', encode: (bytes: Buffer) => bytes, inMemoryGzipBytes: undefined },
      { name: 'gzip, gathering a small object', encode: (bytes: Buffer) => gzipSync(bytes), inMemoryGzipBytes: undefined },
      { name: 'gzip, streamed', encode: (bytes: Buffer) => gzipSync(bytes), inMemoryGzipBytes: 0 },
    ])('stops promptly while the source stalls, destroying it ($name)', async ({ encode, inMemoryGzipBytes }) => {
      // Prepare: half a file, then nothing more ever arrives
      const bytes = encode(doc(Array.from({ length: 500 }, (_, i) => ({ i, pad: 'x'.repeat(50) }))));
      const stream = new PassThrough();
      stream.write(bytes.subarray(0, bytes.length >> 1));
      const controller = new AbortController();
      const reason = new Error('Lambda timeout approaching');
      const options = { maxDecompressedBytes: 1 << 20, signal: controller.signal, ...(inMemoryGzipBytes === undefined ? {} : { inMemoryGzipBytes }) };

      // Act
      const started = performance.now();
      setTimeout(() => controller.abort(reason), 50);
      const error = await rejection(
        (async () => {
          for await (const batch of readRecordBatches(stream, options)) expect(batch.length).toBeGreaterThan(0);
        })(),
      );

      // Assess
      expect(error).toBe(reason);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(stream.destroyed).toBe(true);
    });

    it('stops an endless fast source between batches', async () => {
      // Prepare
      const controller = new AbortController();
      async function* endless(): AsyncGenerator<Uint8Array> {
        yield text('{"Records":[');
        for (let i = 0; ; i++) yield text(`{"i":${i}},`);
      }
      let seen = 0;

      // Act
      const error = await rejection(
        (async () => {
          for await (const batch of readRecordBatches(endless(), { maxDecompressedBytes: 1 << 30, signal: controller.signal })) {
            seen += batch.length;
            if (seen >= 100) controller.abort(new Error('stop'));
          }
        })(),
      );

      // Assess
      expect(error).toMatchObject({ message: 'stop' });
      expect(seen).toBe(100);
    });
  });
});
