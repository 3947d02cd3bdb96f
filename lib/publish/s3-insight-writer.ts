/**
 * Writes Insights records back into the trail bucket under `CloudTrail-Insight/`, one
 * record per object, where SIEMs that read AWS's own Insights files find them
 * (key layout and why one record per object: `insight-file.ts`).
 *
 * A retry overwrites the same keys with the same bytes, so this writer keeps no state and
 * does no retrying of its own beyond the SDK client's (which covers throttling, 5xx and
 * network faults); anything left fails the call and the engine's message retry redoes it.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { settleBounded } from '../async/bounded.js';
import { InsightWriteError, PublisherConfigError } from './errors.js';
import { planInsightFiles } from './file-plan.js';
import type { PlannedInsightFile } from './file-plan.js';
import { INSIGHT_FILE_CONTENT_ENCODING, INSIGHT_FILE_CONTENT_TYPE } from './insight-file.js';
import type { PublishedInsight, Publisher } from './publisher.js';
import { writeFailure } from './write-failure.js';

export interface S3InsightWriterOptions {
  client: S3Client;
  /** Encrypt with SSE-KMS under this key (id, ARN or alias), as the trail's own files may be. */
  kmsKeyId?: string;
  /** Refuse to write unless the bucket belongs to this account (guards against a re-created bucket name). */
  expectedBucketOwner?: string;
  /** PUTs in flight at once. Default 8: insights come a few at a time; this bounds a burst. */
  concurrency?: number;
}

export class S3InsightWriter implements Publisher {
  private readonly client: S3Client;
  private readonly kmsKeyId: string | undefined;
  private readonly expectedBucketOwner: string | undefined;
  private readonly concurrency: number;

  constructor(options: S3InsightWriterOptions) {
    const { kmsKeyId, expectedBucketOwner, concurrency = 8 } = options;
    if (kmsKeyId !== undefined && kmsKeyId.length === 0) {
      throw new PublisherConfigError('kmsKeyId is empty; leave it out to use the bucket default encryption', 'kmsKeyId', kmsKeyId);
    }
    if (expectedBucketOwner !== undefined && !/^\d{12}$/.test(expectedBucketOwner)) {
      throw new PublisherConfigError('expectedBucketOwner must be a 12-digit account id', 'expectedBucketOwner', expectedBucketOwner);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new PublisherConfigError('concurrency must be a positive integer', 'concurrency', concurrency);
    }
    this.client = options.client;
    this.kmsKeyId = kmsKeyId;
    this.expectedBucketOwner = expectedBucketOwner;
    this.concurrency = concurrency;
  }

  /** The PutObject request for one file. */
  putObjectInput(file: PlannedInsightFile): PutObjectCommandInput {
    const input: PutObjectCommandInput = {
      Bucket: file.bucket,
      Key: file.key,
      Body: file.body,
      ContentType: INSIGHT_FILE_CONTENT_TYPE,
      ContentEncoding: INSIGHT_FILE_CONTENT_ENCODING,
    };
    if (this.kmsKeyId !== undefined) {
      input.ServerSideEncryption = 'aws:kms';
      input.SSEKMSKeyId = this.kmsKeyId;
    }
    if (this.expectedBucketOwner !== undefined) input.ExpectedBucketOwner = this.expectedBucketOwner;
    return input;
  }

  async publish(insights: readonly PublishedInsight[]): Promise<void> {
    const files = planInsightFiles(insights);
    const failures = await settleBounded(files, this.concurrency, async (file) => {
      await this.client.send(new PutObjectCommand(this.putObjectInput(file)));
    });
    if (failures.length > 0) {
      throw new InsightWriteError(
        failures.map(({ item, error }) => writeFailure(item.eventID, item.bucket, item.key, error)),
        { cause: failures[0]?.error },
      );
    }
  }
}
