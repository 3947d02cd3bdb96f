import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_KEYS, tableDefinition } from '../../../lib/store/table.js';
import { readCfnYaml } from './support/cfn-yaml.js';
import { REPO_ROOT } from './support/package.js';
import type { JsonObject } from './support/template.js';

// The deployed table (infra/table.yml) and the code's idea of it (lib/store/table.ts)
// must agree, or every read and write fails on the first deploy.
const infraTable = () => {
  const fragment = readCfnYaml<{ Resources: Record<string, { Type: string; Properties: JsonObject }> }>(path.join(REPO_ROOT, 'infra', 'table.yml'));
  const tables = Object.values(fragment.Resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
  expect(tables).toHaveLength(1);
  return tables[0]!.Properties;
};

describe('infra/table.yml', () => {
  it('declares the key schema of lib/store/table.ts', () => {
    // Prepare
    const expected = tableDefinition('any');

    // Act
    const table = infraTable();

    // Assess
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(table.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
    expect(table.BillingMode).toBe(expected.BillingMode);
  });

  it('expires items on the TTL attribute the code writes', () => {
    const table = infraTable();

    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true });
  });

  it('defines no attribute the key schema does not use', () => {
    // DynamoDB rejects AttributeDefinitions that no key or index uses.
    const table = infraTable() as { AttributeDefinitions: { AttributeName: string }[]; KeySchema: { AttributeName: string }[] };

    const defined = table.AttributeDefinitions.map((definition) => definition.AttributeName).sort();
    const keyed = table.KeySchema.map((key) => key.AttributeName).sort();

    expect(defined).toEqual(keyed);
    expect(keyed).toEqual([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey].sort());
  });
});
