import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrail, testKey, writeTrailToDirectory } from '../../support/digest-chain.js';
import { runCli } from '../../support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'trail-insights-validate-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(argv);

const KEY = testKey();
const pem = join(temp, 'cloudtrail.pem');
writeFileSync(pem, KEY.pem);
let copies = 0;
const copy = (tamper?: (trail: ReturnType<typeof buildTrail>) => void) => {
  const trail = buildTrail({ bucket: 'trail-bucket', start: Date.UTC(2024, 1, 22, 0, 0, 31), hours: 3, key: KEY });
  tamper?.(trail);
  const dir = join(temp, `copy-${++copies}`);
  writeTrailToDirectory(trail, dir);
  return { dir, trail };
};

describe('CLI: trail-insights validate', () => {
  it('passes an untouched copy, saying which signature could not be checked', async () => {
    const { dir } = copy();

    const { code, stdout } = await cli('validate', dir, '--public-key', pem);

    expect(code).toBe(0);
    expect(stdout).toContain('Results found for 2024-02-22T00:00:31Z to 2024-02-22T03:00:31Z:');
    expect(stdout).toContain('3/3 digest files valid\n9/9 log files valid\n1 digest signature not verifiable');
    expect(stdout).toMatch(/Digest file\t.*20240222T030031Z\.json\.gz\tvalid, signature not verified: no signature/);
  });

  it('fails on a modified log file and a forged one, naming both', async () => {
    const { dir, trail } = copy((t) => {
      t.changeByte(t.logKeys[0]![2]!);
      t.addUnlistedLogFile(Math.floor(Date.UTC(2024, 1, 22, 1, 30) / 60_000));
    });

    const { code, stdout } = await cli('validate', dir, '--public-key', pem);

    expect(code).toBe(1);
    expect(stdout).toContain(`Log file\t${join(dir, ...trail.logKeys[0]![2]!.split('/'))}\tMODIFIED: hash value doesn't match`);
    expect(stdout).toMatch(/Log file\t.*20240222T0130Z_\w+\.json\.gz\tUNLISTED: present, but no digest lists it/);
    expect(stdout).toContain('3/3 digest files valid\n8/9 log files valid, 1/9 modified\n1 log file present but in no digest');
  });

  it('fails on a deleted digest and reports the gap it leaves in the walk', async () => {
    const { dir } = copy((t) => t.delete(t.digestKeys[1]!));

    const { code, stdout } = await cli('validate', dir, '--public-key', pem, '--verbose');

    expect(code).toBe(1);
    expect(stdout).toMatch(/Digest file\t.*20240222T020031Z\.json\.gz\tMISSING: not found/);
    expect(stdout).toContain('2/3 digest files valid, 1/3 missing');
    // --verbose lists the valid files too.
    expect(stdout.match(/Log file\t.*\tvalid\n/g)).toHaveLength(6);
  });

  it('checks hashes and links without a key, and says signatures were not verified', async () => {
    const { dir } = copy();

    const { code, stdout } = await cli('validate', dir);

    expect(code).toBe(0);
    expect(stdout).toContain('3 digest signatures not verifiable');
    expect(stdout).toContain('no public key to verify the signature with (--public-key)');
  });

  it('filters by account and region', async () => {
    const { dir } = copy();

    expect((await cli('validate', dir, '--account', '999999999999')).stdout).toContain('No digest files found');
    expect((await cli('validate', dir, '--region', 'us-east-1', '--public-key', pem)).stdout).toContain('3/3 digest files valid');
  });

  it.each([
    [['validate'], /needs exactly one/],
    [['validate', join(temp, 'nope')], /no such directory/],
    [['validate', temp, '--since', 'last week'], /--since must be an ISO 8601 time/],
    [['validate', temp, '--since', '2024-02-02T00:00:00Z', '--until', '2024-02-01T00:00:00Z'], /--since is after --until/],
    [['validate', temp, '--account', '12'], /--account must be 12 digits/],
    [['validate', temp, '--public-key', join(temp, 'missing.pem')], /cannot read public key/],
    [['validate', temp, '--bogus'], /Unknown option/],
  ])('refuses %j with exit 2', async (argv, message) => {
    const { code, stderr } = await cli(...argv);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('refuses a key file that holds no key', async () => {
    const bad = join(temp, 'bad.pem');
    writeFileSync(bad, 'not a key');

    const { code, stderr } = await cli('validate', temp, '--public-key', bad);

    expect(code).toBe(2);
    expect(stderr).toMatch(/bad.pem: no "BEGIN PUBLIC KEY"/);
  });

  it('is listed by --help', async () => {
    expect((await cli('--help')).stdout).toMatch(/validate\s+check log files against CloudTrail digest files/);
  });
});
