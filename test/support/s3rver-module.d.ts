/**
 * The part of s3rver 3.7.1's API the local stack uses (the package ships no types).
 * See node_modules/s3rver/lib/s3rver.js.
 */
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    reset(): void;
  }

  export default S3rver;
}

/** s3rver 3.7.1's filesystem store (node_modules/s3rver/lib/stores/filesystem.js), patched in s3rver-child.ts. */
declare module 's3rver/lib/stores/filesystem.js' {
  interface ListOptions {
    delimiter?: string;
    startAfter?: string;
    prefix?: string;
    maxKeys?: number;
  }
  interface ListResult {
    objects: Array<{ key: string }>;
    commonPrefixes: string[];
    isTruncated: boolean;
  }
  class FilesystemStore {
    listObjects(bucket: string, options: ListOptions): Promise<ListResult>;
  }
  export default FilesystemStore;
}
