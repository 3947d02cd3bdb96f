import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedLogFileError } from '../../../lib/cloudtrail/read-records.js';
import { readAll, rejection, splitAt } from './reader-helpers.js';

// String units that stress the scanner: quotes and backslashes (escaped by JSON.stringify
// as \" and \\), multi-byte UTF-8 (2, 3 and 4 bytes), control characters (\u0000 and \n
// escapes), and JSON's structural characters inside strings — mixed with any code point.
const trickyUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"', '\\', '/', 'é', '日', '😀', '\u2028', '\u0000', '\n', '{', '}', '[', ']', ',', ':', ' ', 'a') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const key = fc.string({ unit: trickyUnit, maxLength: 6 });
const value = fc.jsonValue({ maxDepth: 3, stringUnit: trickyUnit });
const record = fc.dictionary(key, value, { maxKeys: 5 });
const others = fc.dictionary(key.filter((k) => k !== 'Records'), value, { maxKeys: 3 });

interface Doc {
  text: Buffer;
  records: unknown[];
  bare: boolean;
}

/** A log document as JSON.stringify writes it: records, other keys before and after, any indentation. */
const documentOf = (maxRecords: number): fc.Arbitrary<Doc> =>
    fc
    .record({
      records: fc.array(record, { maxLength: maxRecords }),
      before: others,
      after: others,
      indent: fc.constantFrom(undefined, 0, 1, 2, '\t', '\r\n'),
      leading: fc.constantFrom('', ' ', '\n\t '),
      bare: fc.boolean(),
    })
    .map(({ records, before, after, indent, leading, bare }) => {
      const body = bare ? records : { ...before, Records: records, ...after };
      const text = Buffer.from(leading + JSON.stringify(body, null, indent as string | number | undefined), 'utf8');
      // What JSON.parse makes of the text is the reference, not the objects it came from.
      const parsed = JSON.parse(text.toString('utf8')) as unknown[] | { Records: unknown[] };
      return { text, records: Array.isArray(parsed) ? parsed : parsed.Records, bare };
    });
const documentArb = documentOf(6);

interface Delivery {
  gzip: boolean;
  /** Stream gzip through zlib instead of inflating small objects whole. */
  streamed: boolean;
  /** Cut points of the plain text into separately gzipped members. */
  members: number[];
  /** Cut points of the delivered bytes into chunks (as fractions of the length). */
  cuts: number[];
  byteByByte: boolean;
}

const deliveryArb: fc.Arbitrary<Delivery> = fc.record({
  gzip: fc.boolean(),
  streamed: fc.boolean(),
  members: fc.array(fc.nat(), { maxLength: 3 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
  // One byte per chunk is thorough but slow; one run in six is enough beside the random cuts.
  byteByByte: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 5, arbitrary: fc.constant(false) }),
});

function deliver(text: Buffer, delivery: Delivery): Uint8Array[] {
  let bytes: Buffer = text;
  if (delivery.gzip) {
    const members = splitAt(text, delivery.members.map((n) => n % (text.length + 1)));
    bytes = Buffer.concat(members.map((member) => gzipSync(member)));
  }
  if (delivery.byteByByte) return splitAt(bytes, Array.from({ length: bytes.length }, (_, i) => i));
  return splitAt(
    bytes,
    delivery.cuts.map((f) => Math.floor(f * bytes.length)),
  );
}

const readerOptions = (delivery: Delivery, acceptBareArray: boolean) => ({ acceptBareArray, ...(delivery.streamed && { inMemoryGzipBytes: 0 }) });

const same = (actual: unknown, expected: unknown): void => expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

/** What a whole-document JSON.parse accepts as a log file: the reference for corrupted input. */
function reference(bytes: Buffer, acceptBareArray: boolean): { ok: true; records: unknown[] } | { ok: false } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false };
  }
  const list = Array.isArray(value)
    ? acceptBareArray
      ? value
      : undefined
    : typeof value === 'object' && value !== null
      ? (value as { Records?: unknown }).Records
      : undefined;
  if (!Array.isArray(list)) return { ok: false };
  const objects = list.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item));
  return objects ? { ok: true, records: list } : { ok: false };
}

describe('Function: readRecordBatches (properties)', () => {
  it('yields exactly what JSON.parse gives, whatever the chunking and compression', async () => {
    await fc.assert(
      fc.asyncProperty(documentArb, deliveryArb, async (doc, delivery) => {
        // Act
        const records = await readAll(deliver(doc.text, delivery), readerOptions(delivery, doc.bare));

        // Assess
        same(records, doc.records);
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('fails on every strict prefix of a document', async () => {
    await fc.assert(
      fc.asyncProperty(documentOf(2), async (doc) => {
        for (let length = 0; length < doc.text.length; length++) {
          // Act
          const error = await rejection(readAll([doc.text.subarray(0, length)], { acceptBareArray: doc.bare }));

          // Assess
          expect(error).toBeInstanceOf(MalformedLogFileError);
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('fails on every cut of the gzip stream, delivered in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(documentArb, deliveryArb, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), async (doc, delivery, at) => {
        // Prepare
        const gzipped = Buffer.concat(deliver(doc.text, { ...delivery, gzip: true, byteByByte: false }));
        const cut = gzipped.subarray(0, Math.floor(at * gzipped.length));

        // Act
        const chunks = splitAt(cut, delivery.cuts.map((f) => Math.floor(f * cut.length)));
        const error = await rejection(readAll(chunks, readerOptions(delivery, doc.bare)));

        // Assess
        expect(error).toBeInstanceOf(MalformedLogFileError);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  it('never returns different records from corrupted gzip', async () => {
    let failed = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(documentArb, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (doc, position, flip, streamed) => {
        // Prepare
        const gzipped = Buffer.from(gzipSync(doc.text));
        gzipped[position % gzipped.length]! ^= flip;
        runs += 1;

        // Act
        let records: unknown[] | undefined;
        try {
          records = await readAll([gzipped], { acceptBareArray: doc.bare, ...(streamed && { inMemoryGzipBytes: 0 }) });
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedLogFileError);
          failed += 1;
          return;
        }

        // Assess: gzip does not check a few header bytes (mtime, flags, OS) or the
        // padding bits of the last deflate byte; flipping those changes nothing.
        same(records, doc.records);
      }),
      { numRuns: 2000 },
    );
    expect(failed / runs).toBeGreaterThan(0.8);
  }, 120_000);

  it('accepts a corrupted plain document exactly when JSON.parse would, with the same records', async () => {
    // JSON's own characters are the likeliest to turn a valid document into a subtly invalid one.
    const byteArb = fc.oneof(fc.constantFrom(...Buffer.from('{}[]":,; \\n0e-tu')), fc.nat({ max: 255 }));
    const editArb = fc.constantFrom('replace', 'delete', 'insert');
    await fc.assert(
      fc.asyncProperty(documentArb, editArb, fc.nat(), byteArb, deliveryArb, async (doc, edit, position, byte, delivery) => {
        // Prepare
        const at = position % (doc.text.length + 1);
        const corrupted =
          edit === 'insert'
            ? Buffer.concat([doc.text.subarray(0, at), Buffer.from([byte]), doc.text.subarray(at)])
            : edit === 'delete'
              ? Buffer.concat([doc.text.subarray(0, at), doc.text.subarray(at + 1)])
              : Buffer.from(doc.text);
        if (edit === 'replace' && at < corrupted.length) corrupted[at] = byte;
        const expected = reference(corrupted, doc.bare);

        // Act
        const outcome = await readAll(deliver(corrupted, { ...delivery, gzip: false }), { acceptBareArray: doc.bare }).then(
          (records) => ({ ok: true as const, records }),
          (error: unknown) => {
            expect(error).toBeInstanceOf(MalformedLogFileError);
            return { ok: false as const };
          },
        );

        // Assess
        expect(outcome.ok).toBe(expected.ok);
        if (outcome.ok && expected.ok) same(outcome.records, expected.records);
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('reads a document cut in two at every byte: inside escapes, multi-byte characters and keys', async () => {
    // Prepare
    const text = Buffer.from(
      JSON.stringify({ x: 'a\\"b', Records: [{ 'k"\\': 'é日😀\\\\"', n: [1, { m: '\u0000\n' }] }, { e: '' }], y: [true, null, -1.5e-7] }),
      'utf8',
    );
    const expected = (JSON.parse(text.toString('utf8')) as { Records: unknown[] }).Records;
    const gzipped = gzipSync(text);

    for (let cut = 0; cut <= text.length; cut++) {
      // Act
      const plain = await readAll(splitAt(text, [cut]));

      // Assess
      same(plain, expected);
    }
    for (let cut = 0; cut <= gzipped.length; cut++) {
      same(await readAll(splitAt(gzipped, [cut])), expected);
      same(await readAll(splitAt(gzipped, [cut]), { inMemoryGzipBytes: 0 }), expected);
    }
  });
});
