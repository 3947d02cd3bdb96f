import { CloudTrailClient, paginateListPublicKeys } from '@aws-sdk/client-cloudtrail';
import { readFile } from 'node:fs/promises';
import { fingerprintOf, keysFromPem, publicKeyFromDer, type TrustedKey } from './signature.js';

/** Where the public keys that verify digest signatures come from. */
export interface PublicKeySource {
  /**
   * Keys that may have signed digests of `region` ending in `[from, to]`. CloudTrail signs
   * each region's digests with that region's own key.
   */
  keysFor(region: string, from: Date, to: Date): Promise<TrustedKey[]>;
}

/**
 * CloudTrail's `ListPublicKeys`, asked in the digest's own region (one client per region,
 * created on first use; endpoint and credentials from the SDK's standard environment).
 * Keys are cached by fingerprint for the life of the object: a key never changes, so a
 * warm Lambda asks again only for a time range it has not seen a key for.
 *
 * @example
 * ```ts
 * const keys = await new CloudTrailPublicKeys().keysFor('eu-west-1', start, end);
 * ```
 */
export class CloudTrailPublicKeys implements PublicKeySource {
  private readonly clients = new Map<string, CloudTrailClient>();
  private readonly known = new Map<string, TrustedKey[]>();

  constructor(private readonly clientFor: (region: string) => CloudTrailClient = (region) => new CloudTrailClient({ region })) {}

  async keysFor(region: string, from: Date, to: Date): Promise<TrustedKey[]> {
    const cached = (this.known.get(region) ?? []).filter((key) => key.validFrom !== undefined && key.validTo !== undefined && key.validFrom <= to && key.validTo >= from);
    if (cached.length > 0) return cached;
    let client = this.clients.get(region);
    if (!client) this.clients.set(region, (client = this.clientFor(region)));
    const keys: TrustedKey[] = [];
    for await (const page of paginateListPublicKeys({ client }, { StartTime: from, EndTime: to })) {
      for (const entry of page.PublicKeyList ?? []) {
        if (entry.Value === undefined) continue;
        const source = `ListPublicKeys ${region}`;
        const { key, der } = publicKeyFromDer(entry.Value, source);
        keys.push({
          // The service names the key; the DER's own MD5 is the same thing, used if it does not.
          fingerprint: (entry.Fingerprint ?? fingerprintOf(der)).toLowerCase(),
          key,
          ...(entry.ValidityStartTime && { validFrom: entry.ValidityStartTime }),
          ...(entry.ValidityEndTime && { validTo: entry.ValidityEndTime }),
          source,
        });
      }
    }
    const stored = this.known.get(region) ?? [];
    const seen = new Set(stored.map((key) => key.fingerprint));
    this.known.set(region, [...stored, ...keys.filter((key) => !seen.has(key.fingerprint))]);
    return keys;
  }
}

/**
 * Keys given as PEM files (`--public-key`): for air-gapped checks and tests. They hold for
 * every region and time; the fingerprint still has to match.
 */
export class FixedPublicKeys implements PublicKeySource {
  constructor(readonly keys: readonly TrustedKey[]) {}

  /** Reads every key of every file. */
  static async fromFiles(paths: readonly string[]): Promise<FixedPublicKeys> {
    const keys = await Promise.all(paths.map(async (path) => keysFromPem(await readFile(path, 'utf8'), path)));
    return new FixedPublicKeys(keys.flat());
  }

  async keysFor(): Promise<TrustedKey[]> {
    return [...this.keys];
  }
}
