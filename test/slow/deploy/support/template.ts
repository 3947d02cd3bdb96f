/**
 * A CloudFormation template as JSON, and CloudFormation's own processing of Conditions
 * for one set of parameter values (`resolveScenario`), so that policy rules see the
 * resources and statements one real deployment would get.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface TemplateResource {
  Type: string;
  Properties?: JsonObject;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: JsonObject;
  [attribute: string]: Json | undefined;
}

export interface TemplateParameter {
  Type: string;
  Default?: string | number;
  AllowedPattern?: string;
  AllowedValues?: Array<string | number>;
  MaxLength?: number;
  MinLength?: number;
  Description?: string;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, TemplateParameter>;
  Conditions?: Record<string, Json>;
  Mappings?: Record<string, JsonObject>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, JsonObject>;
  [section: string]: Json | undefined | object;
}

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ Ref }` or `{ Fn::X }`: the one-key objects CloudFormation evaluates. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** Parameter values of one deployment: the template defaults, overridden by `values`. */
export function parameterValues(template: Template, values: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const value = values[name] ?? parameter.Default;
    if (value === undefined) throw new Error(`Parameter ${name} has no default and no value in the scenario`);
    result[name] = String(value);
  }
  for (const name of Object.keys(values)) {
    if (!(name in result)) throw new Error(`Scenario sets ${name}, which is not a template parameter`);
  }
  return result;
}

/** Value of a parameter's AllowedPattern/AllowedValues/length checks, as CloudFormation does them. */
export function parameterProblems(name: string, parameter: TemplateParameter, value: string): string[] {
  const problems: string[] = [];
  // CloudFormation matches the whole value against AllowedPattern.
  if (parameter.AllowedPattern !== undefined && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(value)) {
    problems.push(`Parameter ${name}: ${JSON.stringify(value)} does not match AllowedPattern ${parameter.AllowedPattern}`);
  }
  if (parameter.AllowedValues !== undefined && !parameter.AllowedValues.map(String).includes(value)) {
    problems.push(`Parameter ${name}: ${JSON.stringify(value)} is not one of ${parameter.AllowedValues.join(', ')}`);
  }
  if (parameter.MaxLength !== undefined && value.length > parameter.MaxLength) {
    problems.push(`Parameter ${name}: ${value.length} characters, MaxLength is ${parameter.MaxLength}`);
  }
  if (parameter.MinLength !== undefined && value.length < parameter.MinLength) {
    problems.push(`Parameter ${name}: ${value.length} characters, MinLength is ${parameter.MinLength}`);
  }
  return problems;
}

const PSEUDO_VALUES: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'trail-insights-ci',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Evaluates Fn::Equals/Not/And/Or, Condition and Ref to a parameter or pseudo parameter. */
function conditionEvaluator(template: Template, parameters: Record<string, string>) {
  const conditions = template.Conditions ?? {};
  const results: Record<string, boolean> = {};
  const evaluating = new Set<string>();

  const scalar = (value: Json): string => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isObject(value) && typeof value.Ref === 'string') {
      const name = value.Ref;
      const resolved = parameters[name] ?? PSEUDO_VALUES[name];
      if (resolved === undefined) throw new Error(`Condition refers to ${name}, neither a parameter nor a pseudo parameter`);
      return resolved;
    }
    throw new Error(`Cannot evaluate ${JSON.stringify(value)} inside a condition`);
  };

  const evaluate = (expression: Json): boolean => {
    if (!isObject(expression)) throw new Error(`Not a condition expression: ${JSON.stringify(expression)}`);
    const [[fn, args]] = Object.entries(expression) as [[string, Json]];
    const list = Array.isArray(args) ? args : [args];
    switch (fn) {
      case 'Condition':
        return named(String(args));
      case 'Fn::Equals':
        return scalar(list[0]!) === scalar(list[1]!);
      case 'Fn::Not':
        return !evaluate(list[0]!);
      case 'Fn::And':
        return list.every(evaluate);
      case 'Fn::Or':
        return list.some(evaluate);
      default:
        throw new Error(`Unsupported condition function ${fn}`);
    }
  };

  const named = (name: string): boolean => {
    if (name in results) return results[name]!;
    const expression = conditions[name];
    if (expression === undefined) throw new Error(`Unknown condition ${name}`);
    if (evaluating.has(name)) throw new Error(`Condition ${name} refers to itself`);
    evaluating.add(name);
    results[name] = evaluate(expression);
    evaluating.delete(name);
    return results[name]!;
  };

  return { evaluate, named, conditionNames: Object.keys(conditions) };
}

/** Evaluates every condition for the given parameter values. */
export function evaluateConditions(template: Template, parameters: Record<string, string>): Record<string, boolean> {
  const evaluator = conditionEvaluator(template, parameters);
  return Object.fromEntries(evaluator.conditionNames.map((name) => [name, evaluator.named(name)]));
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The template one deployment with these parameter values would get: resources and
 * outputs whose Condition is false removed, every `Fn::If` replaced by its chosen branch,
 * `AWS::NoValue` removed. Other intrinsics (Ref, GetAtt, Sub) are left as they are.
 */
export function resolveScenario(template: Template, values: Record<string, string> = {}): Template {
  const parameters = parameterValues(template, values);
  const conditions = evaluateConditions(template, parameters);

  const resolve = (value: Json): Json | typeof NO_VALUE => {
    if (Array.isArray(value)) {
      return value.map(resolve).filter((item): item is Json => item !== NO_VALUE);
    }
    if (!isObject(value)) return value;
    if (intrinsicName(value) === 'Ref' && value.Ref === 'AWS::NoValue') return NO_VALUE;
    if (intrinsicName(value) === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = value['Fn::If'] as [string, Json, Json];
      if (!(condition in conditions)) throw new Error(`Fn::If on unknown condition ${condition}`);
      return resolve(conditions[condition] ? whenTrue : whenFalse);
    }
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolve(item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  };

  const kept = <T extends { Condition?: Json }>(entries: Record<string, T>): Record<string, T> =>
    Object.fromEntries(
      Object.entries(entries)
        .filter(([, entry]) => entry.Condition === undefined || conditions[String(entry.Condition)])
        .map(([name, entry]) => {
          const { Condition: _condition, ...rest } = entry;
          return [name, resolve(rest as Json) as unknown as T];
        }),
    );

  const { Conditions: _conditions, Resources, Outputs, ...rest } = template;
  return {
    ...rest,
    Resources: kept(Resources),
    ...(Outputs ? { Outputs: kept(Outputs) } : {}),
  };
}

/**
 * The text a string-valued expression takes in one deployment: Fn::Sub, Fn::Join, Ref to
 * parameters and pseudo parameters. A resource reference becomes `<Name>` or
 * `<Name.Attribute>`, which is enough to read ARNs and patterns in a test.
 */
export function substitute(value: Json, parameters: Record<string, string>): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const name = (reference: string) => parameters[reference] ?? PSEUDO_VALUES[reference] ?? `<${reference}>`;
  switch (intrinsicName(value)) {
    case 'Ref':
      return name(String((value as JsonObject).Ref));
    case 'Fn::GetAtt': {
      const args = (value as JsonObject)['Fn::GetAtt'];
      return `<${Array.isArray(args) ? args.join('.') : String(args)}>`;
    }
    case 'Fn::Join': {
      const [separator, items] = (value as JsonObject)['Fn::Join'] as [string, Json[]];
      return items.map((item) => substitute(item, parameters)).join(separator);
    }
    case 'Fn::Sub': {
      const args = (value as JsonObject)['Fn::Sub']!;
      const [text, variables] = typeof args === 'string' ? [args, {}] : (args as [string, JsonObject]);
      return text.replace(/\$\{([^}]+)\}/g, (_match, variable: string) => {
        if (variable.startsWith('!')) return `\${${variable.slice(1)}}`;
        if (variable in variables) return substitute(variables[variable]!, parameters);
        return variable.includes('.') ? `<${variable}>` : name(variable);
      });
    }
    default:
      throw new Error(`Cannot substitute ${JSON.stringify(value)}`);
  }
}
