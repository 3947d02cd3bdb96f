import { S3Client } from '@aws-sdk/client-s3';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../engine/deps.js';
import { CloudTrailPublicKeys, FixedPublicKeys, type PublicKeySource } from '../../integrity/public-keys.js';
import { PublicKeyFormatError } from '../../integrity/signature.js';
import { DirectoryTrailObjects, S3TrailObjects, type TrailObjects } from '../../integrity/trail-objects.js';
import { isAllValid, validateTrail, type DigestResult, type LogFileResult, type ValidationReport } from '../../integrity/validate-trail.js';
import { UsageError, type CliIo, type Command } from '../command.js';

const USAGE = `Usage: trail-insights validate <s3://bucket[/prefix] | DIR> [options]

Checks that CloudTrail log files are the ones CloudTrail delivered, with the digest
files of log file integrity validation: walks each digest chain, verifies the digest
signatures and the links between digests, hashes every listed log file, and reports
log files that no digest lists.

  s3://bucket[/prefix]  the trail bucket; digest signatures are read from the objects'
                        metadata, public keys from CloudTrail ListPublicKeys
  DIR                   a copy on disk (aws s3 sync): hashes and links are checked; with
                        --public-key every signature but the newest digest's is checked
                        (the next digest vouches for it), the newest has none offline

Options:
  --since TIME          digests ending at or after TIME (ISO 8601, e.g. 2024-02-22T00:00:00Z)
  --until TIME          ... and up to an hour after TIME (default: everything)
  --account ID          only this account's digests (organization trails)
  --region REGION       only digests of this region
  --public-key FILE     a PEM public key to verify signatures with instead of asking
                        ListPublicKeys (repeatable; for air-gapped checks)
  --verbose             also list every valid file
  -h, --help            show this help

Exit status: 0 everything valid (gaps in logging are reported, not failed), 1 a log file
modified, deleted or unlisted, or a digest invalid or missing, 2 usage error.
`;

interface Options {
  source: string;
  since?: number;
  until?: number;
  account?: string;
  region?: string;
  publicKeys: string[];
  verbose: boolean;
}

function time(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`--${name} must be an ISO 8601 time, got ${value}`);
  return ms;
}

function parseOptions(argv: readonly string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        account: { type: 'string' },
        region: { type: 'string' },
        'public-key': { type: 'string', multiple: true },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError('validate needs exactly one s3:// URL or directory');
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account must be 12 digits, got ${values.account}`);
  const since = time(values.since, 'since');
  const until = time(values.until, 'until');
  if (since !== undefined && until !== undefined && since > until) throw new UsageError('--since is after --until');
  return {
    source: positionals[0]!,
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    ...(values.account !== undefined && { account: values.account }),
    ...(values.region !== undefined && { region: values.region }),
    publicKeys: values['public-key'] ?? [],
    verbose: values.verbose === true,
  };
}

const display = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

/** One line per file, as aws-cli writes them: `Digest file<TAB>where<TAB>valid` or `INVALID: reason`. */
function line(result: DigestResult | LogFileResult): string {
  const label = result.kind === 'digest' ? 'Digest file' : 'Log file';
  if (result.status === 'valid') return `${label}\t${result.where}\tvalid`;
  if (result.status === 'unverified') return `${label}\t${result.where}\tvalid, signature not verified: ${result.reason ?? ''}`;
  return `${label}\t${result.where}\t${result.status.toUpperCase()}: ${result.reason ?? ''}`;
}

function ratio(results: readonly { status: string }[], name: string, ok: readonly string[]): string {
  const total = results.length;
  const good = results.filter((r) => ok.includes(r.status)).length;
  const bad = new Map<string, number>();
  for (const r of results) if (!ok.includes(r.status)) bad.set(r.status, (bad.get(r.status) ?? 0) + 1);
  const parts = [...bad].map(([status, count]) => `${count}/${total} ${status}`);
  return `${good}/${total} ${name} files valid${parts.length > 0 ? `, ${parts.join(', ')}` : ''}`;
}

/** The closing summary, in the shape of `aws cloudtrail validate-logs`'. */
export function summary(report: ValidationReport): string {
  const lines: string[] = [];
  if (report.digests.length === 0) return `No digest files found in ${report.source}\n`;
  if (report.found) lines.push(`Results found for ${display(report.found.from)} to ${display(report.found.to)}:`, '');
  const listed = report.logFiles.filter((f) => f.status !== 'unlisted');
  const unlisted = report.logFiles.length - listed.length;
  lines.push(ratio(report.digests, 'digest', ['valid', 'unverified']));
  lines.push(ratio(listed, 'log', ['valid']));
  if (unlisted > 0) lines.push(`${unlisted} log file${unlisted === 1 ? '' : 's'} present but in no digest`);
  const unverified = report.digests.filter((d) => d.status === 'unverified').length;
  if (unverified > 0) lines.push(`${unverified} digest signature${unverified === 1 ? '' : 's'} not verifiable (see above)`);
  const gaps = report.gaps.filter((gap) => gap.continuesIn === undefined).length;
  if (gaps > 0) lines.push(`${gaps} gap${gaps === 1 ? '' : 's'} in the digest chains (logging or validation was off)`);
  if (report.notCovered.length > 0) lines.push(`${report.notCovered.length} log file${report.notCovered.length === 1 ? '' : 's'} outside the digests' time (newer than the newest digest, or in a gap): not judged`);
  return `${lines.join('\n')}\n`;
}

async function sourceOf(source: string, io: CliIo): Promise<{ objects: TrailObjects; bucket: string; prefix: string }> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(source);
  if (match) {
    const [, bucket = '', prefix = ''] = match;
    const client = new S3Client({ forcePathStyle: io.env.S3_FORCE_PATH_STYLE === 'true' });
    return { objects: new S3TrailObjects(client, bucket, prefix), bucket, prefix };
  }
  const info = await stat(source).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`no such directory: ${source}`);
  return { objects: new DirectoryTrailObjects(source), bucket: 'local', prefix: '' };
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let options: Options | 'help';
  let keys: PublicKeySource | undefined;
  let source: Awaited<ReturnType<typeof sourceOf>>;
  try {
    options = parseOptions(argv);
    if (options === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    source = await sourceOf(options.source, io);
    if (options.publicKeys.length > 0) keys = await FixedPublicKeys.fromFiles(options.publicKeys).catch((error: unknown) => {
      throw error instanceof PublicKeyFormatError ? new UsageError(error.message) : new UsageError(`cannot read public key: ${(error as Error).message}`);
    });
    else if (source.objects.hasMetadata) keys = new CloudTrailPublicKeys();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`trail-insights: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  try {
    const report = await validateTrail({
      ...source,
      ...(keys && { keys }),
      ...(options.since !== undefined && { since: options.since }),
      ...(options.until !== undefined && { until: options.until }),
      ...(options.account !== undefined && { account: options.account }),
      ...(options.region !== undefined && { region: options.region }),
      maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
      onResult: (result) => {
        if (options.verbose || (result.status !== 'valid' && result.status !== 'unverified') || (result.status === 'unverified' && result.kind === 'digest')) {
          io.stdout(`${line(result)}\n`);
        }
      },
    });
    for (const gap of report.gaps) {
      io.stdout(
        gap.continuesIn === undefined
          ? `No log files were delivered by CloudTrail between ${gap.from} and ${gap.to} (${gap.chain})\n`
          : `The chain continues in another bucket before ${gap.to}: ${gap.continuesIn} (not validated here; run validate on that bucket)\n`,
      );
    }
    io.stdout(`\n${summary(report)}`);
    return isAllValid(report) ? 0 : 1;
  } catch (error) {
    io.stderr(`trail-insights: ${(error as Error).message}\n`);
    return 1;
  }
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check log files against CloudTrail digest files (integrity validation)',
  usage: USAGE,
  run,
};
