import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { destroyWhenAbandoned } from '../s3/body.js';

/** Where log objects are read from: S3 in Lambda, the filesystem in the CLI. */
export interface ObjectSource {
  /** The object's bytes as a stream. The caller reads it to the end or the stream is destroyed. */
  open(bucket: string, key: string, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
}

/** The object was deleted (or never existed) by the time it was read: nothing to count. */
export class ObjectGoneError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`s3://${bucket}/${key} no longer exists`);
    this.name = 'ObjectGoneError';
  }
}

export class S3ObjectSource implements ObjectSource {
  constructor(
    private readonly client: S3Client,
    private readonly expectedBucketOwner?: string,
  ) {}

  async open(bucket: string, key: string, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(this.expectedBucketOwner && { ExpectedBucketOwner: this.expectedBucketOwner }),
        }),
        signal ? { abortSignal: signal } : {},
      );
      return destroyWhenAbandoned(response.Body as Readable);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') throw new ObjectGoneError(bucket, key);
      throw error;
    }
  }
}
