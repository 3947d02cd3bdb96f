#!/usr/bin/env node
import { main } from './main.js';

// Entry point of the `trail-insights` command (bundled to dist/trail-insights.mjs).
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
  env: process.env,
});
process.exitCode = code;
