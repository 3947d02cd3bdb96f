/**
 * The single DynamoDB table's key schema. `infra/table.yml` declares the same table for
 * CloudFormation and a deploy test checks the two agree; the integration tests create
 * the table in DynamoDB Local from this definition.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes the item some time after. */
  ttlAttribute: 'expiresAt',
} as const;

/** CreateTable input shared by tests and tools (the deployed table comes from infra/). */
export const tableDefinition = (tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
    { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
  ],
});
