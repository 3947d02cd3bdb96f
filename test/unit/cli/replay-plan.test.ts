import { describe, expect, it } from 'vitest';
import { replayPlan } from '../../../lib/cli/replay-plan.js';

const file = (deliveryMinute: number, sortKey = String(deliveryMinute)) => ({ deliveryMinute, sortKey });

describe('Function: replayPlan', () => {
  it('orders files by delivery and evaluates on the 5-minute grid up to each delivery', () => {
    const steps = replayPlan([file(112), file(100), file(101)]);
    expect(steps.map((s) => (s.kind === 'evaluate' ? `e${s.now}` : `i${s.file.deliveryMinute}`))).toEqual([
      'e100', 'i100', 'i101', 'e105', 'e110', 'i112',
    ]);
  });

  it('breaks delivery ties by key, so the order is total', () => {
    const steps = replayPlan([file(7, 'b'), file(7, 'a')], 5);
    expect(steps.filter((s) => s.kind === 'ingest').map((s) => (s.kind === 'ingest' ? s.file.sortKey : ''))).toEqual(['a', 'b']);
  });

  it('plans nothing for no files', () => expect(replayPlan([])).toEqual([]));

  it('runs the schedule 6 hours into a delivery hole, then jumps to the next file', () => {
    const steps = replayPlan([file(0), file(10 * 24 * 60)]);
    const ticks = steps.flatMap((s) => (s.kind === 'evaluate' ? [s.now] : []));
    expect(ticks.filter((t) => t <= 360)).toHaveLength(73);
    expect(ticks.filter((t) => t > 360)).toEqual([10 * 24 * 60]);
  });
});
