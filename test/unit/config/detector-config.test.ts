import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DETECTOR_CONFIG, parseDetectorConfig, parseDetectorConfigText } from '../../../lib/config/detector-config.js';
import { compilePattern } from '../../../lib/config/pattern.js';

describe('Function: parseDetectorConfig', () => {
  it('fills every default from the schema', () => {
    expect(DEFAULT_DETECTOR_CONFIG).toMatchObject({
      baselineDays: 7,
      latenessMinutes: 20,
      windows: [1, 5, 15, 60],
      minCount: { ApiCallRateInsight: 10, ApiErrorRateInsight: 10 },
      groups: { iamWrites: true, provisioning: true, errorsByCode: true },
      overrides: [],
      suppressions: [],
    });
  });

  it('keeps given values and fills the rest of a nested object', () => {
    const config = parseDetectorConfig({ minCount: { ApiCallRateInsight: 25 }, $schema: './schema.json' });
    expect(config.minCount).toEqual({ ApiCallRateInsight: 25, ApiErrorRateInsight: 10 });
    expect('$schema' in config).toBe(false);
  });

  it.each([
    [{ minRatoi: 3 }, '/minRatoi', /unknown field 'minRatoi'/],
    [{ overrides: [{ eventName: 'RunInstances', minCont: 5 }] }, '/overrides/0/minCont', /unknown field/],
    [{ baselineDays: 0 }, '/baselineDays', /must be >= 1/],
    [{ windows: [1, 'five'] }, '/windows/1', /integer/],
    [{ insightTypes: ['ApiCallRate'] }, '/insightTypes/0', /allowed values/],
    [{ suppressions: [{ reason: 'nothing to match' }] }, '/suppressions/0', /at least one of/],
    [{ overrides: [{ eventName: 'X' }] }, '/overrides/0', /fewer than 2 properties/],
    [[], '/', /JSON object/],
  ])('rejects %j naming %s', (input, field, message) => {
    let error: unknown;
    try {
      parseDetectorConfig(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('reports JSON syntax errors with the source name', () => {
    expect(() => parseDetectorConfigText('{ "minRatio": ', 'tuning.json')).toThrow(/tuning.json: not valid JSON/);
  });

  it('does not mutate its input', () => {
    const input = { overrides: [] };
    parseDetectorConfig(input);
    expect(input).toEqual({ overrides: [] });
  });
});

describe('Function: compilePattern', () => {
  it.each([
    ['arn:aws:sts::*:assumed-role/ci-*', 'arn:aws:sts::123456789012:assumed-role/ci-deployer', true],
    ['arn:aws:sts::*:assumed-role/ci-*', 'arn:aws:sts::123456789012:assumed-role/admin', false],
    ['terraform/*', 'terraform/1.8.0 (+https://www.terraform.io)', true],
    ['a.b', 'axb', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s matches %s: %s', (glob, value, expected) => expect(compilePattern(glob)(value)).toBe(expected));
});
