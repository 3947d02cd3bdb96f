/**
 * CloudTrail's digest signatures: SHA256withRSA (PKCS #1 v1.5) over the signing string,
 * hex in the digest object's `x-amz-meta-signature`, made with a per-region key whose
 * public half `ListPublicKeys` returns as DER, identified by a fingerprint.
 *
 * The fingerprint is the MD5 (hex) of the DER bytes exactly as CloudTrail publishes them:
 * checked against the three keys and fingerprints in the CloudTrail user guide's
 * `list-public-keys` sample (two PKCS #1 `RSAPublicKey`s, one X.509 `SubjectPublicKeyInfo`;
 * test/unit/integrity/signature.test.ts).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { DIGEST_SIGNATURE_ALGORITHM, signingString, type Digest } from './digest.js';

/** A public key a digest may be verified with. */
export interface TrustedKey {
  /** MD5 hex of the key's DER bytes, as in `digestPublicKeyFingerprint`. */
  fingerprint: string;
  key: KeyObject;
  /** When CloudTrail signed with it (absent for keys given as files: trusted at any time). */
  validFrom?: Date;
  validTo?: Date;
  /** Where the key came from, for messages (`ListPublicKeys us-east-1`, a file name). */
  source: string;
}

/** A key that cannot be read as an RSA public key. */
export class PublicKeyFormatError extends Error {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${message}`, options);
    this.name = 'PublicKeyFormatError';
  }
}

const md5Hex = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/**
 * A `ListPublicKeys` value. The API documents DER PKCS #1; its own sample also shows an
 * X.509 `SubjectPublicKeyInfo`, and the API reference warns the binary encoding "is
 * subject to change" (aws-cli base64-decodes the value once more), so DER in either form
 * is taken as it is, and ASCII base64 of it is decoded first.
 *
 * @example
 * ```ts
 * const { key, der } = publicKeyFromDer(entry.Value!, 'ListPublicKeys us-east-1');
 * ```
 */
export function publicKeyFromDer(value: Uint8Array, source: string): { key: KeyObject; der: Buffer } {
  let der = Buffer.from(value);
  // DER starts with a SEQUENCE tag (0x30); base64 text of one starts with 'M'.
  if (der[0] !== 0x30 && /^[A-Za-z0-9+/=\s]+$/.test(der.toString('latin1'))) der = Buffer.from(der.toString('latin1'), 'base64');
  for (const type of ['pkcs1', 'spki'] as const) {
    try {
      return { key: createPublicKey({ key: der, format: 'der', type }), der };
    } catch {
      // try the other form
    }
  }
  throw new PublicKeyFormatError(source, 'not a DER RSA public key (PKCS #1 or X.509)');
}

/**
 * The keys of a PEM file (`RSA PUBLIC KEY` or `PUBLIC KEY` blocks), for air-gapped checks.
 * Each key answers to the fingerprint of both its DER forms, since which one CloudTrail
 * published cannot be known from the file.
 *
 * @example
 * ```ts
 * const keys = keysFromPem(await readFile('cloudtrail-us-east-1.pem', 'utf8'), 'cloudtrail-us-east-1.pem');
 * ```
 */
export function keysFromPem(text: string, source: string): TrustedKey[] {
  const blocks = [...text.matchAll(/-----BEGIN ((?:RSA )?PUBLIC KEY)-----([^-]*)-----END \1-----/g)];
  if (blocks.length === 0) throw new PublicKeyFormatError(source, 'no "BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY" block');
  return blocks.flatMap((block) => {
    const { key } = publicKeyFromDer(Buffer.from(block[2] ?? '', 'base64'), source);
    const forms = [key.export({ format: 'der', type: 'pkcs1' }), key.export({ format: 'der', type: 'spki' })];
    return forms.map((der): TrustedKey => ({ fingerprint: md5Hex(der), key, source }));
  });
}

/** The fingerprint CloudTrail gives a published key: MD5 hex of its DER bytes. */
export const fingerprintOf = (der: Uint8Array): string => md5Hex(der);

/**
 * Why a digest's signature does not hold, or `undefined` when it does.
 *
 * @param signatureHex `x-amz-meta-signature`, or the next digest's `previousDigestSignature`
 * @param slackMs how far outside a key's validity period a digest may end and still be
 *   signed by it (delivery runs after the digest's end; keys overlap at rotation)
 * @example
 * ```ts
 * const problem = signatureProblem(digest, sha256, metadata.signature, keys);
 * if (problem) report('invalid', problem);
 * ```
 */
export function signatureProblem(digest: Digest, sha256: string, signatureHex: string, keys: readonly TrustedKey[], slackMs = 3_600_000): string | undefined {
  if (digest.digestSignatureAlgorithm !== DIGEST_SIGNATURE_ALGORITHM) return `unsupported signature algorithm ${digest.digestSignatureAlgorithm}`;
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(signatureHex)) return 'signature is not hex';
  const fingerprint = digest.digestPublicKeyFingerprint.toLowerCase();
  const candidates = keys.filter((key) => key.fingerprint === fingerprint);
  if (candidates.length === 0) return `no public key with fingerprint ${digest.digestPublicKeyFingerprint}`;
  const end = Date.parse(digest.digestEndTime);
  const inPeriod = candidates.filter(
    (key) => (key.validFrom === undefined || end >= key.validFrom.getTime() - slackMs) && (key.validTo === undefined || end <= key.validTo.getTime() + slackMs),
  );
  if (inPeriod.length === 0) return `public key ${fingerprint} was not valid at ${digest.digestEndTime}`;
  const data = Buffer.from(signingString(digest, sha256), 'utf8');
  const signature = Buffer.from(signatureHex, 'hex');
  if (inPeriod.some((key) => verify('sha256', data, key.key, signature))) return undefined;
  return 'signature verification failed';
}
