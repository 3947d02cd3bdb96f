// The floor a replay is measured against: read, gunzipSync and JSON.parse every log file
// of a trail, one thread, nothing else. Prints {files, records, bytes, ms} as JSON.
//   node bench/support/decode-floor.mjs DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const files = [];
const walk = (directory) => {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/\.json\.gz$/.test(entry.name)) files.push(path);
  }
};
walk(process.argv[2]);
files.sort();
const started = performance.now();
let records = 0;
let bytes = 0;
for (const file of files) {
  const json = gunzipSync(readFileSync(file));
  bytes += json.length;
  records += JSON.parse(json.toString('utf8')).Records.length;
}
const ms = performance.now() - started;
console.log(JSON.stringify({ files: files.length, records, bytes, ms }));
