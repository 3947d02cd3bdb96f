import { isWeekend, load, localHour, MS_PER_MINUTE } from '../calendar.js';
import type { Cast } from '../cast.js';
import { notFound, api } from '../catalog.js';
import type { AccountEnv, Behaviour } from '../env.js';
import * as ids from '../ids.js';
import type { Actor } from '../identity.js';
import type { Rng } from '../rng.js';

/**
 * An EC2 fleet under an Auto Scaling group that follows the daily load: the scaling
 * service launches and terminates instances one call each (`RunInstances`,
 * `TerminateInstances` by AWSServiceRoleForAutoScaling, with the KMS grant each
 * encrypted volume needs), and every running instance's SSM agent reports in every five
 * minutes (`UpdateInstanceInformation`), so the SSM write rate follows the fleet.
 */
export interface FleetOptions {
  name: string;
  region: string;
  group: string;
  /** Instances outside the group (always on). */
  fixed: number;
  base: number;
  /** Extra instances at peak load. */
  amplitude: number;
  instanceType: string;
  /** A scheduled scale-out on working days: at `hour` local time, `extra` more instances for `hours`. */
  scheduled?: { hour: number; hours: number; extra: number; tag?: (t: number) => string | undefined };
  startMs: number;
  endMs: number;
  tzHours: number;
}

interface Instance {
  id: string;
  ip: string;
  start: number;
  end: number;
  /** Offset of its SSM heartbeat inside each 5-minute cycle. */
  phase: number;
}

interface Change {
  t: number;
  kind: 'launch' | 'terminate';
  instance: Instance;
  tag?: string;
}

const HEARTBEAT_MS = 5 * MS_PER_MINUTE;
// Auto Scaling re-evaluates its target every few minutes; 5 keeps steps realistic.
const EVALUATE_MS = 5 * MS_PER_MINUTE;
// Target tracking's default scale-in cooldown is 300 s; real groups use longer ones.
const SCALE_IN_COOLDOWN_MS = 15 * MS_PER_MINUTE;

export class Fleet implements Behaviour {
  readonly name: string;
  private readonly rng: Rng;
  private readonly instances: Instance[] = [];
  private readonly changes: Change[] = [];
  private nextChange = 0;

  constructor(
    private readonly cast: Cast,
    private readonly o: FleetOptions,
    rng: Rng,
  ) {
    this.name = o.name;
    this.rng = rng.fork(o.name);
    this.plan(rng.fork(`${o.name}/plan`));
  }

  private scheduledExtra(t: number): number {
    const s = this.o.scheduled;
    if (!s || isWeekend(t, this.o.tzHours)) return 0;
    const h = localHour(t, this.o.tzHours);
    return h >= s.hour && h < s.hour + s.hours ? s.extra : 0;
  }

  /** The whole fleet history up front: later windows only replay it. */
  private plan(rng: Rng): void {
    const { o } = this;
    const make = (start: number): Instance => ({
      id: ids.instanceId(rng),
      ip: `10.${rng.int(0, 31)}.${rng.int(0, 255)}.${rng.int(4, 254)}`,
      start,
      end: Infinity,
      phase: rng.int(0, HEARTBEAT_MS - 1),
    });
    const running: Instance[] = [];
    for (let i = 0; i < o.fixed; i++) this.instances.push(make(o.startMs - rng.int(1, 30) * 86_400_000));
    let noise = 0;
    let previousExtra = this.scheduledExtra(o.startMs);
    let lastScaleIn = -Infinity;
    for (let t = o.startMs; t < o.endMs; t += EVALUATE_MS) {
      // Slow wander around the load curve, not minute-to-minute flapping.
      noise = 0.97 * noise + rng.normal(0, 0.15);
      const extra = this.scheduledExtra(t);
      const target = o.base + o.amplitude * load(t, o.tzHours) + extra + noise * Math.sqrt(o.base + o.amplitude);
      let desired = Math.max(1, Math.round(target));
      // Scale-in waits for a clear surplus and a cooldown, as target tracking does.
      if (desired < running.length && (target > running.length - 1.2 || t - lastScaleIn < SCALE_IN_COOLDOWN_MS)) desired = running.length;
      if (desired < running.length) lastScaleIn = t;
      if (t === o.startMs) {
        while (running.length < desired) running.push(make(o.startMs - rng.int(1, 600) * MS_PER_MINUTE));
        previousExtra = extra;
        continue;
      }
      const tag = extra > previousExtra ? o.scheduled?.tag?.(t) : undefined;
      previousExtra = extra;
      let at = t + rng.int(5_000, 40_000);
      while (running.length < desired) {
        const inst = make((at += rng.int(1_500, 9_000)));
        running.push(inst);
        this.changes.push({ t: inst.start, kind: 'launch', instance: inst, tag });
      }
      while (running.length > desired) {
        const [gone] = running.splice(rng.int(0, running.length - 1), 1);
        if (!gone) break;
        gone.end = at += rng.int(1_500, 9_000);
        this.changes.push({ t: gone.end, kind: 'terminate', instance: gone });
      }
    }
    this.instances.push(...running);
    for (const c of this.changes) if (c.kind === 'launch') this.instances.push(c.instance);
    // Launched instances were pushed twice if still running; keep one of each.
    const seen = new Set<string>();
    for (let i = this.instances.length - 1; i >= 0; i--) {
      const inst = this.instances[i];
      if (!inst) continue;
      if (seen.has(inst.id)) this.instances.splice(i, 1);
      else seen.add(inst.id);
    }
    this.changes.sort((a, b) => a.t - b.t);
  }

  generate(env: AccountEnv, from: number, to: number): void {
    const { rng, o, cast } = this;
    const grants: Actor = { ...cast.autoscaling, invokedBy: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com', sourceIp: 'ec2.amazonaws.com' };
    while (this.nextChange < this.changes.length) {
      const c = this.changes[this.nextChange];
      if (!c || c.t >= to) break;
      this.nextChange++;
      if (c.t < from) continue;
      const hints = { instanceIds: [c.instance.id], instanceType: o.instanceType, count: 1, name: o.group, launchTemplate: `lt-0${o.group.length}${'f'.repeat(15)}` };
      if (c.kind === 'launch') {
        env.emit({ t: c.t, region: o.region, api: 'ec2:RunInstances', actor: cast.autoscaling, hints }, c.tag);
        env.emit({ t: c.t + rng.int(800, 3_000), region: o.region, api: 'kms:CreateGrant', actor: grants, hints: { name: 'ec2' } }, c.tag);
      } else {
        env.emit({ t: c.t, region: o.region, api: 'ec2:TerminateInstances', actor: cast.autoscaling, hints });
        if (rng.chance(0.15)) {
          // Something still polling the instance a minute later.
          const poller = cast.app('k8s-node-controller', o.region);
          env.emit({ t: c.t + rng.int(30_000, 90_000), region: o.region, api: 'ec2:DescribeInstances', actor: poller, error: notFound(api('ec2:DescribeInstances'), c.instance.id), hints: { instanceIds: [c.instance.id] } });
        }
      }
    }
    for (const inst of this.instances) {
      const first = Math.max(from, inst.start + 30_000);
      const last = Math.min(to, inst.end);
      if (first >= last) continue;
      const agent = cast.ssmAgent(inst.id, o.region);
      // First heartbeat at or after `first` on the instance's phase.
      let t = Math.ceil((first - inst.phase) / HEARTBEAT_MS) * HEARTBEAT_MS + inst.phase;
      for (; t < last; t += HEARTBEAT_MS) {
        env.emit({ t: t + rng.int(0, 8_000), region: o.region, api: 'ssm:UpdateInstanceInformation', actor: agent, hints: { instanceIds: [inst.id], ip: inst.ip } });
      }
      if (inst.end <= to) cast.forget(`ssm/${inst.id}`);
    }
  }
}
