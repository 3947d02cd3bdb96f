'use strict';
// osls variable resolver for what serverless.yml cannot check by itself
// (`${file(./infra/params.cjs):trailBucket}`, `:region`): it runs while osls resolves the
// configuration, before anything is built or deployed, so a mistake stops the command
// with a message naming the param or option to fix instead of osls's bare "Value not
// found at param source", a CloudFormation error after the deployment bucket exists, or
// a stack that deploys but receives nothing.
//
// - Every --param name must be one serverless.yml knows (a typo like pagingEmial would
//   otherwise be ignored silently), and every value must pass its CloudFormation
//   parameter's AllowedPattern / AllowedValues (infra/parameters.yml, the single source).
// - trailBucket is required, except for commands that never build a template (remove,
//   info, logs, ...: tearing a stack down must not need the bucket it was deployed with).
// - The region must be given (--region, or AWS_REGION / AWS_DEFAULT_REGION): osls would
//   otherwise default to us-east-1, and a `remove` would miss a stack deployed elsewhere.
// CommonJS (.cjs) because osls loads resolver files with require().
const { readFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
/** Commands that build a CloudFormation template from the params. */
const BUILDING_COMMANDS = new Set(['deploy', 'package', 'print']);
/** Commands that need no region: nothing is sent to AWS. */
const OFFLINE_COMMANDS = new Set(['package', 'print']);
/** Params read by resolvers rather than declared with a default under `params.default`. */
const RESOLVED_PARAMS = ['trailBucket'];

/** The osls command being run (`remove`, `deploy function`, ...): the words before the first option. */
function commandOf(argv = process.argv.slice(2)) {
  const words = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words.join(' ');
}

/** `--param` values as osls received them: `name=value` strings. */
function givenParams(options) {
  const raw = options && options.param;
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((entry) => {
    const at = String(entry).indexOf('=');
    return at < 0 ? { name: String(entry), value: '' } : { name: String(entry).slice(0, at), value: String(entry).slice(at + 1) };
  });
}

/** The CloudFormation constraints of each osls param, from infra/parameters.yml. */
function constraintsByParam() {
  const { parse } = require('yaml');
  const { Parameters } = parse(readFileSync(path.join(ROOT, 'infra', 'parameters.yml'), 'utf8'), { logLevel: 'error' });
  const byParam = {};
  for (const [cfnName, definition] of Object.entries(Parameters)) {
    const match = /^\$\{(?:param:(\w+)|file\(\.\/infra\/params\.cjs\):(\w+))\}$/.exec(String(definition.Default));
    if (match) byParam[match[1] || match[2]] = { cfnName, ...definition };
  }
  return byParam;
}

/** Why `value` breaks the parameter's constraints, or undefined. */
function problemWith(name, value, constraint) {
  if (!constraint) return undefined;
  if (constraint.AllowedValues && !constraint.AllowedValues.map(String).includes(value)) {
    return `--param="${name}=${value}" is not one of ${constraint.AllowedValues.join(', ')}`;
  }
  if (constraint.AllowedPattern && !new RegExp(`^(?:${constraint.AllowedPattern})$`).test(value)) {
    return `--param="${name}=${value}" is not valid: ${constraint.Description} (pattern ${constraint.AllowedPattern})`;
  }
  if (constraint.MaxLength !== undefined && value.length > constraint.MaxLength) {
    return `--param ${name} is ${value.length} characters, at most ${constraint.MaxLength} fit`;
  }
  return undefined;
}

/** A close known name, for "did you mean". */
function nearest(name, known) {
  const distance = (a, b) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  const [best] = known.map((candidate) => ({ candidate, d: distance(name, candidate) })).sort((x, y) => x.d - y.d);
  return best && best.d <= 3 ? best.candidate : undefined;
}

/**
 * An error osls prints as its message alone: it embeds `error.stack` in its own message,
 * and a stack trace under "add --region" only hides the advice.
 */
function paramError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** `insightDetails.eventSource` of group insights (lib/series/series.ts GROUP_EVENT_SOURCE). */
const GROUP_EVENT_SOURCE = 'trail-insights.group';

const param = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}, null`);
  return value === null || value === undefined ? '' : String(value);
};

async function resolveParams({ resolveVariable, resolveConfigurationProperty, options = {} }, command = commandOf()) {
  const declared = resolveConfigurationProperty ? Object.keys((await resolveConfigurationProperty(['params', 'default'])) || {}) : [];
  const known = [...new Set([...declared, ...RESOLVED_PARAMS])];
  const problems = [];
  for (const { name } of givenParams(options)) {
    if (known.length > RESOLVED_PARAMS.length && !known.includes(name)) {
      const guess = nearest(name, known);
      problems.push(`Unknown param ${name}${guess ? ` (did you mean ${guess}?)` : ''}; known params: ${known.sort().join(', ')}`);
    }
  }
  const building = BUILDING_COMMANDS.has(command.split(' ')[0]);
  const constraints = constraintsByParam();
  const values = {};
  for (const name of known) values[name] = await param(resolveVariable, name);
  if (building) {
    for (const [name, value] of Object.entries(values)) {
      const problem = problemWith(name, value, constraints[name]);
      if (problem && !(name === 'trailBucket' && value === '')) problems.push(problem);
    }
    if (!values.trailBucket) {
      problems.push(
        'Missing required param trailBucket (the existing S3 bucket your CloudTrail trail delivers to): ' +
          'add --param="trailBucket=<bucket name>" (docs/deploy.md)',
      );
    }
    const { bucketWiring = '', trailTopicArn = '' } = values;
    if (bucketWiring === 'sns' && !trailTopicArn) {
      problems.push('bucketWiring=sns needs the topic the trail bucket notifies: add --param="trailTopicArn=<topic ARN>" (docs/deploy.md)');
    }
    if (bucketWiring !== 'sns' && trailTopicArn) problems.push(`trailTopicArn is only used with bucketWiring=sns (bucketWiring is ${bucketWiring})`);
  }
  if (problems.length > 0) throw paramError(problems.join('\n'));
  // pagingEventSources split for the two paging rules (infra/paging.yml): per-API sources,
  // and whether the group insights page ('' pages everything).
  const pagingEventSources = (await param(resolveVariable, 'pagingEventSources')).split(',').filter((source) => source !== '');
  const pagingApiSources = pagingEventSources.filter((source) => source !== GROUP_EVENT_SOURCE).join(',');
  const pagingGroups = String(pagingEventSources.length === 0 || pagingEventSources.includes(GROUP_EVENT_SOURCE));
  // A command that builds nothing still resolves the template's parameter defaults:
  // a placeholder that passes the bucket-name pattern keeps them valid.
  return { trailBucket: values.trailBucket || 'trail-bucket-not-needed', trailTopicArn: values.trailTopicArn || '', pagingApiSources, pagingGroups };
}

/** provider.region: --region, else AWS_REGION / AWS_DEFAULT_REGION, else an error for commands that reach AWS. */
function resolveRegion(options = {}, command = commandOf(), env = process.env) {
  const region = options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) return region;
  if (OFFLINE_COMMANDS.has(command.split(' ')[0]) || command === '') return 'us-east-1';
  throw paramError(
    `Missing region for "osls ${command}": add --region <the stack's region> (for example --region eu-west-1), ` +
      'or set AWS_REGION. osls would otherwise use us-east-1, whatever region the stack was deployed to.',
  );
}

module.exports = async (input) => ({
  ...(await resolveParams(input)),
  region: resolveRegion(input.options),
});
module.exports.resolveParams = resolveParams;
module.exports.resolveRegion = resolveRegion;
module.exports.commandOf = commandOf;
