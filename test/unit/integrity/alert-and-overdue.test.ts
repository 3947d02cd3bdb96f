import { describe, expect, it } from 'vitest';
import { integrityAlert, MAX_FINDINGS, type Finding } from '../../../lib/integrity/alert.js';
import { MemoryChainWatch } from '../../../lib/integrity/chain-watch.js';
import { coverage, DELIVERY_MARGIN_MS, stretches } from '../../../lib/integrity/coverage.js';
import { findOverdueDigests, OVERDUE_AFTER_MS } from '../../../lib/integrity/overdue.js';
import { silentLogger } from '../../../lib/log/logger.js';

const context = { account: '111122223333', region: 'us-east-1', trail: 'management', digest: { bucket: 'b', key: 'AWSLogs/111122223333/CloudTrail-Digest/d.json.gz' } };
const finding = (kind: Finding['kind'], key: string, engine?: Finding['engine']): Finding => ({ kind, bucket: 'b', key, reason: 'r', ...(engine && { engine }) });

describe('Function: integrityAlert', () => {
  it('orders findings by kind, counts them in the summary, and names what the engine counted', () => {
    const alert = integrityAlert(context, [finding('log-file-unlisted', 'c', 'not-counted'), finding('log-file-modified', 'b', 'counted'), finding('log-file-modified', 'a', 'quarantined')]);

    expect(alert.findings.map((f) => f.key)).toEqual(['a', 'b', 'c']);
    expect(alert.summary).toBe('CloudTrail log integrity: 2 log file(s) modified, 1 log file(s) in no digest (1 counted by the engine) in 111122223333 us-east-1 trail management');
  });

  it('gives the same findings the same id, whatever their order, and other findings another', () => {
    const a = integrityAlert(context, [finding('log-file-deleted', 'x'), finding('digest-missing', 'y')]);
    const b = integrityAlert(context, [finding('digest-missing', 'y'), finding('log-file-deleted', 'x')]);
    const c = integrityAlert(context, [finding('log-file-deleted', 'x')]);

    expect(a.alertId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b.alertId).toBe(a.alertId);
    expect(c.alertId).not.toBe(a.alertId);
  });

  it('keeps an alert within PutEvents\' size by leaving findings out, and says how many', () => {
    const many = Array.from({ length: MAX_FINDINGS + 7 }, (_, i) => finding('log-file-deleted', `AWSLogs/111122223333/CloudTrail/us-east-1/2024/02/22/${'k'.repeat(80)}${i}.json.gz`, 'counted'));

    const alert = integrityAlert(context, many);

    expect(alert.findings).toHaveLength(MAX_FINDINGS);
    expect(alert.findingsOmitted).toBe(7);
    expect(Buffer.byteLength(JSON.stringify(alert))).toBeLessThan(256 * 1024);
    expect(alert.summary).toContain(`${MAX_FINDINGS + 7} log file(s) deleted`);
  });
});

describe('Function: findOverdueDigests', () => {
  const HOUR = 3_600_000;
  const published: string[] = [];
  const deps = (chains: MemoryChainWatch, now: number) => ({
    chains,
    now: () => now,
    log: silentLogger,
    alerts: { publish: async (alert: { findings: Finding[] }) => void published.push(alert.findings[0]!.kind) },
  });

  it('alerts once per stall, only past the slack, and again after digests resume and stop', async () => {
    const chains = new MemoryChainWatch();
    const end = Date.UTC(2024, 1, 22, 1, 0, 31);
    await chains.record({ chain: 'c', account: '1', region: 'r', trail: 't', bucket: 'b', lastKey: 'k1', lastEndTime: end });
    published.length = 0;

    expect(await findOverdueDigests(deps(chains, end + OVERDUE_AFTER_MS))).toHaveLength(0);
    expect(await findOverdueDigests(deps(chains, end + OVERDUE_AFTER_MS + 1))).toHaveLength(1);
    expect(await findOverdueDigests(deps(chains, end + 5 * HOUR))).toHaveLength(0);
    await chains.record({ chain: 'c', account: '1', region: 'r', trail: 't', bucket: 'b', lastKey: 'k2', lastEndTime: end + 5 * HOUR });
    expect(await findOverdueDigests(deps(chains, end + 5 * HOUR + OVERDUE_AFTER_MS + 1))).toHaveLength(1);
    expect(published).toEqual(['digest-overdue', 'digest-overdue']);
  });

  it('keeps the newest digest of a chain when digests are recorded out of order', async () => {
    const chains = new MemoryChainWatch();
    await chains.record({ chain: 'c', account: '1', region: 'r', trail: 't', bucket: 'b', lastKey: 'new', lastEndTime: 2 * HOUR });
    await chains.record({ chain: 'c', account: '1', region: 'r', trail: 't', bucket: 'b', lastKey: 'old', lastEndTime: HOUR });

    expect((await chains.read('c'))?.lastKey).toBe('new');
  });
});

describe('Function: coverage', () => {
  const key = (minute: string) => `AWSLogs/111122223333/CloudTrail/us-east-1/2024/02/22/111122223333_CloudTrail_us-east-1_20240222T${minute}Z_abc.json.gz`;
  const at = (hhmmss: string) => Date.UTC(2024, 1, 22, +hhmmss.slice(0, 2), +hhmmss.slice(2, 4), +hhmmss.slice(4, 6));

  it('joins touching digest windows into one stretch', () => {
    expect(stretches([{ start: at('010031'), end: at('020031') }, { start: at('000031'), end: at('010031') }, { start: at('040031'), end: at('050031') }])).toEqual([
      { start: at('000031'), end: at('020031') },
      { start: at('040031'), end: at('050031') },
    ]);
  });

  it.each([
    { name: 'inside a stretch', minute: '0130', unlisted: true },
    { name: 'across the stretch\'s start (its minute began before it)', minute: '0000', unlisted: false },
    { name: 'within the delivery margin of its end', minute: '0146', unlisted: false },
    { name: 'just before the margin', minute: '0144', unlisted: true },
    { name: 'after every digest', minute: '0300', unlisted: false },
  ])('judges a file named $name: unlisted=$unlisted', ({ minute, unlisted }) => {
    const result = coverage([key(minute)], new Set(), [{ start: at('000031'), end: at('020031') }]);

    expect(result.unlisted.length === 1).toBe(unlisted);
    expect(result.notCovered.length === 1).toBe(!unlisted);
    expect(DELIVERY_MARGIN_MS).toBe(15 * 60_000);
  });

  it('never flags a listed file, and ignores keys that are no log file names', () => {
    expect(coverage([key('0130'), 'AWSLogs/1/CloudTrail/us-east-1/notes.txt'], new Set([key('0130')]), [{ start: at('000031'), end: at('020031') }])).toEqual({ unlisted: [], notCovered: [] });
  });
});
