import { UPPER_ALNUM, type Rng } from './rng.js';

/** Identifier formats as they appear in CloudTrail records. */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const accountId = (rng: Rng): string => String(rng.int(1, 9)) + rng.chars(11, '0123456789');
export const instanceId = (rng: Rng): string => `i-0${rng.hex(16)}`;
export const volumeId = (rng: Rng): string => `vol-0${rng.hex(16)}`;
export const snapshotId = (rng: Rng): string => `snap-0${rng.hex(16)}`;
export const amiId = (rng: Rng): string => `ami-0${rng.hex(16)}`;
export const sgId = (rng: Rng): string => `sg-0${rng.hex(16)}`;
export const subnetId = (rng: Rng): string => `subnet-0${rng.hex(16)}`;
export const vpcId = (rng: Rng): string => `vpc-0${rng.hex(16)}`;
export const eniId = (rng: Rng): string => `eni-0${rng.hex(16)}`;
export const keyPairId = (rng: Rng): string => `key-0${rng.hex(16)}`;
export const reservationId = (rng: Rng): string => `r-0${rng.hex(16)}`;
/** IAM unique ids: four-letter type prefix and 17 base-32 characters. */
export const uniqueId = (rng: Rng, prefix: 'AIDA' | 'AROA' | 'AKIA' | 'ASIA' | 'ANPA' | 'AGPA'): string =>
  prefix + rng.chars(prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17, BASE32);
/** S3 request ids are 16 upper-case alphanumerics; most other services use a UUID. */
export const s3RequestId = (rng: Rng): string => rng.chars(16, UPPER_ALNUM);
export const s3HostId = (rng: Rng): string =>
  rng.chars(76, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '=';

/** A public IPv4 address outside private and reserved ranges. */
export function publicIp(rng: Rng): string {
  for (;;) {
    const a = rng.int(3, 223);
    if (a === 10 || a === 127 || a === 169 || a === 172 || a === 192 || a === 100) continue;
    return `${a}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}
