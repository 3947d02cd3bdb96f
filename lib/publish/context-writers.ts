/**
 * Writers of insight context sidecars (`context-file.ts`): one for a local directory (the
 * CLI's `--out DIR`), one for the trail bucket. Same keys and bytes in both. A context is
 * rewritten in place as an insight goes from Start to End, so a write is a plain
 * overwrite and a retry is harmless.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { InsightContext } from '../insights/context.js';
import { settleBounded } from '../async/bounded.js';
import { contextFileBody, contextKeyOf } from './context-file.js';
import { DirectoryWriter } from './directory-writer.js';
import { InsightWriteError } from './errors.js';
import { INSIGHT_FILE_CONTENT_ENCODING, INSIGHT_FILE_CONTENT_TYPE } from './insight-file.js';
import { writeFailure } from './write-failure.js';

/** Keeps insight contexts beside the insights. */
export interface ContextWriter {
  /** Writes every context or throws `InsightWriteError` listing the ones that failed (by sharedEventID). */
  write(contexts: readonly InsightContext[]): Promise<void>;
}

function failIfAny(failures: { item: InsightContext; error: unknown }[], container: string, prefix: string): void {
  if (failures.length === 0) return;
  throw new InsightWriteError(
    failures.map(({ item, error }) => writeFailure(item.sharedEventID, container, contextKeyOf(item, prefix), error)),
    { cause: failures[0]?.error },
  );
}

/**
 * Contexts under a local directory that stands for the bucket.
 * @example await new DirectoryContextWriter({ root: 'out' }).write([context])
 */
export class DirectoryContextWriter implements ContextWriter {
  private readonly files: DirectoryWriter;
  private readonly prefix: string;

  constructor(options: { root: string; prefix?: string }) {
    // The Insights directory writer owns the path rules (no key may leave the root).
    this.files = new DirectoryWriter({ root: options.root });
    this.prefix = options.prefix ?? '';
  }

  async write(contexts: readonly InsightContext[]): Promise<void> {
    const failures = await settleBounded(contexts, 4, async (context) => {
      const path = this.files.pathFor(contextKeyOf(context, this.prefix));
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temp, contextFileBody(context));
      await rename(temp, path);
    });
    failIfAny(failures, this.files.root, this.prefix);
  }
}

export interface S3ContextWriterOptions {
  client: S3Client;
  bucket: string;
  /** The trail's key prefix (before `AWSLogs/`), '' for none. */
  prefix?: string;
  kmsKeyId?: string;
  expectedBucketOwner?: string;
}

/**
 * Contexts in the trail bucket, encrypted and owner-checked like the Insights files.
 * @example await new S3ContextWriter({ client, bucket: 'trail-bucket' }).write([context])
 */
export class S3ContextWriter implements ContextWriter {
  constructor(private readonly options: S3ContextWriterOptions) {}

  async write(contexts: readonly InsightContext[]): Promise<void> {
    const { client, bucket, prefix = '', kmsKeyId, expectedBucketOwner } = this.options;
    const failures = await settleBounded(contexts, 8, async (context) => {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: contextKeyOf(context, prefix),
          Body: contextFileBody(context),
          ContentType: INSIGHT_FILE_CONTENT_TYPE,
          ContentEncoding: INSIGHT_FILE_CONTENT_ENCODING,
          ...(kmsKeyId !== undefined && { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }),
          ...(expectedBucketOwner !== undefined && { ExpectedBucketOwner: expectedBucketOwner }),
        }),
      );
    });
    failIfAny(failures, bucket, prefix);
  }
}
