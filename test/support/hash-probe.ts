/**
 * Child process of the log-hash memory test: hashes one log file the way validation does
 * (`logFileSha256`, streaming) and prints one JSON line with the hash, the time and the
 * peak resident set size.
 *
 *   node --max-old-space-size=64 --import tsx test/support/hash-probe.ts <log path>
 */
import { createReadStream } from 'node:fs';
import { logFileSha256 } from '../../lib/integrity/log-hash.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: hash-probe.ts <log path>');
const started = performance.now();
const sha256 = await logFileSha256(createReadStream(path), { maxDecompressedBytes: 4 * 1024 ** 3 });
const durationMs = Math.round(performance.now() - started);
// maxRSS is in KiB.
console.log(JSON.stringify({ sha256, durationMs, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
