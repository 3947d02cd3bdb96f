import { describe, expect, it } from 'vitest';
import { hourStatsOf } from '../../../lib/baseline/hour-stats.js';
import { MemoryStore } from '../../../lib/store/memory-store.js';
import { DAY0, contribution, newAccount, newObjectId, opening } from '../../contract/helpers.js';
import { storeContract } from '../../contract/store-contract.js';

storeContract('memory', async (knobs = {}) => ({ store: new MemoryStore(knobs) }), { propertyRuns: 100 });

describe('Class: MemoryStore (retention)', () => {
  const DAY_MS = 86_400_000;
  const setup = () => {
    let clock = DAY0 * 60_000;
    const store = new MemoryStore({ now: () => clock });
    return { store, advance: (ms: number) => (clock += ms), account: newAccount() };
  };

  it('forgets counts (and that they were applied) when the table TTL would, not before', async () => {
    // Prepare
    const { store, advance, account } = setup();
    const objectId = newObjectId();
    const counts = contribution(objectId, account, 'us-east-1', { 'c|s|A': [[DAY0 + 10, 2]] });
    await store.applyFile(objectId, [counts]);
    // Act / Assess: kept through three days after its last minute …
    advance(3 * DAY_MS);
    expect(await store.readContributions(account, 'us-east-1', DAY0, DAY0 + 60)).toHaveLength(1);
    expect(await store.applyFile(objectId, [counts])).toBe('already-applied');
    // … gone once they are past it, as DynamoDB's TTL would have deleted the item (its own ledger).
    advance(2 * 60 * 60_000);
    expect(await store.readContributions(account, 'us-east-1', DAY0, DAY0 + 60)).toEqual([]);
    expect(await store.applyFile(objectId, [counts])).toBe('applied');
  });

  it('keeps rollups 9 days, ended insights 8 days, quarantine 30 days, open insights and baselines for good', async () => {
    const { store, advance, account } = setup();
    const hour = DAY0 / 60;
    await store.writeRollup(account, 'us-east-1', { hour, series: [] });
    await store.writeBaselines(account, 'us-east-1', [{ id: 'c|s|A', hours: [[hour, hourStatsOf(new Array(60).fill(1))]] }]);
    const open = await store.openInsight(opening(account, 'c|s|Open', DAY0));
    const ended = await store.openInsight(opening(account, 'c|s|Ended', DAY0));
    if (!open.created || !ended.created) throw new Error('not opened');
    await store.updateInsight({ ...ended.state, status: 'ended', endMinute: DAY0 + 30 });
    await store.quarantine({ objectId: 'q', bucket: 'b', key: 'k', code: 'invalid-json', reason: 'r', minute: DAY0 });
    const seriesOf = async () => (await store.readInsights(account, 'us-east-1')).map((insight) => insight.seriesId);

    advance(8 * DAY_MS + 2 * 60 * 60_000);
    expect(await seriesOf()).toEqual(['c|s|Open']);
    expect(await store.readRollups(account, 'us-east-1', hour, hour)).toHaveLength(1);
    advance(DAY_MS + 2 * 60 * 60_000);
    expect(await store.readRollups(account, 'us-east-1', hour, hour)).toEqual([]);
    expect(await store.readQuarantine('q')).toBeDefined();
    advance(21 * DAY_MS);
    expect(await store.readQuarantine('q')).toBeUndefined();
    expect(await seriesOf()).toEqual(['c|s|Open']);
    expect(await store.readBaselines(account, 'us-east-1')).toHaveLength(1);
  });

  it('hands back what was stored frozen: no caller can change it', async () => {
    const { store, account } = setup();
    const objectId = newObjectId();
    await store.applyFile(objectId, [contribution(objectId, account, 'us-east-1', { 'c|s|A': [[DAY0 + 10, 2]] })]);
    const [read] = await store.readContributions(account, 'us-east-1', DAY0, DAY0 + 60);
    expect(() => {
      (read!.series[0]!.minutes[0] as { count: number }).count = 99;
    }).toThrow(TypeError);
    expect((await store.readContributions(account, 'us-east-1', DAY0, DAY0 + 60))[0]!.series[0]!.minutes[0]!.count).toBe(2);
  });
});
