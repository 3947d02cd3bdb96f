/**
 * Runs `osls package` hermetically: on a copy of the service in a temporary directory
 * (node_modules linked, not copied), with dummy AWS credentials and no AWS config files,
 * HOME pointed at an empty directory, and every network connection refused and logged
 * (support/no-network.cjs). The working tree is never written to, so packages can run
 * in parallel with each other and with a developer's own `osls` commands.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from './template.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** What `osls package` reads: the service file, its infra fragments and the bundled sources. */
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json', 'infra', 'functions', 'lib'];

export interface PackageOptions {
  stage?: string;
  region?: string;
  /** osls `--param` values. */
  params?: Record<string, string>;
  /** Extra files to place in the service copy (path relative to the service -> content). */
  files?: Record<string, string>;
}

export interface PackageResult {
  template: Template;
  /** `<function>.zip` -> absolute path. */
  artifacts: Record<string, string>;
  /** Connection and DNS attempts osls made (must be none). */
  networkAttempts: string[];
  elapsedMs: number;
  output: string;
  /** Removes the temporary directory. */
  cleanup(): void;
}

export class PackageError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'PackageError';
  }
}

export async function packageService(options: PackageOptions = {}): Promise<PackageResult> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trail-insights-package-'));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    return await packageIn(root, options, cleanup);
  } catch (error) {
    cleanup();
    throw error;
  }
}

async function packageIn(root: string, options: PackageOptions, cleanup: () => void): Promise<PackageResult> {
  const out = path.join(root, 'out');
  const args = [
    'package',
    '--stage',
    options.stage ?? 'ci',
    '--region',
    options.region ?? 'us-east-1',
    '--package',
    out,
    ...Object.entries(options.params ?? {}).flatMap(([key, value]) => ['--param', `${key}=${value}`]),
  ];
  const run = await oslsIn(root, args, options.files);
  if (run.code !== 0) throw new PackageError(`osls package exited with ${run.code}:\n${run.output}`, run.output);
  const template = JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const artifacts = Object.fromEntries(
    readdirSync(out)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => [file.slice(0, -'.zip'.length), path.join(out, file)]),
  );
  return { template, artifacts, networkAttempts: run.networkAttempts, elapsedMs: run.elapsedMs, output: run.output, cleanup };
}

export interface OslsRun {
  code: number | null;
  /** stdout and stderr. */
  output: string;
  /** Connection and DNS attempts, each refused (`<pid> lookup <host>`, `<pid> connect <host>:<port>`). */
  networkAttempts: string[];
  elapsedMs: number;
  /** The service copy the command ran in (its `.serverless/` holds what it wrote). */
  serviceDir: string;
}

/**
 * Runs `osls <args>` as written, on a fresh copy of the service, hermetically (see above).
 * Commands that reach AWS get as far as their first request, which is refused and logged:
 * `networkAttempts` shows which endpoint (and so which region) they were headed for.
 * `env` adds variables (a developer's AWS_REGION, say); `files` adds files to the copy.
 */
export async function runOsls(args: string[], options: { files?: Record<string, string>; env?: Record<string, string> } = {}): Promise<OslsRun & { cleanup(): void }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trail-insights-osls-'));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    return { ...(await oslsIn(root, args, options.files, options.env)), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

async function oslsIn(root: string, args: string[], files: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Promise<OslsRun> {
  const service = path.join(root, 'service');
  const home = path.join(root, 'home');
  const networkLog = path.join(root, 'network.log');
  mkdirSync(service);
  mkdirSync(home);
  for (const entry of SERVICE_FILES) {
    const source = path.join(REPO_ROOT, entry);
    if (existsSync(source)) cpSync(source, path.join(service, entry), { recursive: true });
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(service, 'node_modules'), 'dir');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(service, file)), { recursive: true });
    writeFileSync(path.join(service, file), content);
  }
  writeFileSync(networkLog, '');

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'offline-packaging-only',
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    NODE_OPTIONS: `--require ${path.join(REPO_ROOT, 'test', 'slow', 'deploy', 'support', 'no-network.cjs')}`,
    TI_NETWORK_LOG: networkLog,
    ...extraEnv,
  };

  const started = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), ...args], {
      cwd: service,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, output: text }));
  });
  const elapsedMs = performance.now() - started;
  const networkAttempts = readFileSync(networkLog, 'utf8').split('\n').filter(Boolean);
  return { code, output, networkAttempts, elapsedMs, serviceDir: service };
}
