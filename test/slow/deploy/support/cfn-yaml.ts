/**
 * Reads the CloudFormation YAML fragments in infra/ as osls does: short-form tags
 * (`!Ref`, `!GetAtt`, `!Sub`, ...) become their long-form JSON objects. osls variables
 * (`${param:...}`, `${self:...}`) are left as text.
 */
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';
import type { Json } from './template.js';

/** Short form -> long form, e.g. `!Sub` -> `Fn::Sub`. */
const SHORT_FORMS: Record<string, (value: Json) => Json> = {
  Ref: (value) => ({ Ref: value }),
  Condition: (value) => ({ Condition: value }),
  // `!GetAtt Resource.Attribute` splits at the first dot (attributes may contain dots).
  GetAtt: (value) => ({ 'Fn::GetAtt': typeof value === 'string' ? value.split(/\.(.*)/s).slice(0, 2) : value }),
  ...Object.fromEntries(
    ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Equals', 'Not', 'And', 'Or'].map(
      (name) => [name, (value: Json) => ({ [`Fn::${name}`]: value })],
    ),
  ),
};

// Each short form may tag a scalar, a sequence or a mapping.
const customTags: Tags = Object.entries(SHORT_FORMS).flatMap(([name, toLongForm]) => [
  { tag: `!${name}`, resolve: (value: string) => toLongForm(value) },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => toLongForm(toJs(value)) },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => toLongForm(toJs(value)) },
]) as Tags;

/** yaml hands collection tags a YAMLMap/YAMLSeq node; scalars arrive as strings. */
function toJs(value: unknown): Json {
  if (value && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') return value.toJSON() as Json;
  return value as Json;
}

/** `T` is the shape the caller expects of the fragment; nothing checks it at run time. */
export function parseCfnYaml<T = Json>(text: string): T {
  return parse(text, { customTags }) as T;
}

export function readCfnYaml<T = Json>(file: string): T {
  return parseCfnYaml<T>(readFileSync(file, 'utf8'));
}
