import { describe, expectTypeOf, it } from 'vitest';
import type { DetectorConfig, Override, Suppression } from '../../../lib/config/detector-config.js';
import type { FromSchema } from '../../../lib/config/schema-type.js';
import type { InsightType } from '../../../lib/series/series.js';

// Checked by `tsc -p .` (the first step of `npm test`): a schema change that changes the
// configuration's type, or a FromSchema that derives the wrong type, fails to compile.
describe('Type: DetectorConfig (derived from detectorConfigSchema)', () => {
  it('has every field, required once defaults are filled in', () => {
    expectTypeOf<DetectorConfig>().toEqualTypeOf<{
      baselineDays: number;
      latenessMinutes: number;
      warmupHours: number;
      multiRegionTrail: boolean;
      insightTypes: InsightType[];
      groups: { iamWrites: boolean; provisioning: boolean; errorsByCode: boolean };
      windows: number[];
      falseAlarmsPerDay: number;
      seriesPerAccountRegion: number;
      minCount: { ApiCallRateInsight: number; ApiErrorRateInsight: number };
      newSeriesMinCount: number;
      minRatio: number;
      peakFactor: number;
      newRegionMinCount: number;
      endQuietMinutes: number;
      maxInsightMinutes: number;
      gaps: { enabled: boolean; minActiveHourFraction: number; minGapMinutes: number; periodsMissed: number };
      attributionLimit: number;
      overrides: Override[];
      suppressions: Suppression[];
    }>();
  });

  it('keeps fields without a default optional', () => {
    expectTypeOf<Override>().toEqualTypeOf<{
      insightType?: InsightType;
      eventSource?: string;
      eventName?: string;
      errorCode?: string;
      disabled?: boolean;
      minCount?: number;
      minRatio?: number;
      sensitivity?: number;
    }>();
    expectTypeOf<Suppression>().toEqualTypeOf<{
      eventSource?: string;
      eventName?: string;
      principalArn?: string;
      userAgent?: string;
      errorCode?: string;
      reason?: string;
    }>();
  });
});

describe('Type: FromSchema', () => {
  it('makes `required` and defaulted properties required, the rest optional', () => {
    const schema = {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, n: { type: 'integer', default: 1 }, tags: { type: 'array', items: { enum: ['a', 'b'] } } },
    } as const;

    expectTypeOf<FromSchema<typeof schema>>().toEqualTypeOf<{ id: string; n: number; tags?: ('a' | 'b')[] }>();
  });
});
