import { MS_PER_MINUTE } from '../calendar.js';
import type { ErrorSpec } from '../catalog.js';
import type { AccountEnv, Behaviour } from '../env.js';
import { attributionArn, type Actor } from '../identity.js';
import type { PayloadHints } from '../payloads.js';
import type { Rng } from '../rng.js';

/**
 * A scheduled job (EventBridge rule, cron, AWS Backup plan): runs every `everyMinutes`
 * at a fixed phase and makes the same few calls each time. A job-stop incident
 * suppresses its runs; the missing calls are what the detector should notice.
 */
export interface JobCall {
  api: string;
  count: readonly [number, number];
  hints?: (rng: Rng, i: number) => PayloadHints;
  error?: (rng: Rng) => ErrorSpec | undefined;
  /** Calls of this step start this long after the run starts. */
  delayMs?: number;
}

export interface JobOptions {
  id: string;
  region: string;
  everyMinutes: number;
  /** Phase inside the period, minutes past the epoch-aligned period start. */
  offsetMinutes: number;
  /** Start-time jitter of each run (schedulers are punctual to seconds, not to the ms). */
  jitterMs: number;
  actor: Actor;
  calls: JobCall[];
  /** Chance a run is skipped (a failed invocation); keeps gaps from being a perfect signal. */
  skipChance?: number;
  /** Runs only when this says so (weekdays only, a date...). */
  when?: (t: number) => boolean;
  tag?: (t: number) => string | undefined;
}

export class Job implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;

  constructor(
    private readonly o: JobOptions,
    rng: Rng,
  ) {
    this.name = `job/${o.id}`;
    this.rng = rng.fork(`job/${o.id}`);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o } = this;
    const period = o.everyMinutes * MS_PER_MINUTE;
    const offset = o.offsetMinutes * MS_PER_MINUTE;
    for (let t = Math.ceil((from - offset) / period) * period + offset; t < to; t += period) {
      if (o.when && !o.when(t)) continue;
      const counts = o.calls.map((c) => rng.int(c.count[0], c.count[1]));
      const stop = env.stoppedAt(o.id, t);
      if (stop) {
        env.ledger(stop.tag).noteMissing(t, counts.reduce((a, b) => a + b, 0), attributionArn(o.actor, env.account));
        continue;
      }
      if (o.skipChance !== undefined && rng.chance(o.skipChance)) continue;
      const tag = o.tag?.(t);
      const start = t + rng.int(0, o.jitterMs);
      o.calls.forEach((c, step) => {
        let at = start + (c.delayMs ?? 0);
        for (let i = 0; i < (counts[step] ?? 0); i++) {
          env.emit({ t: at, region: o.region, api: c.api, actor: o.actor, hints: c.hints?.(rng, i), error: c.error?.(rng) }, tag);
          at += rng.int(150, 2_500);
        }
      });
    }
  }
}
