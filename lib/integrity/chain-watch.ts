/**
 * The last digest seen per chain (trail, account, region), so the stack can tell when the
 * hourly digest does not come: a digest that never arrives announces nothing, so only the
 * clock can notice it. One small item per chain in the engine's table (partition `V`),
 * no TTL: a chain that stopped keeps its item, and its alert is sent once.
 */
import { GetItemCommand, paginateQuery, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface ChainState {
  /** `<prefix>AWSLogs/[<org>/]<account>/<region>/<trail>`. */
  chain: string;
  account: string;
  region: string;
  trail: string;
  bucket: string;
  lastKey: string;
  /** End time of the newest digest seen, epoch ms. */
  lastEndTime: number;
  /** `lastEndTime` of the stall an overdue alert was sent for. */
  overdueAlertedFor?: number;
}

export interface ChainWatch {
  read(chain: string): Promise<ChainState | undefined>;
  /** Keeps `state` unless a newer digest of the chain was already recorded. */
  record(state: Omit<ChainState, 'overdueAlertedFor'>): Promise<void>;
  list(): Promise<ChainState[]>;
  /** Claims the overdue alert for this stall: `true` for exactly one caller while nothing newer arrived. */
  claimOverdue(chain: string, lastEndTime: number): Promise<boolean>;
}

/** In memory, for unit tests and the CLI. */
export class MemoryChainWatch implements ChainWatch {
  private readonly states = new Map<string, ChainState>();

  async read(chain: string): Promise<ChainState | undefined> {
    const state = this.states.get(chain);
    return state && { ...state };
  }

  async record(state: Omit<ChainState, 'overdueAlertedFor'>): Promise<void> {
    const stored = this.states.get(state.chain);
    if (!stored || stored.lastEndTime < state.lastEndTime) this.states.set(state.chain, { ...state });
  }

  async list(): Promise<ChainState[]> {
    return [...this.states.values()].map((state) => ({ ...state }));
  }

  async claimOverdue(chain: string, lastEndTime: number): Promise<boolean> {
    const stored = this.states.get(chain);
    if (!stored || stored.lastEndTime !== lastEndTime || stored.overdueAlertedFor === lastEndTime) return false;
    stored.overdueAlertedFor = lastEndTime;
    return true;
  }
}

const PK = 'V';
const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

/**
 * Chain items in the engine's table.
 *
 * @example
 * ```ts
 * const chains = new DynamoDbChainWatch(new DynamoDBClient({}), 'trail-insights-prod');
 * await chains.list();
 * ```
 */
export class DynamoDbChainWatch implements ChainWatch {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read(chain: string): Promise<ChainState | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: S(PK), sk: S(chain) }, ConsistentRead: true }));
    return out.Item && stateOf(out.Item);
  }

  async record(state: Omit<ChainState, 'overdueAlertedFor'>): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: S(PK),
            sk: S(state.chain),
            account: S(state.account),
            region: S(state.region),
            trail: S(state.trail),
            bucket: S(state.bucket),
            lastKey: S(state.lastKey),
            lastEndTime: N(state.lastEndTime),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR lastEndTime < :t',
          ExpressionAttributeValues: { ':t': N(state.lastEndTime) },
        }),
      );
    } catch (error) {
      // A newer digest of the chain was recorded first (digests validated out of order).
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async list(): Promise<ChainState[]> {
    const states: ChainState[] = [];
    const pages = paginateQuery(
      { client: this.client },
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(PK) }, ConsistentRead: true },
    );
    for await (const page of pages) states.push(...(page.Items ?? []).map(stateOf));
    return states;
  }

  async claimOverdue(chain: string, lastEndTime: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: S(PK), sk: S(chain) },
          UpdateExpression: 'SET overdueAlertedFor = :t',
          ConditionExpression: 'lastEndTime = :t AND (attribute_not_exists(overdueAlertedFor) OR overdueAlertedFor <> :t)',
          ExpressionAttributeValues: { ':t': N(lastEndTime) },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function stateOf(item: Record<string, AttributeValue>): ChainState {
  const text = (name: string) => item[name]?.S ?? '';
  const overdue = item.overdueAlertedFor?.N;
  return {
    chain: text('sk'),
    account: text('account'),
    region: text('region'),
    trail: text('trail'),
    bucket: text('bucket'),
    lastKey: text('lastKey'),
    lastEndTime: Number(item.lastEndTime?.N ?? 0),
    ...(overdue !== undefined && { overdueAlertedFor: Number(overdue) }),
  };
}
