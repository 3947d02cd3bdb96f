import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidDigestError, readDigest, signingString, type Digest } from '../../../lib/integrity/digest.js';
import { fingerprintOf, keysFromPem, publicKeyFromDer, PublicKeyFormatError, signatureProblem } from '../../../lib/integrity/signature.js';
import { buildTrail, testKey } from '../../support/digest-chain.js';

/** The CloudTrail user guide's `list-public-keys` sample ("Custom implementations ..."): values and fingerprints as AWS published them. */
const AWS_SAMPLE_KEYS = [
  {
    fingerprint: '8eba5db5bea9b640d1c96a77256fe7f2',
    value:
      'MIIBCgKCAQEAn11L2YZ9h7onug2ILi1MWyHiMRsTQjfWE+pHVRLk1QjfWhirG+lpOa8NrwQ/r7Ah5bNL6HepznOU9XTDSfmmnP97mqyc7z/upfZdS/AHhYcGaz7n6Wc/RRBU6VmiPCrAUojuSk6/GjvA8iOPFsYDuBtviXarvuLPlrT9kAd4Lb+rFfR5peEgBEkhlzc5HuWO7S0y+KunqxX6jQBnXGMtxmPBPP0FylgWGNdFtks/4YSKcgqwH0YDcawP9GGGDAeCIqPWIXDLG1jOjRRzWfCmD0iJUkz8vTsn4hq/5ZxRFE7UBAUiVcGbdnDdvVfhF9C3dQiDq3k7adQIziLT0cShgQIDAQAB',
  },
  {
    fingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
    value:
      'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqlzPJbvZJ42UdcmLfPUqXYNfOs6I8lCfao/tOs8CmzPOEdtLWugB9xoIUz78qVHdKIqxbaG4jWHfJBiOSSFBM0lt8cdVo4TnRa7oG9io5pysS6DJhBBAeXsicufsiFJR+wrUNh8RSLxL4k6G1+BhLX20tJkZ/erT97tDGBujAelqseGg3vPZbTx9SMfOLN65PdLFudLP7Gat0Z9p5jw/rjpclKfo9Bfc3heeBxWGKwBBOKnFAaN9V57pOaosCvPKmHd9bg7jsQkI9Xp22IzGLsTFJZYVA3KiTAElDMu80iFXPHEq9hKNbt9e4URFam+1utKVEiLkR2disdCmPTK0VQIDAQAB',
  },
];

describe('Public keys', () => {
  it.each(AWS_SAMPLE_KEYS)('fingerprints AWS\'s sample key $fingerprint as the MD5 of its DER', ({ fingerprint, value }) => {
    const der = Buffer.from(value, 'base64');

    expect(fingerprintOf(der)).toBe(fingerprint);
    expect(publicKeyFromDer(der, 'sample').key.asymmetricKeyType).toBe('rsa');
  });

  it('reads a value delivered as base64 text as well as DER', () => {
    const { value } = AWS_SAMPLE_KEYS[0]!;

    const { der } = publicKeyFromDer(Buffer.from(value, 'latin1'), 'sample');

    expect(fingerprintOf(der)).toBe(AWS_SAMPLE_KEYS[0]!.fingerprint);
  });

  it('refuses bytes that are no RSA key, naming where they came from', () => {
    expect(() => publicKeyFromDer(Buffer.from('not a key'), 'ListPublicKeys eu-west-1')).toThrow(PublicKeyFormatError);
    expect(() => keysFromPem('hello', 'keys.pem')).toThrow(/keys.pem: no "BEGIN PUBLIC KEY"/);
  });

  it('answers to both DER fingerprints of a PEM key (PKCS #1 and X.509)', () => {
    const key = testKey();
    const spkiPem = spkiOf(key.pem);

    const fromPkcs1 = keysFromPem(key.pem, 'a.pem').map((k) => k.fingerprint);
    const fromSpki = keysFromPem(spkiPem, 'b.pem').map((k) => k.fingerprint);

    expect(fromPkcs1).toContain(key.fingerprint);
    expect(fromSpki).toEqual(fromPkcs1);
  });
});

function spkiOf(pkcs1Pem: string): string {
  const { key } = publicKeyFromDer(Buffer.from(pkcs1Pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'), 'x');
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

const DIGEST: Digest = {
  digestStartTime: '2015-08-12T03:01:31Z',
  digestEndTime: '2015-08-12T04:01:31Z',
  digestS3Bucket: 'S3-bucket-name',
  digestS3Object: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/12/111122223333_us-east-2_CloudTrail-Digest_us-east-2_20150812T040131Z.json.gz',
  digestPublicKeyFingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
  digestSignatureAlgorithm: 'SHA256withRSA',
  previousDigestS3Bucket: null,
  previousDigestS3Object: null,
  previousDigestHashValue: null,
  previousDigestSignature: null,
  logFiles: [],
};

describe('Digest files', () => {
  it('build the signing string of the user guide\'s example, byte for byte', () => {
    const sha = '4ff08d7c6ecd6eb313257e839645d20363ee3784a2328a7d76b99b53cc9bcacd';
    const previous = '6e8540b83c3ac86a0312d971a225361d28ed0af20d70c211a2d405e32abf529a';

    expect(signingString({ ...DIGEST, previousDigestSignature: previous }, sha)).toBe(
      `2015-08-12T04:01:31Z\nS3-bucket-name/${DIGEST.digestS3Object}\n${sha}\n${previous}`,
    );
    // The first digest of a chain signs the literal "null", as aws-cli (and CloudTrail's Java) does.
    expect(signingString(DIGEST, sha).split('\n').at(-1)).toBe('null');
  });

  const bad: { name: string; bytes: Buffer; error: RegExp }[] = [
    { name: 'truncated gzip', bytes: gzipSync(Buffer.from(JSON.stringify(DIGEST))).subarray(0, 15), error: /^truncated-gzip/ },
    { name: 'corrupt gzip', bytes: Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff]), error: /gzip/ },
    { name: 'not JSON', bytes: gzipSync('{"digestStartTime": '), error: /^invalid-json/ },
    { name: 'a JSON array', bytes: gzipSync('[]'), error: /^wrong-shape: not a JSON object/ },
    { name: 'a field missing', bytes: gzipSync(JSON.stringify({ ...DIGEST, digestEndTime: undefined })), error: /digestEndTime is missing/ },
    { name: 'a time that is no time', bytes: gzipSync(JSON.stringify({ ...DIGEST, digestEndTime: 'yesterday' })), error: /not a timestamp/ },
    { name: 'a log entry without hash', bytes: gzipSync(JSON.stringify({ ...DIGEST, logFiles: [{ s3Bucket: 'b', s3Object: 'k', hashAlgorithm: 'SHA-256' }] })), error: /logFiles\[0\]\.hashValue/ },
  ];

  it.each(bad)('refuses $name with a specific error', ({ bytes, error }) => {
    expect(() => readDigest(bytes)).toThrow(InvalidDigestError);
    expect(() => readDigest(bytes)).toThrow(error);
  });

  it('verify with the right key only, and only inside its validity period', () => {
    const trail = buildTrail({ bucket: 'b', start: Date.UTC(2024, 0, 1, 0, 0, 31), hours: 1 });
    const [key] = trail.digestKeys;
    const loaded = readDigest(trail.objects.get(key!)!.body);
    const signature = trail.objects.get(key!)!.metadata!.signature!;
    const trusted = keysFromPem(trail.key.pem, 'k.pem');
    const dated = trusted.map((k) => ({ ...k, validFrom: new Date(Date.UTC(2024, 0, 5)), validTo: new Date(Date.UTC(2024, 1, 5)) }));

    expect(signatureProblem(loaded.digest, loaded.sha256, signature, trusted)).toBeUndefined();
    expect(signatureProblem(loaded.digest, loaded.sha256, signature.replace(/^../, '00'), trusted)).toBe('signature verification failed');
    expect(signatureProblem(loaded.digest, loaded.sha256, 'xyz', trusted)).toBe('signature is not hex');
    expect(signatureProblem(loaded.digest, loaded.sha256, signature, dated)).toMatch(/was not valid at 2024-01-01T01:00:31Z/);
    expect(signatureProblem({ ...loaded.digest, digestSignatureAlgorithm: 'SHA1withRSA' }, loaded.sha256, signature, trusted)).toMatch(/unsupported/);
  });
});
