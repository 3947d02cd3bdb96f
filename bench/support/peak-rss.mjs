// Preloaded into a measured process (`node --import ./bench/support/peak-rss.mjs ...`):
// at exit, writes the process's resource usage (peak RSS included, worker threads and
// all) to the file named by PEAK_RSS_OUT.
import { writeFileSync } from 'node:fs';

const out = process.env.PEAK_RSS_OUT;
if (out) process.on('exit', () => writeFileSync(out, JSON.stringify(process.resourceUsage())));
