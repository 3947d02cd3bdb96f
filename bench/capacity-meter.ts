import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AsyncLocalStorage } from 'node:async_hooks';

interface Consumed {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface CommandTally {
  calls: number;
  capacityUnits: number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/**
 * Meters what a DynamoDB client consumes, as DynamoDB itself reports it
 * (`ReturnConsumedCapacity: TOTAL`, which DynamoDB Local computes with AWS's rules:
 * 1 WCU per KB written, 2 per KB in a transaction, 1 RCU per 4 KB strongly consistent).
 * Added as SDK middleware, so the code under measurement is unchanged.
 */
export class CapacityMeter {
  readonly byCommand = new Map<string, CommandTally>();
  /** Read and write units per store operation (see `label`), over the meter's whole life. */
  readonly byOperation = new Map<string, { calls: number; readUnits: number; writeUnits: number }>();
  private readonly operation = new AsyncLocalStorage<string>();

  /**
   * The object with every method call run under `prefix.method`, so the capacity its
   * requests consume is attributed to that operation (concurrent calls included).
   */
  label<T extends object>(target: T, prefix: string): T {
    const operation = this.operation;
    return new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return (...args: unknown[]) => operation.run(`${prefix}.${property}`, () => value.apply(object, args));
      },
    });
  }

  attach(client: DynamoDBClient): DynamoDBClient {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        const tally = this.byCommand.get(context.commandName ?? '?') ?? { calls: 0, capacityUnits: 0 };
        tally.calls += 1;
        tally.capacityUnits += units;
        this.byCommand.set(context.commandName ?? '?', tally);
        const name = this.operation.getStore() ?? '(unlabelled)';
        const op = this.byOperation.get(name) ?? { calls: 0, readUnits: 0, writeUnits: 0 };
        op.calls += 1;
        if (WRITES.has(context.commandName ?? '')) op.writeUnits += units;
        else op.readUnits += units;
        this.byOperation.set(name, op);
        return result;
      },
      { step: 'initialize', name: 'capacityMeter' },
    );
    return client;
  }

  totals(): { writeRequests: number; writeUnits: number; readRequests: number; readUnits: number } {
    let writeRequests = 0;
    let writeUnits = 0;
    let readRequests = 0;
    let readUnits = 0;
    for (const [command, tally] of this.byCommand) {
      if (WRITES.has(command)) {
        writeRequests += tally.calls;
        writeUnits += tally.capacityUnits;
      } else {
        readRequests += tally.calls;
        readUnits += tally.capacityUnits;
      }
    }
    return { writeRequests, writeUnits, readRequests, readUnits };
  }

  reset(): void {
    this.byCommand.clear();
  }
}
