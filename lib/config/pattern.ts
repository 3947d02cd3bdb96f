/**
 * Case-sensitive glob with `*` as the only wildcard, anchored at both ends: the form
 * users write for ARNs and user agents (`arn:aws:sts::*:assumed-role/ci-*`).
 */
export function compilePattern(glob: string): (value: string) => boolean {
  if (!glob.includes('*')) return (value) => value === glob;
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}
