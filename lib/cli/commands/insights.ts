import { S3Client } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { ArchiveNotFoundError, DirectoryArchive, S3Archive, type InsightArchive } from '../../history/archive.js';
import { FilterError, pairRecords, parseState, parseTime, parseType, parseApi, selectRecords, type InsightFilter } from '../../history/filter.js';
import { readInsightArchive, readInsightContext, type ArchiveContents } from '../../history/read-insights.js';
import type { InsightRecord } from '../../insights/record.js';
import { minuteFromDate } from '../../time/minute.js';
import { failure, parseCommandLine, UsageError, type CliIo, type Command } from '../command.js';
import { formatJsonLines, formatTable } from '../format.js';
import { formatCsv, formatShow } from '../insights-format.js';

const USAGE = `Usage: trail-insights insights <list|show|download> <s3://bucket[/prefix] | DIR> [options]

Past Insights, AWS's own and this engine's, read from the AWS layout under
CloudTrail-Insight/ (a trail bucket, or a directory such as replay --out DIR).
Each record is listed once, however many files hold it.

  list      one line per insight (table), or per record (jsonl, csv)
  show ID   one insight by sharedEventID: Start, End, and why it fired when its
            context sidecar is there
  download  the selected records as one {"Records":[...]} file (or jsonl)

Filters (an insight matches when it matches every filter given):
  --since TIME       active at or after TIME: 2024-02-24, 2024-02-24T03:00Z, or 90d, 12h back
  --until TIME       started at or before TIME
  --account ID       12-digit account (repeatable, or comma-separated)
  --region NAME      region (repeatable, or comma-separated)
  --api SVC:NAME     iam:CreateUser, ec2:*, group:IamWriteCalls (repeatable)
  --type TYPE        ApiCallRateInsight or ApiErrorRateInsight (call, error)
  --state STATE      Start or End records only, or open insights

Output:
  --format FORMAT    list: table (default), jsonl or csv; download: json (default) or jsonl
  --output FILE      download: write here (.gz: gzip) instead of stdout
  -h, --help         show this help

Exit status: 0 success, 1 failure (unreadable source, unknown insight), 2 usage error.
`;

type Action = 'list' | 'show' | 'download';

interface Options {
  action: Action;
  source: string;
  id?: string;
  filter: InsightFilter;
  format: string;
  output?: string;
}

const FORMATS: Record<Action, readonly string[]> = { list: ['table', 'jsonl', 'csv'], show: ['text', 'jsonl'], download: ['json', 'jsonl'] };

const list = (values: readonly string[] | undefined): string[] => (values ?? []).flatMap((value) => value.split(',')).filter((value) => value !== '');

function parseOptions(argv: readonly string[], now: number): Options | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    since: { type: 'string' },
    until: { type: 'string' },
    account: { type: 'string', multiple: true },
    region: { type: 'string', multiple: true },
    api: { type: 'string', multiple: true },
    type: { type: 'string', multiple: true },
    state: { type: 'string' },
    format: { type: 'string' },
    output: { type: 'string' },
  });
  if (values.help) return 'help';
  const [action, source, id, ...extra] = positionals;
  if (action !== 'list' && action !== 'show' && action !== 'download') throw new UsageError(`insights needs list, show or download, got ${action ?? 'nothing'}`);
  if (source === undefined) throw new UsageError(`insights ${action} needs an s3://bucket[/prefix] or a directory`);
  if (action === 'show' ? id === undefined : id !== undefined) throw new UsageError(action === 'show' ? 'insights show needs a sharedEventID after the source' : `unexpected argument: ${id}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const format = values.format ?? FORMATS[action][0]!;
  if (!FORMATS[action].includes(format)) throw new UsageError(`--format for ${action} must be ${FORMATS[action].join(', ')}, got ${format}`);
  if (values.output !== undefined && action !== 'download') throw new UsageError('--output is for download');

  const accounts = list(values.account);
  for (const account of accounts) if (!/^\d{12}$/.test(account)) throw new FilterError(`--account must be a 12-digit account id, got ${account}`, 'account');
  const apis = list(values.api);
  apis.forEach(parseApi);
  const filter: InsightFilter = {
    ...(values.since !== undefined && { since: parseTime(values.since, now, 'since') }),
    ...(values.until !== undefined && { until: parseTime(values.until, now, 'until') }),
    ...(accounts.length > 0 && { accounts }),
    ...(list(values.region).length > 0 && { regions: list(values.region) }),
    ...(apis.length > 0 && { apis }),
    ...(list(values.type).length > 0 && { types: list(values.type).map(parseType) }),
    ...(values.state !== undefined && { state: parseState(values.state) }),
  };
  return { action, source, filter, format, ...(id !== undefined && { id }), ...(values.output !== undefined && { output: values.output }) };
}

function openArchive(source: string, io: CliIo): InsightArchive {
  if (!source.startsWith('s3://')) return new DirectoryArchive(source);
  return S3Archive.fromUrl(new S3Client({ forcePathStyle: io.env.S3_FORCE_PATH_STYLE === 'true' }), source);
}

function summary(contents: ArchiveContents, selected: readonly InsightRecord[]): string {
  const insights = new Set(selected.map((record) => record.sharedEventID)).size;
  const lines = [`trail-insights: ${contents.filesRead} Insights files read, ${contents.skipped.length} skipped; ${selected.length} records selected (${insights} insights)`];
  for (const file of contents.skipped) lines.push(`  skipped  ${file.name}: ${file.reason}`);
  return `${lines.join('\n')}\n`;
}

async function act(options: Options, io: CliIo): Promise<number> {
  const archive = openArchive(options.source, io);
  const contents = await readInsightArchive(archive, {
    ...(options.filter.regions && { regions: options.filter.regions }),
    ...(options.filter.since !== undefined && { since: options.filter.since }),
  });
  if (options.action === 'show') {
    const pair = pairRecords(contents.records).find((candidate) => candidate.sharedEventID === options.id);
    io.stderr(summary(contents, [pair?.start, pair?.end].filter((record) => record !== undefined)));
    if (pair === undefined) {
      io.stderr(`trail-insights: no insight ${options.id} in ${archive.name}\n`);
      return 1;
    }
    const records = [pair.start, pair.end].filter((record) => record !== undefined);
    if (options.format === 'jsonl') io.stdout(formatJsonLines(records));
    else io.stdout(formatShow(pair.start, pair.end, await readInsightContext(archive, (pair.start ?? pair.end)!)));
    return 0;
  }
  const selected = selectRecords(contents.records, options.filter);
  if (options.action === 'list') {
    io.stdout(options.format === 'csv' ? formatCsv(selected) : options.format === 'jsonl' ? formatJsonLines(selected) : formatTable(selected));
  } else {
    const text = options.format === 'jsonl' ? formatJsonLines(selected) : `${JSON.stringify({ Records: selected })}\n`;
    if (options.output === undefined) io.stdout(text);
    else await writeFile(options.output, options.output.endsWith('.gz') ? gzipSync(text) : text);
  }
  io.stderr(summary(contents, selected));
  return 0;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv, minuteFromDate(new Date()));
  } catch (error) {
    return failure(error, io, [UsageError, FilterError], USAGE);
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  return act(options, io).catch((error: unknown) => failure(error, io, [ArchiveNotFoundError]));
}

export const insightsCommand: Command = {
  name: 'insights',
  summary: 'list, show and download past Insights (a trail bucket or a directory)',
  usage: USAGE,
  run,
};
