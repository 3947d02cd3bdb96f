import type { Suppression } from '../config/detector-config.js';
import { compilePattern } from '../config/pattern.js';

/** The fields of a counted event that suppressions can match. */
export interface SuppressibleEvent {
  eventSource: string;
  eventName: string;
  principal: string;
  userAgent: string;
  errorCode?: string;
}

/**
 * Compiles suppressions into one predicate: an event is suppressed when every field
 * given in some suppression matches. Suppressed events are not counted at all, so a
 * known CI role's bursts cannot hide an attacker's in the same series.
 */
export function compileSuppressions(suppressions: readonly Suppression[]): ((event: SuppressibleEvent) => boolean) | undefined {
  if (suppressions.length === 0) return undefined;
  const rules = suppressions.map((rule) => {
    const checks: Array<(event: SuppressibleEvent) => boolean> = [];
    const add = (glob: string | undefined, field: (event: SuppressibleEvent) => string | undefined) => {
      if (glob === undefined) return;
      const matches = compilePattern(glob);
      checks.push((event) => {
        const value = field(event);
        return value !== undefined && matches(value);
      });
    };
    add(rule.eventSource, (e) => e.eventSource);
    add(rule.eventName, (e) => e.eventName);
    add(rule.principalArn, (e) => e.principal);
    add(rule.userAgent, (e) => e.userAgent);
    add(rule.errorCode, (e) => e.errorCode);
    return (event: SuppressibleEvent) => checks.every((check) => check(event));
  });
  return (event) => rules.some((rule) => rule(event));
}
