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
import { toS3Notification } from './s3rver-events.js';
import type { S3Notification, S3rverChildMessage, S3rverParentMessage } from './s3rver-events.js';

const send = (message: S3rverChildMessage): void => {
  process.send?.(message);
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
