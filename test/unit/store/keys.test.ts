import { describe, expect, it } from 'vitest';
import { StoreKeyError } from '../../../lib/store/errors.js';
import { Keys, MAX_INLINE_OBJECT_ID_BYTES, objectIdFromSk, objectKeyPart, pad, unpad } from '../../../lib/store/keys.js';

describe('Module: store keys', () => {
  it('pads numbers so string order is numeric order', () => {
    expect(pad(28_159_200)).toBe('0028159200');
    expect([pad(9), pad(10), pad(100)].sort()).toEqual([pad(9), pad(10), pad(100)]);
    expect(unpad(`${pad(42)}#rest`)).toBe(42);
  });

  it('refuses what cannot be a key', () => {
    for (const value of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => pad(value, 'minute')).toThrow(StoreKeyError);
    expect(() => objectKeyPart('')).toThrow(StoreKeyError);
    expect(() => Keys.statePk('', 'us-east-1')).toThrow(StoreKeyError);
    expect(() => Keys.statePk('123456789012', '')).toThrow(StoreKeyError);
  });

  it('keeps short object ids readable and hashes long ones', () => {
    const short = 'bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2023/07/10/f.json.gz';
    expect(objectKeyPart(short)).toEqual({ part: short, hashed: false });
    const long = `bucket/${'é'.repeat(MAX_INLINE_OBJECT_ID_BYTES / 2)}`;
    const hashed = objectKeyPart(long);
    expect(hashed.hashed).toBe(true);
    expect(hashed.part).toMatch(/^~[A-Za-z0-9_-]{43}$/);
    expect(objectKeyPart(`${long}x`).part).not.toBe(hashed.part);
  });

  it('recovers the object id from a sort key, with or without a part number', () => {
    const id = 'b/k#with#hashes';
    expect(objectIdFromSk(Keys.contributionSk(7, id, undefined), undefined, undefined)).toBe(id);
    expect(objectIdFromSk(Keys.contributionSk(7, id, 12), undefined, 12)).toBe(id);
    expect(objectIdFromSk(Keys.dirtySk(7, id), undefined, undefined)).toBe(id);
    expect(objectIdFromSk(Keys.contributionSk(7, '~hash', 3), 'the full id', 3)).toBe('the full id');
  });
});
