import { createHash } from 'node:crypto';
import { StoreKeyError } from './errors.js';

/**
 * Keys of the single table (docs/dynamodb-layout.md). Every partition starts with a
 * one- or two-letter kind so the kinds never collide and a console reader can tell them
 * apart. Numbers in sort keys are zero-padded so string order is numeric order.
 */

const PAD = 10;

/** Zero-padded to 10 digits (epoch minutes reach 10 digits in the year 20983). */
export function pad(value: number, field = 'number'): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new StoreKeyError(field, value);
  return String(value).padStart(PAD, '0');
}

export function unpad(text: string): number {
  return Number(text.slice(0, PAD));
}

/**
 * An object id as it appears inside a sort key. S3 keys reach 1,024 bytes, the sort key
 * limit, so a long id is replaced by its SHA-256 (after `~`) and the item carries the
 * full id in attribute `o`; short ids — every CloudTrail key in practice — stay readable.
 */
export const MAX_INLINE_OBJECT_ID_BYTES = 512;

export function objectKeyPart(objectId: string): { part: string; hashed: boolean } {
  if (objectId.length === 0) throw new StoreKeyError('objectId', objectId);
  if (Buffer.byteLength(objectId, 'utf8') <= MAX_INLINE_OBJECT_ID_BYTES) return { part: objectId, hashed: false };
  return { part: `~${createHash('sha256').update(objectId).digest('base64url')}`, hashed: true };
}

const scope = (account: string, region: string): string => {
  if (account.length === 0) throw new StoreKeyError('account', account);
  if (region.length === 0) throw new StoreKeyError('region', region);
  return `${account}#${region}`;
};

export const Keys = {
  contributionPk: (account: string, region: string, day: number): string => `C#${scope(account, region)}#${day}`,
  /** Starts with the item's last minute, so `sk >= pad(from)` finds every item reaching `from`. */
  contributionSk: (maxMinute: number, objectPart: string, part: number | undefined): string =>
    `${pad(maxMinute, 'minute')}#${objectPart}${part === undefined ? '' : `#${part}`}`,
  ledgerPk: (objectPart: string): string => `L#${objectPart}`,
  ledgerSk: 'L',
  quarantinePk: (objectPart: string): string => `Q#${objectPart}`,
  quarantineSk: 'Q',
  registryPk: 'R',
  registrySk: (account: string, region: string): string => scope(account, region),
  accountPk: 'R#A',
  accountSk: (account: string): string => account,
  statePk: (account: string, region: string): string => `S#${scope(account, region)}`,
  stateSk: 'S',
  dirtyPk: (account: string, region: string): string => `D#${scope(account, region)}`,
  dirtySk: (hour: number, objectPart: string): string => `${pad(hour, 'hour')}#${objectPart}`,
  baselinePk: (account: string, region: string): string => `B#${scope(account, region)}`,
  rollupPk: (account: string, region: string): string => `H#${scope(account, region)}`,
  rollupSk: (hour: number): string => pad(hour, 'hour'),
  insightPk: (account: string, region: string): string => `I#${scope(account, region)}`,
} as const;

/** The object id after `<10 digits>#` in a sort key, unless the item carries it in `o`. */
export function objectIdFromSk(sk: string, fullId: string | undefined, part: number | undefined): string {
  if (fullId !== undefined) return fullId;
  const rest = sk.slice(PAD + 1);
  return part === undefined ? rest : rest.slice(0, rest.length - String(part).length - 1);
}
