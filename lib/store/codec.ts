import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * The compact binary form of every structured value the store keeps (contributions,
 * rollups, baselines, insight states): canonical JSON, then Brotli at quality 6.
 *
 * Why (numbers and command in docs/dynamodb-layout.md, "Codec"): DynamoDB bills a write
 * per started KB, and counts repeat the same ARNs, user agents and series names minute
 * after minute. On the 42 real Stratus files with counts, Brotli 6 stores 8% fewer bytes
 * than raw DEFLATE level 9 (2 WCU fewer of 56) and 21% fewer on a 150-series object, at
 * the same speed (~0.1 ms a file); Brotli's default quality 11 is 6% smaller again but
 * ~85x slower. Brotli adds no header or checksum: DynamoDB already checks integrity.
 *
 * Encoding is deterministic — the same value gives the same bytes, whatever the order
 * its object keys were built in — because object keys are written sorted. An item written
 * twice is then byte-identical, and tests can compare encodings.
 */

const QUALITY = 6;

/** Refuses to decompress beyond this: a corrupt or hostile item must not exhaust memory. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export class CodecError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

export function encode(value: unknown): Uint8Array {
  const json = Buffer.from(canonicalJson(value), 'utf8');
  return brotliCompressSync(json, {
    params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: json.byteLength },
  });
}

export function decode<T>(bytes: Uint8Array): T {
  let text: string;
  try {
    text = brotliDecompressSync(bytes, { maxOutputLength: MAX_DECODED_BYTES }).toString('utf8');
  } catch (error) {
    throw new CodecError(`cannot decompress ${bytes.byteLength} bytes: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CodecError(`decompressed bytes are not JSON: ${(error as Error).message}`);
  }
}

/**
 * `JSON.stringify` with object keys sorted, so equal values have one spelling. Refuses
 * what JSON would silently turn into `null` (NaN, Infinity, functions...): a count that
 * became NaN is a bug to surface, not a zero to store.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, '$');
  return parts.join('');
}

function write(value: unknown, out: string[], path: string): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CodecError(`not a finite number at ${path}: ${value}`, path);
      out.push(String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item: unknown, i) => {
          if (i > 0) out.push(',');
          if (item === undefined) throw new CodecError(`undefined array element at ${path}[${i}]`, path);
          write(item, out, `${path}[${i}]`);
        });
        out.push(']');
        return;
      }
      {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record)
          .filter((key) => record[key] !== undefined)
          .sort();
        out.push('{');
        keys.forEach((key, i) => {
          if (i > 0) out.push(',');
          out.push(JSON.stringify(key), ':');
          write(record[key], out, `${path}.${key}`);
        });
        out.push('}');
      }
      return;
    default:
      throw new CodecError(`cannot encode a ${typeof value} at ${path}`, path);
  }
}
