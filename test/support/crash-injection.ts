import { mulberry32 } from './random.js';
import type { Store } from '../../lib/store/store.js';

/** What a crashed invocation looks like to the engine: an error out of nowhere. */
export class InjectedCrashError extends Error {
  constructor(
    readonly call: number,
    readonly method: string,
    readonly when: 'before' | 'after',
  ) {
    super(`injected crash ${when} store call #${call} (${method})`);
    this.name = 'InjectedCrashError';
  }
}

export type CrashPlan = (call: number, method: string) => 'before' | 'after' | undefined;

/**
 * Wraps a store so chosen calls fail: `before` the call reaches the store (the process
 * died first), or `after` it completed (the write happened, the acknowledgement was
 * lost). Every store method goes through here, so crashes land between the chunks of a
 * file, around its transaction, between apply and detection, and during publishing state.
 */
export function crashingStore(store: Store, plan: CrashPlan): Store & { readonly calls: number; readonly crashes: number } {
  let calls = 0;
  let crashes = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'calls') return calls;
      if (property === 'crashes') return crashes;
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const call = calls++;
        const crash = plan(call, String(property));
        if (crash === 'before') {
          crashes += 1;
          throw new InjectedCrashError(call, String(property), 'before');
        }
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (crash === 'after') {
          crashes += 1;
          throw new InjectedCrashError(call, String(property), 'after');
        }
        return result;
      };
    },
  }) as Store & { readonly calls: number; readonly crashes: number };
}

/** A seeded plan: each call crashes with probability `rate`, before or after at random. */
export function randomCrashes(seed: number, rate: number): CrashPlan {
  const next = mulberry32(seed);
  return () => {
    const roll = next();
    if (roll >= rate) return undefined;
    return next() < 0.5 ? 'before' : 'after';
  };
}
