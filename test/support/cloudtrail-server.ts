/**
 * A local CloudTrail endpoint speaking the one operation the validator calls,
 * `ListPublicKeys` (AWS JSON 1.1; target `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys`
 * as botocore's model prefixes it, or `CloudTrail_20131101.ListPublicKeys` as SDK v3
 * sends it: the service takes both), so the real
 * `@aws-sdk/client-cloudtrail` is exercised over HTTP, as the PutEvents endpoint does for
 * EventBridge. Keys are served per region, read from the request's SigV4 credential scope,
 * as CloudTrail has one key pair per region; timestamps are epoch seconds and `Value` is
 * a base64 blob, as on the wire.
 *
 * @example
 * const server = await startCloudTrailServer();
 * server.addKey('us-east-1', { der: key.der, fingerprint: key.fingerprint, validFrom, validTo });
 * process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = server.url;
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LIST_PUBLIC_KEYS_TARGETS = ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys', 'CloudTrail_20131101.ListPublicKeys'];

export interface ServedKey {
  der: Buffer;
  fingerprint: string;
  validFrom: Date;
  validTo: Date;
  /** `base64` (the documented DER blob) or `base64-text` (the blob holds base64 text of the DER). */
  encoding?: 'base64' | 'base64-text';
}

export interface ListPublicKeysCall {
  region: string;
  startTime?: number;
  endTime?: number;
}

export interface CloudTrailServer {
  url: string;
  addKey(region: string, key: ServedKey): void;
  calls(): ListPublicKeysCall[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (res: ServerResponse, status: number, body: unknown, type?: string) => {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(payload), ...(type && { 'x-amzn-errortype': type }) });
  res.end(payload);
};

export async function startCloudTrailServer(): Promise<CloudTrailServer> {
  const keys = new Map<string, ServedKey[]>();
  const calls: ListPublicKeysCall[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/cloudtrail\//.exec(String(req.headers.authorization ?? ''))?.[1];
      if (region === undefined) return send(res, 400, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException');
      if (!LIST_PUBLIC_KEYS_TARGETS.includes(String(req.headers['x-amz-target']))) {
        return send(res, 400, { __type: 'UnknownOperationException', message: `Unsupported target ${String(req.headers['x-amz-target'])}` }, 'UnknownOperationException');
      }
      const input = JSON.parse(body || '{}') as { StartTime?: number; EndTime?: number };
      calls.push({ region, ...(input.StartTime !== undefined && { startTime: input.StartTime }), ...(input.EndTime !== undefined && { endTime: input.EndTime }) });
      const from = (input.StartTime ?? Date.now() / 1000) * 1000;
      const to = (input.EndTime ?? Date.now() / 1000) * 1000;
      const list = (keys.get(region) ?? [])
        .filter((key) => key.validFrom.getTime() <= to && key.validTo.getTime() >= from)
        .map((key) => ({
          Value: key.encoding === 'base64-text' ? Buffer.from(key.der.toString('base64')).toString('base64') : key.der.toString('base64'),
          ValidityStartTime: key.validFrom.getTime() / 1000,
          ValidityEndTime: key.validTo.getTime() / 1000,
          Fingerprint: key.fingerprint,
        }));
      send(res, 200, { PublicKeyList: list });
    })().catch((error: unknown) => send(res, 500, { __type: 'InternalFailure', message: String(error) }, 'InternalFailure'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    addKey: (region, key) => keys.set(region, [...(keys.get(region) ?? []), key]),
    calls: () => [...calls],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
