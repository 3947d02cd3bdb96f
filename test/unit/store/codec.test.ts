import { brotliCompressSync, constants } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, MAX_DECODED_BYTES, canonicalJson, decode, encode } from '../../../lib/store/codec.js';
import { contributionsOf, readRecords, stratusFiles } from '../../contract/real-contributions.js';

/** Rebuilds every object with its keys in reverse order: same value, other spelling. */
const reversedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  }
  return value;
};

describe('Function: encode / decode', () => {
  it('round-trips any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON itself writes -0 as 0; that is the only normalisation.
        expect(decode(encode(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same bytes for the same value whatever its key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(Buffer.from(encode(reversedKeys(value)))).toEqual(Buffer.from(encode(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips real contributions and shrinks them several-fold', () => {
    for (const file of stratusFiles()) {
      for (const c of contributionsOf(file, readRecords(file))) {
        const bytes = encode(c.series);
        expect(decode(bytes)).toEqual(c.series);
        // Measured 1.4x (a 2-series file) to 16x, 11x overall (docs/dynamodb-layout.md); 3x on 5+ series leaves room.
        if (c.series.length >= 5) expect(bytes.byteLength * 3).toBeLessThan(canonicalJson(c.series).length);
      }
    }
  });

  it('refuses values JSON would silently turn into null', () => {
    const testCases: Array<{ value: unknown; path: string }> = [
      { value: { a: [1, Number.NaN] }, path: '$.a[1]' },
      { value: { b: Number.POSITIVE_INFINITY }, path: '$.b' },
      { value: [undefined], path: '$' },
      { value: { f: () => 1 }, path: '$.f' },
      { value: { n: 10n }, path: '$.n' },
    ];
    for (const { value, path } of testCases) {
      expect(() => encode(value)).toThrow(CodecError);
      expect(() => encode(value)).toThrow(expect.objectContaining({ name: 'CodecError', path }));
    }
  });

  it('drops undefined properties as JSON does', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: { z: null, y: 'x' } })).toBe('{"b":1,"c":{"y":"x","z":null}}');
  });

  it('refuses bytes that are not its encoding', () => {
    expect(() => decode(new Uint8Array([1, 2, 3, 4]))).toThrow(CodecError);
    expect(() => decode(brotliCompressSync(Buffer.from('{"a":')))).toThrow(/not JSON/);
  });

  it('refuses to inflate past its cap (a decompression bomb)', () => {
    const bomb = brotliCompressSync(Buffer.alloc(MAX_DECODED_BYTES + 1, 0x20), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(bomb.byteLength).toBeLessThan(MAX_DECODED_BYTES / 500);
    expect(() => decode(bomb)).toThrow(CodecError);
  });
});
