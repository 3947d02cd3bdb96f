/**
 * Where past insights are read from: a trail bucket (`s3://bucket[/prefix]`) or a local
 * directory (an archive copy, or a replay's `--out DIR`). Both hold the AWS layout,
 *
 *     [prefix/]AWSLogs/[o-org/]<account>/CloudTrail-Insight/<region>/YYYY/MM/DD/<file>.json.gz
 *
 * written by AWS's own Insights or by this engine alike, and the context sidecars under
 * `[prefix/]trail-insights/context/` (`lib/publish/context-file.ts`).
 */
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { minuteToDatePath, type Minute } from '../time/minute.js';

/** An Insights file found in an archive, before it is read. */
export interface ArchiveFile {
  /** Key relative to the archive root (S3 key, or path with `/` separators). */
  key: string;
  /** Its path or `s3://` URL, for messages. */
  name: string;
}

/** What a listing can skip: the regions and days outside a query. */
export interface ListHint {
  regions?: readonly string[];
  /** Insights that started before this minute are not wanted (files are dated by event or delivery time). */
  since?: Minute;
}

export interface InsightArchive {
  /** `s3://bucket/prefix` or the directory, for messages. */
  readonly name: string;
  /** Every candidate Insights file, in key order. */
  listInsightFiles(hint?: ListHint): AsyncIterable<ArchiveFile>;
  open(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** The bytes at a key, or `undefined` when there is no such object. */
  readOptional(key: string): Promise<Uint8Array | undefined>;
  /** The trail prefix (before `AWSLogs/`) that sidecar keys are built under. */
  readonly prefix: string;
}

/** A directory or bucket that does not exist. */
export class ArchiveNotFoundError extends Error {
  constructor(readonly archive: string) {
    super(`no such directory or bucket: ${archive}`);
    this.name = 'ArchiveNotFoundError';
  }
}

const INSIGHT_FOLDER = /(^|\/)AWSLogs\/(o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail-Insight\//;
const JSON_FILE = /\.json(\.gz)?$/;
/** Folders of a trail that never hold Insights: reading their thousands of files would be wasted. */
const NOT_INSIGHTS = /(^|\/)(CloudTrail|CloudTrail-Digest|trail-insights)\//;
/** The Start of an insight may be this long before the files of its End (maxInsightMinutes is at most a day) plus delivery. */
const SINCE_SLACK_MINUTES = 2 * 1440;

/** Is this key an Insights file of the AWS layout? */
export const isInsightKey = (key: string): boolean => INSIGHT_FOLDER.test(key) && JSON_FILE.test(key);

/**
 * A local directory. Files in the AWS layout are read; so are loose `.json`/`.json.gz`
 * files outside the trail's log folders (exported or hand-collected Insights, such as
 * AWS's published examples), which the reader skips, with a reason, when they hold
 * anything but Insights records.
 */
export class DirectoryArchive implements InsightArchive {
  readonly name: string;
  readonly prefix = '';
  private readonly root: string;

  constructor(root: string) {
    this.name = root;
    this.root = resolve(root);
  }

  async *listInsightFiles(): AsyncIterable<ArchiveFile> {
    const info = await stat(this.root).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) throw new ArchiveNotFoundError(this.name);
    const keys = (await walk(this.root)).map((path) => relative(this.root, path).split(sep).join('/')).sort();
    for (const key of keys) {
      if (!JSON_FILE.test(key)) continue;
      if (!isInsightKey(key) && NOT_INSIGHTS.test(key)) continue;
      yield { key, name: join(this.name, ...key.split('/')) };
    }
  }

  async open(key: string): Promise<AsyncIterable<Uint8Array>> {
    return createReadStream(join(this.root, ...key.split('/')));
  }

  async readOptional(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.root, ...key.split('/')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
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

/**
 * A trail bucket. A bucket holds millions of log files beside a few Insights files, so
 * the listing never walks `CloudTrail/`: it lists `AWSLogs/` level by level (organization,
 * account, region) with a delimiter, then each region's `CloudTrail-Insight/` folder from
 * the date `since` asks for. A prefix that already points into `AWSLogs/` is listed as is.
 */
export class S3Archive implements InsightArchive {
  readonly name: string;
  readonly prefix: string;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    prefix: string,
  ) {
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.name = `s3://${bucket}/${prefix}`;
  }

  /** Parses `s3://bucket[/prefix]`. */
  static fromUrl(client: S3Client, url: string): S3Archive {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!match) throw new ArchiveNotFoundError(url);
    return new S3Archive(client, match[1]!, match[2] ?? '');
  }

  private async *keys(prefix: string, startAfter?: string): AsyncIterable<string> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix, ...(startAfter && { StartAfter: startAfter }) })) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined && (object.Size ?? 1) > 0) yield object.Key;
    }
  }

  private async folders(prefix: string): Promise<string[]> {
    const found: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix, Delimiter: '/' })) {
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) found.push(common.Prefix);
    }
    return found;
  }

  async *listInsightFiles(hint: ListHint = {}): AsyncIterable<ArchiveFile> {
    const file = (key: string): ArchiveFile => ({ key, name: `s3://${this.bucket}/${key}` });
    if (/(^|\/)AWSLogs\//.test(this.prefix)) {
      for await (const key of this.keys(this.prefix)) if (isInsightKey(key)) yield file(key);
      return;
    }
    const accounts: string[] = [];
    for (const folder of await this.folders(`${this.prefix}AWSLogs/`)) {
      const child = folder.slice(0, -1).split('/').at(-1)!;
      if (/^o-[a-z0-9]{10,32}$/.test(child)) accounts.push(...(await this.folders(folder)).filter((f) => /\/\d{12}\/$/.test(f)));
      else if (/^\d{12}$/.test(child)) accounts.push(folder);
    }
    for (const account of accounts) {
      for (const region of await this.folders(`${account}CloudTrail-Insight/`)) {
        const name = region.slice(0, -1).split('/').at(-1)!;
        if (hint.regions !== undefined && !hint.regions.includes(name)) continue;
        // Date folders sort as text: start just before the first day that can hold a wanted file.
        const startAfter = hint.since === undefined ? undefined : `${region}${minuteToDatePath(hint.since - SINCE_SLACK_MINUTES)}`;
        for await (const key of this.keys(region, startAfter)) if (isInsightKey(key)) yield file(key);
      }
    }
  }

  async open(key: string): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return response.Body as Readable;
  }

  async readOptional(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await response.Body!.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
