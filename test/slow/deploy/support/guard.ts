/**
 * Runs the real `cfn-guard` binary (shipped in npm `@cdklabs/cdk-validator-cfnguard`) with
 * the rules in infra/guard/ on a template. Guard does not evaluate CloudFormation
 * Conditions, so callers pass one resolved scenario (`resolveScenario` in template.ts):
 * a statement inside `Fn::If` is then checked like any other.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from './template.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const GUARD_RULES_DIR = path.join(REPO_ROOT, 'infra', 'guard');

/** The binary for this machine, from the npm package's bin/<os>/<arch>/ folders. */
export function guardBinary(): string {
  const packageJson = createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json');
  const system = { linux: 'ubuntu', darwin: 'macos' }[process.platform as 'linux' | 'darwin'];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as 'x64' | 'arm64'];
  if (!system || !arch) throw new Error(`No cfn-guard binary for ${process.platform}/${process.arch}`);
  const binary = path.join(path.dirname(packageJson), 'bin', system, arch, 'cfn-guard');
  if (!existsSync(binary)) throw new Error(`cfn-guard not found at ${binary}`);
  return binary;
}

export interface GuardResult {
  /** Rules the template breaks, with their custom messages. */
  failures: { rule: string; messages: string[] }[];
  passed: string[];
  notApplicable: string[];
}

interface GuardFileReport {
  status: string;
  not_compliant: { Rule: { name: string } }[];
  compliant: string[];
  not_applicable: string[];
}

function customMessages(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => customMessages(item, found));
  else if (typeof node === 'object' && node !== null) {
    const messages = (node as { messages?: { custom_message?: unknown } }).messages;
    if (typeof messages?.custom_message === 'string' && messages.custom_message.trim()) found.add(messages.custom_message.trim());
    Object.values(node).forEach((item) => customMessages(item, found));
  }
  return found;
}

/** Validates `template` against every rule file in `rules` (a file or a directory). */
export function runGuard(template: Template, rules: string = GUARD_RULES_DIR): GuardResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trail-insights-guard-'));
  try {
    const data = path.join(dir, 'template.json');
    writeFileSync(data, JSON.stringify(template));
    const result = spawnSync(guardBinary(), ['validate', '--rules', rules, '--data', data, '--structured', '--output-format', 'json', '--show-summary', 'none'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // 0 = compliant, 19 = not compliant; anything else is a rule or data error.
    if (result.status !== 0 && result.status !== 19) {
      throw new Error(`cfn-guard failed (exit ${result.status}): ${result.stderr || result.stdout}`);
    }
    const reports = JSON.parse(result.stdout) as GuardFileReport[];
    const failures = reports.flatMap((report) =>
      report.not_compliant.map((item) => ({ rule: item.Rule.name, messages: [...customMessages(item)] })),
    );
    if (result.status === 19 && failures.length === 0) throw new Error(`cfn-guard reported non-compliance without naming a rule: ${result.stdout}`);
    return {
      failures,
      passed: reports.flatMap((report) => report.compliant),
      notApplicable: reports.flatMap((report) => report.not_applicable),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
