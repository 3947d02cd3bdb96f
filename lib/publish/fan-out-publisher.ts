import { PublishIncompleteError } from './errors.js';
import type { PublishedInsight, Publisher } from './publisher.js';

/**
 * Publishes to several publishers one after another, stopping at the first that throws.
 *
 * Give the file writer (S3 or directory) first and EventBridge last. Files are idempotent
 * (a retry overwrites the same keys) while every PutEvents makes new events. With files
 * first, EventBridge is called only once the files are all written, so an engine retry
 * after a file failure sends no events twice, and an alert never points at an Insights
 * file that is not there yet. The other order would resend every event whenever a file
 * write failed. When the last stage fails for some records only, a
 * `PublishIncompleteError` says which records were delivered everywhere.
 */
export class FanOutPublisher implements Publisher {
  constructor(private readonly publishers: readonly Publisher[]) {}

  async publish(insights: readonly PublishedInsight[]): Promise<void> {
    if (insights.length === 0) return;
    for (const [index, publisher] of this.publishers.entries()) {
      try {
        await publisher.publish(insights);
      } catch (error) {
        // Only a failure of the last stage can leave some records delivered everywhere.
        const failed = (error as { failedEventIDs?: unknown }).failedEventIDs;
        if (index < this.publishers.length - 1 || !Array.isArray(failed)) throw error;
        const failedIds = new Set(failed as string[]);
        const delivered = insights.map((insight) => insight.record.eventID).filter((id) => !failedIds.has(id));
        throw new PublishIncompleteError(delivered, [...failedIds], { cause: error });
      }
    }
  }
}
