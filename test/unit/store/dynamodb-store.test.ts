import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SeriesBaseline } from '../../../lib/baseline/types.js';
import { encode } from '../../../lib/store/codec.js';
import { DynamoDbStore } from '../../../lib/store/dynamodb-store.js';
import { ApplyConflictError, InsightOpenConflictError, UnprocessedWritesError } from '../../../lib/store/errors.js';
import { DAY0, contribution, opening as openingOf } from '../../contract/helpers.js';

/**
 * What DynamoDB Local cannot be made to do on demand — transaction conflicts, throttled
 * batch items, a condition failure without the old item — played by a scripted client.
 * The real request/response paths are covered by the contract suite on DynamoDB Local.
 */
type Command = { input: Record<string, unknown> };
type Script = (command: Command, call: number) => unknown;

function scriptedClient(script: Script): { client: DynamoDBClient; sent: Command[] } {
  const sent: Command[] = [];
  const client = { send: async (command: Command) => script(command, sent.push(command) - 1) };
  return { client: client as unknown as DynamoDBClient, sent };
}

const meta = { $metadata: {}, message: 'scripted' };
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ ...meta, CancellationReasons: codes.map((Code) => ({ Code })) });
const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ ...meta, ...(item ? { Item: item as never } : {}) });

/** Three days of one series: three items, so `applyFile` takes the transaction path. */
const multiDay = (objectId: string) =>
  contribution(objectId, '123456789012', 'us-east-1', { 'c|a|X': [[DAY0, 1], [DAY0 + 1440, 1], [DAY0 + 2880, 1]] });

describe('Class: DynamoDbStore (retries)', () => {
  // No real waiting: each backoff delay is recorded instead, with the jitter pinned at half the window.
  let waits: number[];
  const pacing = { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 };
  beforeEach(() => {
    waits = [];
  });

  it('retries a transaction cancelled by a conflict, with a fresh request token', async () => {
    const { client, sent } = scriptedClient((_, call) => {
      if (call < 2) throw cancelled('None', 'TransactionConflict', 'None', 'None');
      return {};
    });
    const store = new DynamoDbStore({ client, tableName: 't', pacing });

    expect(await store.applyFile('o', [multiDay('o')])).toBe('applied');

    expect(sent).toHaveLength(3);
    expect(sent.every((c) => c instanceof TransactWriteItemsCommand)).toBe(true);
    expect(new Set(sent.map((c) => c.input['ClientRequestToken'])).size).toBe(3);
    // Retries 1 and 2: full jitter over 100 ms, then 200 ms.
    expect(waits).toEqual([50, 100]);
  });

  it('retries a TransactionConflictException the same way', async () => {
    const { client, sent } = scriptedClient((_, call) => {
      if (call === 0) throw new TransactionConflictException(meta);
      return {};
    });

    expect(await new DynamoDbStore({ client, tableName: 't', pacing }).applyFile('o', [multiDay('o')])).toBe('applied');
    expect(sent).toHaveLength(2);
  });

  it('answers from the ledger when conflicts outlast the retries', async () => {
    const testCases = [
      { ledger: { pk: { S: 'L#o' }, sk: { S: 'L' } }, expected: 'already-applied' },
      { ledger: undefined, expected: ApplyConflictError },
    ];
    for (const { ledger, expected } of testCases) {
      const { client, sent } = scriptedClient((command) => {
        if (command instanceof GetItemCommand) return { Item: ledger };
        throw cancelled('None', 'TransactionConflict', 'None', 'None');
      });
      const applying = new DynamoDbStore({ client, tableName: 't', pacing }).applyFile('o', [multiDay('o')]);

      if (typeof expected === 'string') expect(await applying).toBe(expected);
      else await expect(applying).rejects.toBeInstanceOf(expected);
      expect(sent.filter((c) => c instanceof TransactWriteItemsCommand)).toHaveLength(5);
      expect(sent.at(-1)).toBeInstanceOf(GetItemCommand);
      expect(sent.at(-1)?.input).toMatchObject({ Key: { pk: { S: 'L#o' }, sk: { S: 'L' } }, ConsistentRead: true });
    }
  });

  it('lets other cancellations and errors through', async () => {
    const testCases = [cancelled('None', 'ValidationError', 'None', 'None'), Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })];
    for (const error of testCases) {
      const { client } = scriptedClient(() => {
        throw error;
      });
      await expect(new DynamoDbStore({ client, tableName: 't', pacing }).applyFile('o', [multiDay('o')])).rejects.toBe(error);
    }
  });

  it('retries unprocessed batch items until none are left, 25 requests per batch', async () => {
    let unprocessedRounds = 2;
    const { client, sent } = scriptedClient((command) => {
      const requests = (command.input['RequestItems'] as Record<string, unknown[]>)['t'] ?? [];
      // The first series' request is throttled twice.
      const first = requests.find((r) => JSON.stringify(r).includes('c|s0|Op'));
      if (first && unprocessedRounds-- > 0) return { UnprocessedItems: { t: [first] } };
      return { UnprocessedItems: {} };
    });
    const baselines: SeriesBaseline[] = Array.from({ length: 30 }, (_, i) => ({ id: `c|s${i}|Op`, hours: [] }));

    await new DynamoDbStore({ client, tableName: 't', pacing }).writeBaselines('123456789012', 'us-east-1', baselines);

    const sizes = sent.map((c) => ((c.input['RequestItems'] as Record<string, unknown[]>)['t'] ?? []).length);
    expect(sent.every((c) => c instanceof BatchWriteItemCommand)).toBe(true);
    expect(sizes.sort((a, b) => a - b)).toEqual([1, 1, 5, 25]);
  });

  it('gives up on items that stay unprocessed with UnprocessedWritesError', async () => {
    const { client, sent } = scriptedClient((command) => ({ UnprocessedItems: command.input['RequestItems'] }));

    const clearing = new DynamoDbStore({ client, tableName: 't', pacing }).clearDirty('123456789012', 'us-east-1', [{ hour: 1, objectId: 'o' }]);

    await expect(clearing).rejects.toBeInstanceOf(UnprocessedWritesError);
    await expect(clearing).rejects.toMatchObject({ operation: 'clearDirty', unprocessed: 1, attempts: 10 });
    expect(sent).toHaveLength(10);
    // Nine retries: windows 50 ms doubling to the 2 s cap, half of each drawn.
    expect(waits).toEqual([25, 50, 100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  describe('openInsight', () => {
    const opening = openingOf('123456789012', 'c|a|X');
    const stored = (status: 'open' | 'ended') => ({
      pk: { S: 'I#123456789012#us-east-1' },
      sk: { S: 'c|a|X' },
      status: { S: status },
      version: { N: '4' },
      s: { B: encode({ ...opening, status }) },
    });

    it('reads the existing insight when the failed condition does not return it', async () => {
      const { client, sent } = scriptedClient((command) => {
        if (command instanceof PutItemCommand) throw conditionFailed();
        return { Item: stored('open') };
      });

      const result = await new DynamoDbStore({ client, tableName: 't', pacing }).openInsight(opening);

      expect(result).toEqual({ created: false, existing: { ...opening, version: 4 } });
      expect(sent.map((c) => c.constructor.name)).toEqual(['PutItemCommand', 'GetItemCommand']);
    });

    it('tries again when the insight ended between the write and the read', async () => {
      const { client, sent } = scriptedClient((command, call) => {
        if (command instanceof PutItemCommand && call === 0) throw conditionFailed();
        if (command instanceof GetItemCommand) return { Item: stored('ended') };
        return {};
      });

      const result = await new DynamoDbStore({ client, tableName: 't', pacing }).openInsight(opening);

      expect(result).toEqual({ created: true, state: { ...opening, version: 1 } });
      expect(sent.map((c) => c.constructor.name)).toEqual(['PutItemCommand', 'GetItemCommand', 'PutItemCommand']);
    });

    it('gives up with InsightOpenConflictError when the race never settles', async () => {
      const { client } = scriptedClient((command) => {
        if (command instanceof PutItemCommand) throw conditionFailed();
        return {};
      });

      await expect(new DynamoDbStore({ client, tableName: 't', pacing }).openInsight(opening)).rejects.toBeInstanceOf(InsightOpenConflictError);
    });
  });
});
