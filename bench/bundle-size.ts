/**
 * Size and cold-start module load time of each Lambda bundle, with the AWS SDK bundled
 * (what serverless.yml deploys) and with it left to the Lambda runtime's copy.
 *
 *   npx tsx bench/bundle-size.ts [--runs 9] [--json]
 *
 * Bundles are built with esbuild from serverless.yml's `custom.esbuild` block, mapped the
 * way serverless-esbuild maps it (see `esbuildOptionsFromServerless`), so the numbers are
 * those of `osls package`. Load time = `await import()` of the bundle in a fresh `node`
 * process (module parse + evaluation + top-level init such as SDK client construction),
 * median of several runs. test/slow/deploy/bundle-size.test.ts holds the budgets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { parse } from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How the SDK is treated: `bundled` is what serverless.yml deploys. */
export type SdkVariant = 'bundled' | 'external';

/**
 * What the Lambda Node.js runtime ships: the SDK v3 clients and the Smithy packages they
 * are built on. Leaving both external is what "use the runtime's SDK" means.
 */
export const RUNTIME_PROVIDED = ['@aws-sdk/*', '@smithy/*'];

interface ServerlessFunction {
  handler: string;
}

interface ServerlessConfig {
  provider: { runtime: string };
  functions: Record<string, ServerlessFunction>;
  custom?: { esbuild?: Record<string, unknown> };
}

/**
 * serverless.yml, parsed for its plain parts. CloudFormation tags (`!Ref`, ...) elsewhere
 * in the file are left unresolved: nothing read here contains one.
 */
export function readServerlessConfig(root = REPO_ROOT): ServerlessConfig {
  return parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as ServerlessConfig;
}

/** serverless-esbuild's own options, which it strips before calling esbuild. */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/**
 * The esbuild options serverless-esbuild 1.x derives from `custom.esbuild`: its defaults
 * (bundle, platform node, target from the runtime, exclude `aws-sdk`), the user's block
 * over them, `exclude` added to `external`, and `outputFileExtension` as `outExtension`.
 */
export function esbuildOptionsFromServerless(config: ServerlessConfig): BuildOptions & { outputFileExtension: string } {
  const runtime = /^nodejs(\d+)\.x$/.exec(config.provider.runtime);
  if (!runtime) throw new Error(`Not a Node.js runtime: ${config.provider.runtime}`);
  const custom = { exclude: ['aws-sdk'], outputFileExtension: '.js', ...config.custom?.esbuild };
  const exclude = custom.exclude as string[] | string;
  const outputFileExtension = custom.outputFileExtension as string;
  const options: Record<string, unknown> = {
    bundle: true,
    platform: 'node',
    target: `node${runtime[1]}`,
    ...custom,
  };
  for (const key of PLUGIN_ONLY_OPTIONS) delete options[key];
  const excluded = Array.isArray(exclude) ? exclude : [exclude];
  options.external = [...((options.external as string[] | undefined) ?? []), ...(excluded.includes('*') ? [] : excluded)];
  if (outputFileExtension !== '.js') options.outExtension = { '.js': outputFileExtension };
  return { ...(options as BuildOptions), outputFileExtension };
}

/** The source file behind a handler string, resolved as serverless-esbuild does. */
export function entryOf(handler: string, root = REPO_ROOT): string {
  const base = handler.slice(0, handler.lastIndexOf('.'));
  for (const extension of ['.ts', '.mts', '.js', '.mjs']) {
    if (existsSync(path.join(root, base + extension))) return base + extension;
  }
  throw new Error(`No source file for handler ${handler} (looked for ${base}.{ts,mts,js,mjs})`);
}

export interface BundleResult {
  fn: string;
  variant: SdkVariant;
  /** Absolute path of the bundle. */
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** Source files with code in the bundle (repository-relative, from esbuild's metafile). */
  inputs: string[];
  /** Imports left to the runtime (Node built-ins, and the SDK when `external`). */
  externalImports: string[];
}

/**
 * Builds one function's bundle into `outRoot/<variant>/`. For `external`, `outRoot` must
 * sit inside the repository so Node resolves the SDK from its node_modules when loading.
 */
export async function buildBundle(fn: string, variant: SdkVariant, outRoot: string, root = REPO_ROOT): Promise<BundleResult> {
  const config = readServerlessConfig(root);
  const definition = config.functions[fn];
  if (!definition) throw new Error(`No function ${fn} in serverless.yml`);
  const { outputFileExtension, ...options } = esbuildOptionsFromServerless(config);
  const entry = entryOf(definition.handler, root);
  const outdir = path.join(outRoot, variant, path.dirname(entry));
  const result = await build({
    ...options,
    absWorkingDir: root,
    entryPoints: [entry],
    outdir,
    external: [...(options.external ?? []), ...(variant === 'external' ? RUNTIME_PROVIDED : [])],
    metafile: true,
    logLevel: 'silent',
  });
  const file = path.join(outdir, path.basename(entry).replace(/\.[^.]+$/, outputFileExtension));
  const output = result.metafile.outputs[path.relative(root, file).split(path.sep).join('/')];
  if (!output) throw new Error(`esbuild metafile has no entry for ${file}`);
  const content = readFileSync(file);
  return {
    fn,
    variant,
    file,
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
    mapBytes: existsSync(`${file}.map`) ? statSync(`${file}.map`).size : 0,
    inputs: Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([input]) => input),
    externalImports: [...new Set(output.imports.filter((item) => item.external).map((item) => item.path))].sort(),
  };
}

/** Environment the handlers' module scope may read at import (no AWS call is made). */
const IMPORT_ENV = {
  TABLE_NAME: 'bench-table',
  EVENT_BUS_NAME: 'default',
  EVENT_SOURCE: 'trail-insights',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  LOG_LEVEL: 'error',
};

const IMPORT_SCRIPT = [
  'const t0 = performance.now();',
  'const m = await import(process.argv[1]);',
  'const t1 = performance.now();',
  "if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(3); }",
  'process.stdout.write(String(t1 - t0));',
].join('\n');

/** Milliseconds to import `file` in a fresh process (`node --enable-source-maps` unless told). */
export function importTimeMs(file: string, { sourceMaps = true } = {}): number {
  const args = [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href];
  const result = spawnSync(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...IMPORT_ENV },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`Importing ${file} failed (${result.status}): ${result.stderr}`);
  return Number(result.stdout);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface LoadTimes {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export function summarize(times: readonly number[]): LoadTimes {
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs: times.length };
}

/**
 * Load times of several bundles, interleaved run by run so that a burst of load on the
 * machine slows every variant alike instead of skewing one of them.
 */
export function measureLoads(files: readonly string[], runs: number, options?: { sourceMaps?: boolean }): LoadTimes[] {
  for (const file of files) importTimeMs(file, options); // warm the OS file cache, as a Lambda container's disk is
  const times = files.map(() => [] as number[]);
  for (let run = 0; run < runs; run += 1) {
    files.forEach((file, index) => times[index]!.push(importTimeMs(file, options)));
  }
  return times.map(summarize);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runsFlag = argv.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(argv[runsFlag + 1]) : 9;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  const outRoot = path.join(REPO_ROOT, 'bench', 'out', 'bundles');
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });

  const bundles: BundleResult[] = [];
  for (const fn of Object.keys(readServerlessConfig().functions)) {
    for (const variant of ['bundled', 'external'] as const) bundles.push(await buildBundle(fn, variant, outRoot));
  }
  const files = bundles.map((bundle) => bundle.file);
  const loads = measureLoads(files, runs);
  const loadsNoMaps = measureLoads(files, runs, { sourceMaps: false });
  const rows = bundles.map((bundle, index) => ({
    ...bundle,
    file: path.relative(REPO_ROOT, bundle.file),
    load: loads[index]!,
    loadNoMaps: loadsNoMaps[index]!,
  }));

  if (argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, runs, rows }, null, 2));
    return;
  }
  console.log(`node ${process.version}, ${runs} runs per figure, interleaved (median [min-max]); load = import() in a fresh process`);
  console.log('function   SDK        raw        gzip       map        load, --enable-source-maps   load, without');
  for (const row of rows) {
    console.log(
      [
        row.fn.padEnd(10),
        row.variant.padEnd(10),
        kb(row.bytes).padEnd(10),
        kb(row.gzipBytes).padEnd(10),
        kb(row.mapBytes).padEnd(10),
        `${ms(row.load.medianMs)} [${ms(row.load.minMs)}-${ms(row.load.maxMs)}]`.padEnd(28),
        `${ms(row.loadNoMaps.medianMs)} [${ms(row.loadNoMaps.minMs)}-${ms(row.loadNoMaps.maxMs)}]`,
      ].join(' '),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
