'use strict';
// osls variable resolver (`${file(./infra/detector-config.cjs)}`): turns the detectorConfig
// (inline JSON) or detectorConfigFile (path to a JSON file) param into the one-line JSON
// string TRAIL_INSIGHTS_CONFIG carries, or '' when neither is set. The config is checked
// with the engine's own parser (lib/config/detector-config.ts, through tsx), so a typo
// fails `osls deploy` on the operator's machine with the message the Lambda would log,
// instead of failing every cold start after the deploy.
// CommonJS (.cjs) because osls loads resolver files with require().
const { readFileSync } = require('node:fs');
const path = require('node:path');

// Lambda allows 4 KB of environment variables in total; the other variables need ~1 KB.
const MAX_CONFIG_BYTES = 3072;

async function parseWithEngine(text, source) {
  // Through import(): tsx's CommonJS entry cannot register its ESM loader from here.
  const { tsImport } = await import('tsx/esm/api');
  const { parseDetectorConfigText } = await tsImport(path.join(__dirname, '..', 'lib', 'config', 'detector-config.ts'), __filename);
  parseDetectorConfigText(text, source);
}

async function detectorConfigParam({ resolveVariable }) {
  const inline = (await resolveVariable('param:detectorConfig')) || '';
  const file = (await resolveVariable('param:detectorConfigFile')) || '';
  if (inline && file) {
    throw new Error('Set either the detectorConfig or the detectorConfigFile param, not both');
  }
  if (!inline && !file) return '';
  const source = file ? `detectorConfigFile ${file}` : 'detectorConfig';
  const text = file ? readFileSync(path.resolve(process.cwd(), file), 'utf8') : inline;
  await parseWithEngine(text, source);
  const json = JSON.stringify(JSON.parse(text));
  if (Buffer.byteLength(json) > MAX_CONFIG_BYTES) {
    throw new Error(`${source} is ${Buffer.byteLength(json)} bytes minified; at most ${MAX_CONFIG_BYTES} fit in the Lambda environment`);
  }
  return json;
}

module.exports = detectorConfigParam;
