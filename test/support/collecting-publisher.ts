import type { InsightRecord } from '../../lib/insights/record.js';
import type { PublishedInsight, Publisher } from '../../lib/publish/publisher.js';

/** Keeps every published insight in memory, in publish order: for tests and benchmarks. */
export class CollectingPublisher implements Publisher {
  private readonly collected: PublishedInsight[] = [];

  get insights(): readonly PublishedInsight[] {
    return this.collected;
  }

  get records(): InsightRecord[] {
    return this.collected.map((i) => i.record);
  }

  async publish(insights: readonly PublishedInsight[]): Promise<void> {
    this.collected.push(...insights);
  }

  clear(): void {
    this.collected.length = 0;
  }
}
