/**
 * Runs s3rver in its own Node process, started by local-aws with
 * `node --openssl-legacy-provider --import tsx s3rver-child.ts`.
 *
 * Why a process of its own: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with
 * single DES, which OpenSSL 3 (Node 17+) only offers through its legacy provider, and
 * Node can load that provider only from a start-up flag. Giving the flag to this one
 * process keeps it away from the test runner and from the code under test (no
 * `NODE_OPTIONS` for everyone, no monkey-patched `crypto`). It also keeps s3rver's disk
 * I/O off the test runner's event loop.
 *
 * Protocol (IPC, see s3rver-events.ts): sends `ready` with the port and its directory,
 * then one `event` per notification; exits on `stop` or when the parent goes away
 * (IPC disconnect), removing its directory in both cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';
import { toS3Notification } from './s3rver-events.js';
import type { S3Notification, S3rverChildMessage, S3rverParentMessage } from './s3rver-events.js';

const send = (message: S3rverChildMessage): void => {
  process.send?.(message);
};

// s3rver 3.7.1 prunes every directory beneath a would-be common prefix before it finds the
// objects in it, so a Delimiter listing returns no CommonPrefixes for keys nested more than
// one level below the prefix (S3 returns them). Listings with a delimiter are computed from
// the full listing instead, as S3 defines them.
const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const { delimiter, prefix = '', maxKeys = Number.POSITIVE_INFINITY } = options;
  if (!delimiter) return listObjects.call(this, bucket, options);
  const all = await listObjects.call(this, bucket, { ...options, delimiter: '', maxKeys: Number.POSITIVE_INFINITY });
  const commonPrefixes = new Set<string>();
  const objects = all.objects.filter((object) => {
    const at = object.key.indexOf(delimiter, prefix.length);
    if (at >= 0) commonPrefixes.add(object.key.slice(0, at + delimiter.length));
    return at < 0;
  });
  return { objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys };
};

const directory = mkdtempSync(join(tmpdir(), 'trail-insights-s3rver-'));
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  // Path-style only: the engine's S3 client is configured with S3_FORCE_PATH_STYLE.
  vhostBuckets: false,
});

server.on('event', (event: S3Notification) => {
  const notification = toS3Notification(event);
  const record = event.Records[0];
  if (!record) return;
  send({ type: 'event', bucket: record.s3.bucket.name, key: record.s3.object.key, notification });
});

let stopping = false;
const stop = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  // Node closes idle keep-alive sockets on close; a busy one must not hold the exit up.
  await Promise.race([server.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
  rmSync(directory, { recursive: true, force: true });
  process.exit(code);
};

process.on('message', (message: S3rverParentMessage) => {
  if (message.type === 'stop') void stop(0);
});
// The parent died or closed the channel: nobody can use this server any more.
process.on('disconnect', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

try {
  const address = await server.run();
  send({ type: 'ready', port: address.port, directory });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  await stop(1);
}
