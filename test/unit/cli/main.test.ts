import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { keyOrderViolations } from '../../support/aws-key-order.js';
import { datasetPath } from '../../support/datasets.js';
import { runCli } from '../../support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'trail-insights-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(argv);

const invictus = datasetPath('invictus-stratus-run');

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('CLI: trail-insights replay', { timeout: 60_000 }, () => {
  it('prints one AWS Insights record per line with --format jsonl, and nothing else', async () => {
    const { code, stdout, stderr } = await cli('replay', invictus, '--format', 'jsonl');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record).toMatchObject({ eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight' });
      expect(keyOrderViolations(record)).toEqual([]);
    }
    const times = lines.map((line) => (JSON.parse(line) as { eventTime: string; eventID: string }));
    expect([...times].sort((a, b) => (a.eventTime + a.eventID < b.eventTime + b.eventID ? -1 : 1))).toEqual(times);
    expect(stderr).toMatch(/55 files read, 0 skipped, 0 quarantined; 2900 records/);
  });

  it('gives byte-identical output on two runs of the same input', async () => {
    const first = await cli('replay', invictus, '--format', 'jsonl');
    const second = await cli('replay', invictus, '--format', 'jsonl');
    expect(second.stdout).toBe(first.stdout);
  });

  it('prints a readable table by default', async () => {
    const { code, stdout } = await cli('replay', invictus);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^START \(UTC\)\s+ACCOUNT\s+REGION\s+TYPE\s+API\s+BASELINE\/MIN\s+OBSERVED\/MIN\s+MINUTES\s+TOP PRINCIPAL$/);
    expect(stdout).toMatch(/123837392027\s+us-east-1\s+call rate/);
  });

  it('writes the Insights files in the AWS S3 layout under --out, each holding its record', async () => {
    const out = join(temp, 'out');
    const { stdout } = await cli('replay', invictus, '--format', 'jsonl', '--out', out);
    const files = filesUnder(out);
    expect(files.length).toBe(stdout.trimEnd().split('\n').length);
    for (const path of files) {
      expect(path.slice(out.length + 1)).toMatch(
        /^AWSLogs\/\d{12}\/CloudTrail-Insight\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail-Insight_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/,
      );
      const { Records } = JSON.parse(gunzipSync(readFileSync(path)).toString()) as { Records: unknown[] };
      expect(stdout).toContain(JSON.stringify(Records[0]));
    }
  });

  it('never reads its own output back: a replay over a trail holding --out finds the same', async () => {
    const trail = join(temp, 'trail');
    cpSync(invictus, join(trail, 'logs'), { recursive: true });
    const before = await cli('replay', trail, '--format', 'jsonl', '--out', join(trail, 'insights'));
    const after = await cli('replay', trail, '--format', 'jsonl');
    expect(after.stdout).toBe(before.stdout);
    expect(after.stderr).toMatch(/skipped.*insight/);
  });

  it('reads bare-array files (Stratus detonations), dating them by their records', async () => {
    const { code, stderr } = await cli('replay', datasetPath('stratus-detonations'), '--format', 'jsonl');
    expect(code).toBe(0);
    expect(stderr).toMatch(/35 files read, 0 skipped, 0 quarantined; 310 records/);
  });

  it('skips and lists a malformed file, and goes on', async () => {
    const trail = join(temp, 'broken');
    cpSync(join(invictus, readdirSync(invictus).find((name) => name.endsWith('.json'))!), join(trail, 'good.json'));
    writeFileSync(join(trail, 'bad.json'), '{"Records": [ {"eventTime": ');
    const { code, stderr } = await cli('replay', trail);
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 files read/);
    expect(stderr).toMatch(/bad\.json/);
  });

  it.each([
    [['replay', join(temp, 'no-such-dir')], /no such file or directory/],
    [['replay'], /needs at least one path/],
    [['frobnicate', invictus], /unknown command/],
    [['replay', invictus, '--format', 'xml'], /--format must be table or jsonl/],
    [['replay', invictus, '--bogus'], /Unknown option/],
    [['replay', invictus, '--lateness=-5'], /latenessMinutes/],
    [['replay', invictus, '--lateness', 'soon'], /latenessMinutes/],
  ])('exits 2 on a usage error: %j', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 on a bad config, naming the field', async () => {
    const config = join(temp, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ overrides: [{ eventName: 'RunInstances', minCont: 3 }] }));
    const { code, stderr } = await cli('replay', invictus, '--config', config);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\/overrides\/0\/minCont/);
  });

  it('applies a config file: a suppression silences what it matches', async () => {
    const config = join(temp, 'quiet.json');
    writeFileSync(config, JSON.stringify({ suppressions: [{ principalArn: 'arn:aws:iam::123837392027:user/*' }] }));
    const noisy = await cli('replay', invictus, '--format', 'jsonl');
    const quiet = await cli('replay', invictus, '--format', 'jsonl', '--config', config);
    expect(noisy.stdout.length).toBeGreaterThan(0);
    expect(quiet.stdout.length).toBeLessThan(noisy.stdout.length);
  });

  it('prints usage with --help and exits 0', async () => {
    const { code, stdout } = await cli('replay', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: trail-insights replay/);
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: trail-insights <command>/);
    expect(top.stdout).toMatch(/^ {2}replay +replay archived/m);
    const unknown = await cli('replai', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command: replai/);
  });
});
