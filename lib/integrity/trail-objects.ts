import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { destroyWhenAbandoned } from '../s3/body.js';

/** An object of a trail, opened. */
export interface TrailObject {
  body: AsyncIterable<Uint8Array>;
  /** `x-amz-meta-signature` (digests in S3 only). */
  signature?: string;
  /** `x-amz-meta-signature-algorithm`. */
  signatureAlgorithm?: string;
}

/**
 * Where a trail's objects are read from during validation: the bucket itself, or a copy
 * on disk. Keys are in the source's own key space: bucket keys for S3, paths relative to
 * the directory (with `/`) for a copy.
 */
export interface TrailObjects {
  /** `s3://bucket/prefix` or the directory, for messages. */
  readonly name: string;
  /** Whether objects carry S3 metadata, where digest signatures live. A synced copy has none. */
  readonly hasMetadata: boolean;
  /** Keys under `prefix` (relative to the source's root), in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  /** The object, or `undefined` when it does not exist. `bucket` matters for S3 only. */
  open(bucket: string, key: string, signal?: AbortSignal): Promise<TrailObject | undefined>;
  /** How a key is shown: `s3://bucket/key` or a path. */
  where(bucket: string, key: string): string;
}

/**
 * Reads a trail in S3 (the standard credential chain; `AWS_ENDPOINT_URL_S3` honoured).
 *
 * @example
 * ```ts
 * const objects = new S3TrailObjects(new S3Client({}), 'aws-cloudtrail-logs-111122223333-1a2b3c4d');
 * const digest = await objects.open(objects.bucket, digestKey); // { body, signature, signatureAlgorithm }
 * ```
 */
export class S3TrailObjects implements TrailObjects {
  readonly hasMetadata = true;
  readonly name: string;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix = '',
    private readonly expectedBucketOwner?: string,
  ) {
    this.name = `s3://${bucket}/${prefix}`;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: prefix, ...(this.expectedBucketOwner && { ExpectedBucketOwner: this.expectedBucketOwner }) },
    );
    for await (const page of pages) for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
  }

  async open(bucket: string, key: string, signal?: AbortSignal): Promise<TrailObject | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(this.expectedBucketOwner && { ExpectedBucketOwner: this.expectedBucketOwner }) }),
        signal ? { abortSignal: signal } : {},
      );
      const metadata = response.Metadata ?? {};
      return {
        body: destroyWhenAbandoned(response.Body as Readable),
        ...(metadata.signature !== undefined && { signature: metadata.signature }),
        ...(metadata['signature-algorithm'] !== undefined && { signatureAlgorithm: metadata['signature-algorithm'] }),
      };
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  where(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
  }
}

/**
 * Reads a copy of a trail on disk (`aws s3 sync` output): no metadata, so no digest signatures of their own.
 *
 * @example
 * ```ts
 * for await (const key of new DirectoryTrailObjects('./trail-copy').list('AWSLogs/')) console.log(key);
 * ```
 */
export class DirectoryTrailObjects implements TrailObjects {
  readonly hasMetadata = false;

  constructor(readonly name: string) {}

  async *list(prefix: string): AsyncIterable<string> {
    const start = join(this.name, ...prefix.split('/').filter(Boolean));
    const info = await stat(start).catch(() => undefined);
    if (!info?.isDirectory()) return;
    for (const path of await walk(start)) yield relative(this.name, path).split(sep).join('/');
  }

  async open(_bucket: string, key: string): Promise<TrailObject | undefined> {
    const path = join(this.name, ...key.split('/'));
    const info = await stat(path).catch(() => undefined);
    return info?.isFile() ? { body: createReadStream(path) } : undefined;
  }

  where(_bucket: string, key: string): string {
    return join(this.name, ...key.split('/'));
  }
}

async function walk(directory: string): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) paths.push(...(await walk(path)));
    else if (entry.isFile()) paths.push(path);
  }
  return paths;
}
