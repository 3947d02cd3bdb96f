/**
 * Issue 14 part 2: every command README.md and docs/deploy.md tell a reader to run runs as
 * written, offline, so the documents cannot drift from the code. Commands are extracted
 * from fenced `sh` blocks and inline code spans (support/doc-commands.ts), shell variables
 * filled from the documents' own assignments, and each kind checked as far as it can be
 * without an AWS account:
 *
 * - `npx osls deploy ...`: the same options through `osls print`, which resolves the whole
 *   configuration (every param check in infra/params.cjs, the detector config file) and
 *   shows the region the stack would go to;
 * - `npx osls package ...` / `npm run package -- ...`: packaged for real, and the cfn-guard
 *   command the guide gives run on what it wrote;
 * - `npx osls remove ...`: run for real with every connection refused: it must get past the
 *   configuration to its first CloudFormation request, in the region written;
 * - `npm ...`: the script exists; `npx tsx FILE`, `npx vitest run PATH`: the file exists;
 * - `aws SERVICE OPERATION`: the operation exists in that service's SDK client;
 * - `trail-insights COMMAND ...`: the command exists and its usage lists every option and
 *   subcommand written (its behaviour is tested with the CLI's own tests);
 * - each `sh` block: valid shell (`bash -n`).
 *
 * A command of any other kind fails the test until it is given a check here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBounded } from '../../../lib/async/bounded.js';
import { COMMANDS } from '../../../lib/cli/main.js';
import { docCommands, shellWords, type DocCommand } from './support/doc-commands.js';
import { REPO_ROOT, runOsls, type OslsRun } from './support/package.js';

const DOCS = ['README.md', 'docs/deploy.md'];
const TIMEOUT_MS = 600_000;

type Documented = DocCommand & { doc: string };
const documented: Documented[] = DOCS.flatMap((doc) => docCommands(readFileSync(path.join(REPO_ROOT, doc), 'utf8')).map((c) => ({ ...c, doc })));
const where = (c: Documented) => `${c.doc}:${c.line}: ${c.text}`;

/** `NAME=value` lines of the documents (no command substitution): the values the reader is told to set. */
const VARS: Record<string, string> = Object.fromEntries(
  documented.flatMap((c) => {
    const match = /^([A-Z_]+)=([^$`\s]+)$/.exec(c.text);
    return match ? [[match[1]!, match[2]!]] : [];
  }),
);

/** The command a line runs: `X=$(command)` runs `command`. */
const commandOf = (text: string): string => /^[A-Z_]+=\$\((.*)\)$/.exec(text)?.[1] ?? text;

type Kind = 'osls' | 'npm' | 'tsx' | 'vitest' | 'aws' | 'trail-insights' | 'assignment' | 'shell' | 'cfn-guard';
function kindOf(text: string): Kind | undefined {
  const command = commandOf(text);
  if (/^npx osls /.test(command) || /^npm run (package|deploy) -- /.test(command)) return 'osls';
  if (/^npm (ci|test|start|run (-s )?[\w:-]+)$/.test(command) || /^npm ci && npm start$/.test(command)) return 'npm';
  if (/^npx tsx /.test(command)) return 'tsx';
  if (/^npx vitest run \S+$/.test(command)) return 'vitest';
  if (/^aws /.test(command)) return 'aws';
  if (/^trail-insights( |$)/.test(command)) return 'trail-insights';
  if (/^[A-Z_]+=[^$]+$/.test(command)) return 'assignment';
  if (/^(jq |\[ -s )/.test(command)) return 'shell';
  if (/^node_modules\/\S+\/cfn-guard validate /.test(command)) return 'cfn-guard';
  return undefined;
}
const ofKind = (kind: Kind) => documented.filter((c) => kindOf(c.text) === kind);

/** osls arguments of a documented command, `deploy` swapped for `print`. */
function oslsArgs(c: Documented): string[] {
  const words = shellWords(commandOf(c.text), VARS);
  const args = words[0] === 'npx' ? words.slice(2) : [words[2]!, ...words.slice(4)];
  return args[0] === 'deploy' ? ['print', ...args.slice(1)] : args;
}
const optionOf = (args: string[], name: string) => args[args.indexOf(name) + 1];

/** Config files a command names (`detectorConfigFile=x.json`), with the JSON the document shows above it. */
function filesFor(c: Documented): Record<string, string> {
  const file = /detectorConfigFile=([\w.-]+)/.exec(c.text)?.[1];
  return file && c.jsonAbove ? { [file]: c.jsonAbove } : {};
}

describe('Commands in README.md and docs/deploy.md, run as written (offline)', () => {
  const runs = new Map<Documented, OslsRun & { cleanup(): void }>();
  const oslsCommands = ofKind('osls');

  beforeAll(async () => {
    await forEachBounded(oslsCommands, 2, async (c) => {
      runs.set(c, await runOsls(oslsArgs(c), { files: filesFor(c) }));
    });
  }, TIMEOUT_MS);

  afterAll(() => {
    for (const run of runs.values()) run.cleanup();
  });

  it('finds the commands and knows how to check every one of them', () => {
    expect(ofKind('osls').length).toBeGreaterThanOrEqual(8);
    expect(documented.filter((c) => kindOf(c.text) === undefined).map(where)).toEqual([]);
  });

  it.each(DOCS)('%s: every sh block is valid shell', (doc) => {
    const blocks = new Set(documented.filter((c) => c.doc === doc && c.block !== undefined).map((c) => c.block!));
    for (const block of blocks) {
      const check = spawnSync('bash', ['-n'], { input: block, encoding: 'utf8' });
      expect(check.stderr, block).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it('npm: every script exists', () => {
    const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const named = ofKind('npm').flatMap((c) => [...c.text.matchAll(/npm (?:run (?:-s )?([\w:-]+)|(test|start))/g)].map((m) => ({ c, script: m[1] ?? m[2]! })));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter(({ script }) => scripts[script] === undefined).map(({ c, script }) => `${where(c)} (no script ${script})`)).toEqual([]);
  });

  it('npx tsx: every script file exists', () => {
    const missing = ofKind('tsx').filter((c) => !existsSync(path.join(REPO_ROOT, shellWords(commandOf(c.text))[2]!)));
    expect(missing.map(where)).toEqual([]);
  });

  it('npx vitest run PATH: every path holds tests', () => {
    const empty = ofKind('vitest').filter((c) => !existsSync(path.join(REPO_ROOT, shellWords(c.text)[3]!)));
    expect(ofKind('vitest').length).toBeGreaterThan(0);
    expect(empty.map(where)).toEqual([]);
  });

  it('trail-insights: every command exists and takes the options written', () => {
    const wrong = ofKind('trail-insights').flatMap((c) => {
      const [, name, ...args] = shellWords(commandOf(c.text), VARS);
      const command = COMMANDS.find((candidate) => candidate.name === name);
      if (command === undefined) return [`${where(c)} (no command ${name})`];
      const options = args.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0]!);
      const subcommand = name === 'insights' && args[0] !== undefined && !args[0].startsWith('-') ? [args[0]] : [];
      return [...options, ...subcommand].filter((word) => !new RegExp(`(^|[\\s|\\[])${word}\\b`).test(command.usage)).map((word) => `${where(c)} (${word})`);
    });
    expect(ofKind('trail-insights').length).toBeGreaterThan(3);
    expect(wrong).toEqual([]);
  });

  it('aws: every operation exists in its service', () => {
    const require = createRequire(import.meta.url);
    // The AWS CLI's high-level commands, by the API operation they send.
    const HIGH_LEVEL: Record<string, [string, string]> = {
      's3 cp': ['client-s3', 'PutObject'],
      's3 ls': ['client-s3', 'ListObjectsV2'],
      's3 rm': ['client-s3', 'DeleteObject'],
      'logs tail': ['client-cloudwatch-logs', 'FilterLogEvents'],
      's3 sync': ['client-s3', 'ListObjectsV2'],
      // aws-cli's own validator: DescribeTrails, ListPublicKeys, then S3 reads.
      'cloudtrail validate-logs': ['client-cloudtrail', 'ListPublicKeys'],
    };
    const CLIENT: Record<string, string> = {
      s3api: 'client-s3',
      cloudformation: 'client-cloudformation',
      dynamodb: 'client-dynamodb',
      sqs: 'client-sqs',
      sns: 'client-sns',
      logs: 'client-cloudwatch-logs',
      cloudtrail: 'client-cloudtrail',
    };
    const unknown = ofKind('aws').filter((c) => {
      const [, service = '', operation = ''] = shellWords(commandOf(c.text));
      const [client, name] =
        HIGH_LEVEL[`${service} ${operation}`] ?? [CLIENT[service], operation.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase())];
      if (client === undefined) return true;
      return typeof (require(`@aws-sdk/${client}`) as Record<string, unknown>)[`${name}Command`] !== 'function';
    });
    expect(ofKind('aws').length).toBeGreaterThan(5);
    expect(unknown.map(where)).toEqual([]);
  });

  it.each(oslsCommands.filter((c) => oslsArgs(c)[0] === 'print').map((c) => [where(c), c] as const))(
    'osls deploy, resolved through osls print: %s',
    (_name, c) => {
      const run = runs.get(c)!;
      const args = oslsArgs(c);

      expect(run.output).not.toMatch(/Cannot resolve|Error:/);
      expect(run.code).toBe(0);
      expect(run.output).toMatch(new RegExp(`^  region: ${optionOf(args, '--region')}$`, 'm'));
      expect(run.output).toMatch(new RegExp(`^  stage: ${optionOf(args, '--stage')}$`, 'm'));
      expect(run.networkAttempts).toEqual([]);
    },
  );

  it.each(oslsCommands.filter((c) => oslsArgs(c)[0] === 'package').map((c) => [where(c), c] as const))('osls package: %s', (_name, c) => {
    const run = runs.get(c)!;

    expect(run.output).not.toMatch(/Cannot resolve|Error:/);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(run.serviceDir, '.serverless', 'cloudformation-template-update-stack.json'))).toBe(true);
    expect(run.networkAttempts).toEqual([]);
  });

  it('the cfn-guard command of the guide runs on what osls package wrote', () => {
    const packaged = [...runs.entries()].find(([c]) => oslsArgs(c)[0] === 'package')![1];
    for (const c of ofKind('cfn-guard')) {
      const [binary, ...args] = shellWords(c.text);
      const result = spawnSync(path.join(REPO_ROOT, binary!), args, { cwd: packaged.serviceDir, encoding: 'utf8' });
      // 0: every rule passed; 19: rules ran and some failed (on the raw template Guard
      // cannot see through Fn::If, as the guide says). Anything else: it did not run.
      expect([0, 19], `${where(c)}\n${result.stdout}${result.stderr}`).toContain(result.status);
    }
  });

  it.each(oslsCommands.filter((c) => oslsArgs(c)[0] === 'remove').map((c) => [where(c), c] as const))(
    'osls remove gets past its configuration to CloudFormation in the region written: %s',
    (_name, c) => {
      const run = runs.get(c)!;
      const region = optionOf(oslsArgs(c), '--region');

      expect(run.output).not.toMatch(/Cannot resolve|Missing required param/);
      expect(run.output).toContain(`Removing trail-insights from stage ${optionOf(oslsArgs(c), '--stage')} (${region})`);
      expect(run.networkAttempts.some((attempt) => attempt.endsWith(`lookup cloudformation.${region}.amazonaws.com`))).toBe(true);
    },
  );
});

describe('What the documented commands are protected from (osls, offline)', () => {
  it('refuses a remove without a region instead of removing in us-east-1', async () => {
    const run = await runOsls(['remove', '--stage', 'prod']);
    run.cleanup();

    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/Missing region for "osls remove": add --region/);
    expect(run.output).not.toMatch(/\n\s+at /);
    expect(run.networkAttempts).toEqual([]);
  }, TIMEOUT_MS);

  it('refuses an unknown param and a malformed value before building anything, naming both', async () => {
    const run = await runOsls(['print', '--stage', 'prod', '--region', 'eu-west-1', '--param=trailBucket=My_Bucket', '--param=pagingEmial=secops@example.com']);
    run.cleanup();

    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/Unknown param pagingEmial \(did you mean pagingEmail\?\)/);
    expect(run.output).toMatch(/--param="trailBucket=My_Bucket" is not valid/);
  }, TIMEOUT_MS);
});

// The documents' own checks on themselves, outside osls.
describe('support/doc-commands', () => {
  it('joins continuations, drops comments, reads inline commands and fills variables', () => {
    const markdown = ['```sh', '# note', 'npx osls deploy --stage prod \\', '  --param="trailBucket=$BUCKET"', '```', 'Run `npm test` or `ls`.'].join('\n');

    const found = docCommands(markdown);

    expect(found.map((c) => [c.text, c.line, c.from])).toEqual([
      ['npx osls deploy --stage prod --param="trailBucket=$BUCKET"', 3, 'block'],
      ['npm test', 6, 'inline'],
    ]);
    expect(shellWords(found[0]!.text, { BUCKET: 'b' })).toEqual(['npx', 'osls', 'deploy', '--stage', 'prod', '--param=trailBucket=b']);
  });
});
