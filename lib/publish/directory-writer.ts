/**
 * Writes the same files as `S3InsightWriter` — same keys, same bytes — under a local
 * directory, for the CLI's `--out DIR`. The bucket is not part of the path: a local run
 * reads one trail, and `DIR` stands for its bucket.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { settleBounded } from '../async/bounded.js';
import { InsightWriteError, PublisherConfigError } from './errors.js';
import { planInsightFiles } from './file-plan.js';
import type { PublishedInsight, Publisher } from './publisher.js';
import { writeFailure } from './write-failure.js';

export interface DirectoryWriterOptions {
  root: string;
}

/** A key that would resolve outside the root (a `..` in a trail prefix, say). */
class PathEscapeError extends Error {
  constructor(readonly key: string) {
    super(`key ${JSON.stringify(key)} resolves outside the output directory`);
    this.name = 'PathEscapeError';
  }
}

export class DirectoryWriter implements Publisher {
  readonly root: string;

  constructor(options: DirectoryWriterOptions) {
    if (options.root.length === 0) throw new PublisherConfigError('root directory is empty', 'root', options.root);
    this.root = resolve(options.root);
  }

  /** Where a key is written under the root. */
  pathFor(key: string): string {
    const path = resolve(this.root, ...key.split('/'));
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new PathEscapeError(key);
    return path;
  }

  async publish(insights: readonly PublishedInsight[]): Promise<void> {
    const files = planInsightFiles(insights);
    const failures = await settleBounded(files, 4, async (file) => {
      const path = this.pathFor(file.key);
      await mkdir(dirname(path), { recursive: true });
      // Write aside, then rename: a reader never sees half a gzip stream.
      const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temp, file.body);
      await rename(temp, path);
    });
    if (failures.length > 0) {
      throw new InsightWriteError(
        failures.map(({ item, error }) => writeFailure(item.eventID, this.root, item.key, error)),
        { cause: failures[0]?.error },
      );
    }
  }
}
