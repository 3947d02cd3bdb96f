/**
 * Offline CloudFormation template validation against the current resource specification
 * (npm `@aws-cdk/aws-service-spec`, the database the AWS CDK generates its L1 constructs
 * from). It finds, before any deploy, what CloudFormation would reject or fail on:
 *
 * - a resource type that does not exist, a property name the type does not have (at any
 *   depth where the value is written out), a required property left out, a list where an
 *   object belongs (and the reverse);
 * - a Ref, Fn::GetAtt or Fn::Sub variable naming nothing, a GetAtt attribute the type
 *   does not have, a Condition, DependsOn or Fn::FindInMap naming nothing, an unknown
 *   intrinsic function;
 * - a reference to a conditional resource from a place where it may not exist (outside
 *   the resource's own condition or an `Fn::If` on it): "Unresolved resource dependencies";
 * - a parameter default its own AllowedPattern/AllowedValues refuses; a template over
 *   CloudFormation's size or resource-count limits.
 *
 * `validateTemplate` returns the problems found; an empty list means valid.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import {
  intrinsicName,
  isObject,
  parameterProblems,
  PSEUDO_PARAMETERS,
  type Json,
  type JsonObject,
  type Template,
} from './template.js';

/** The slice of the spec database's types this validator reads. */
type SpecType =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'union'; types: SpecType[] };

interface SpecProperty {
  type: SpecType;
  required?: boolean;
}

interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface ResourceSpec {
  resource(cloudFormationType: string): SpecResource | undefined;
  typeDefinition(id: string): SpecTypeDefinition;
}

/** Loads the resource specification shipped in @aws-cdk/aws-service-spec (~0.6 s). */
export async function loadResourceSpec(): Promise<ResourceSpec> {
  const db = await loadAwsServiceSpec();
  return {
    resource: (cloudFormationType) =>
      db.lookup('resource', 'cloudFormationType', 'equals', cloudFormationType)[0] as unknown as SpecResource | undefined,
    typeDefinition: (id) => db.get('typeDefinition', id) as unknown as SpecTypeDefinition,
  };
}

// CloudFormation quotas: a template body uploaded through S3 (as osls does) and resources per stack.
const MAX_TEMPLATE_BYTES = 1_000_000;
const MAX_RESOURCES = 500;

const TOP_LEVEL_SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);

const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);

const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;

/** Intrinsic functions usable in Resources/Outputs without a transform. */
const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Cidr',
]);

interface Context {
  template: Template;
  spec: ResourceSpec;
  problems: string[];
  /** Conditions known true where the value being checked sits. */
  active: ReadonlySet<string>;
}

const isCustomType = (type: string) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

export function validateTemplate(template: Template, spec: ResourceSpec): string[] {
  const problems: string[] = [];
  const base: Omit<Context, 'active'> = { template, spec, problems };

  const size = Buffer.byteLength(JSON.stringify(template));
  if (size > MAX_TEMPLATE_BYTES) problems.push(`Template is ${size} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}`);
  for (const section of Object.keys(template)) {
    if (!TOP_LEVEL_SECTIONS.has(section)) problems.push(`Unknown template section ${section}`);
  }
  if (!isObject(template.Resources) || Object.keys(template.Resources).length === 0) {
    problems.push('Template has no Resources');
    return problems;
  }
  const resourceCount = Object.keys(template.Resources).length;
  if (resourceCount > MAX_RESOURCES) problems.push(`${resourceCount} resources; a stack holds at most ${MAX_RESOURCES}`);

  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (!PARAMETER_TYPES.test(parameter.Type)) problems.push(`Parameter ${name}: unknown Type ${parameter.Type}`);
    if (parameter.Default !== undefined) problems.push(...parameterProblems(name, parameter, String(parameter.Default)));
  }

  // Rules may only refer to parameters; their functions (Fn::Contains, ...) are their own.
  for (const [name, rule] of Object.entries((template.Rules ?? {}) as Record<string, Json>)) {
    for (const reference of refsIn(rule)) {
      if (!PSEUDO_PARAMETERS.has(reference) && !(reference in (template.Parameters ?? {}))) {
        problems.push(`Rules.${name}: Ref to ${reference}, which is not a parameter`);
      }
    }
  }

  for (const [name, expression] of Object.entries(template.Conditions ?? {})) {
    checkConditionExpression(expression, `Conditions.${name}`, { ...base, active: new Set() });
  }

  for (const [name, resource] of Object.entries(template.Resources)) {
    const path = `Resources.${name}`;
    const active = new Set<string>();
    for (const attribute of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.has(attribute)) problems.push(`${path}: unknown resource attribute ${attribute}`);
    }
    if (resource.Condition !== undefined) {
      if (!(resource.Condition in (template.Conditions ?? {}))) {
        problems.push(`${path}: Condition ${resource.Condition} is not defined`);
      }
      active.add(resource.Condition);
    }
    const ctx: Context = { ...base, active };
    for (const target of [resource.DependsOn ?? []].flat()) {
      if (!(target in template.Resources)) problems.push(`${path}: DependsOn ${target}, which is not a resource`);
    }
    if (typeof resource.Type !== 'string') {
      problems.push(`${path}: no Type`);
      continue;
    }
    if (isCustomType(resource.Type)) {
      walkIntrinsics(resource.Properties ?? {}, `${path}.Properties`, ctx);
      continue;
    }
    const definition = spec.resource(resource.Type);
    if (!definition) {
      problems.push(`${path}: resource type ${resource.Type} does not exist in the CloudFormation resource specification`);
      continue;
    }
    if (resource.Properties !== undefined && !isObject(resource.Properties)) {
      problems.push(`${path}.Properties: must be an object`);
      continue;
    }
    checkObject(resource.Properties ?? {}, definition.properties, `${path}.Properties`, `${resource.Type}`, ctx);
  }

  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const path = `Outputs.${name}`;
    const active = new Set<string>();
    if (typeof output.Condition === 'string') {
      if (!(output.Condition in (template.Conditions ?? {}))) problems.push(`${path}: Condition ${output.Condition} is not defined`);
      active.add(output.Condition);
    }
    if (!('Value' in output)) problems.push(`${path}: no Value`);
    walkIntrinsics(output, path, { ...base, active });
  }
  return problems;
}

function checkObject(
  value: JsonObject,
  properties: Record<string, SpecProperty>,
  path: string,
  typeName: string,
  ctx: Context,
): void {
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (!property) {
      ctx.problems.push(`${path}: ${typeName} has no property ${key}`);
      walkIntrinsics(item, `${path}.${key}`, ctx);
      continue;
    }
    checkValue(item, property.type, `${path}.${key}`, ctx);
  }
  for (const [key, property] of Object.entries(properties)) {
    if (property.required && !(key in value)) ctx.problems.push(`${path}: required property ${key} of ${typeName} is missing`);
  }
}

type Shape = 'array' | 'object' | 'scalar';
const shapeOf = (value: Json): Shape => (Array.isArray(value) ? 'array' : isObject(value) ? 'object' : 'scalar');

function shapeOfType(type: SpecType, ctx: Context): Shape | 'any' {
  switch (type.type) {
    case 'json':
      return 'any';
    case 'array':
      return 'array';
    case 'map':
    case 'ref':
    case 'tag':
      return 'object';
    case 'union': {
      const shapes = new Set(type.types.map((member) => shapeOfType(member, ctx)));
      return shapes.has('any') || shapes.size > 1 ? 'any' : [...shapes][0]!;
    }
    default:
      return 'scalar';
  }
}

function checkValue(value: Json, type: SpecType, path: string, ctx: Context): void {
  const fn = intrinsicName(value);
  if (fn !== undefined) {
    if (fn === 'Fn::If') {
      // Both branches must fit the property; AWS::NoValue removes it.
      checkIf(value as JsonObject, path, ctx, (branch, branchPath, branchCtx) => {
        if (!(isObject(branch) && branch.Ref === 'AWS::NoValue')) checkValue(branch, type, branchPath, branchCtx);
      });
    } else {
      walkIntrinsics(value, path, ctx);
    }
    return;
  }
  const expected = shapeOfType(type, ctx);
  const actual = shapeOf(value);
  if (expected !== 'any' && expected !== actual) {
    ctx.problems.push(`${path}: expected ${describeShape(expected)}, found ${describeShape(actual)}`);
    walkIntrinsics(value, path, ctx);
    return;
  }
  switch (type.type) {
    case 'ref': {
      const definition = ctx.spec.typeDefinition(type.reference.$ref);
      checkObject(value as JsonObject, definition.properties, path, definition.name, ctx);
      return;
    }
    case 'tag':
      checkObject(value as JsonObject, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, path, 'Tag', ctx);
      return;
    case 'array':
      (value as Json[]).forEach((item, index) => checkValue(item, type.element, `${path}[${index}]`, ctx));
      return;
    case 'map':
      for (const [key, item] of Object.entries(value as JsonObject)) checkValue(item, type.element, `${path}.${key}`, ctx);
      return;
    case 'union': {
      // A union of json and a structure is free-form; otherwise check against the
      // one member whose shape fits (the shapes differ, or the union is free-form).
      const members = type.types.filter((member) => shapeOfType(member, ctx) === actual);
      if (members.length === 1 && shapeOfType(type, ctx) !== 'any') checkValue(value, members[0]!, path, ctx);
      else walkIntrinsics(value, path, ctx);
      return;
    }
    default:
      walkIntrinsics(value, path, ctx);
  }
}

const describeShape = (shape: Shape | 'any') => (shape === 'array' ? 'a list' : shape === 'object' ? 'an object' : shape === 'scalar' ? 'a single value' : 'anything');

function checkIf(
  value: JsonObject,
  path: string,
  ctx: Context,
  onBranch: (branch: Json, branchPath: string, branchCtx: Context) => void,
): void {
  const args = value['Fn::If'];
  if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
    ctx.problems.push(`${path}: Fn::If takes [condition, value if true, value if false]`);
    return;
  }
  const [condition, whenTrue, whenFalse] = args as [string, Json, Json];
  if (!(condition in (ctx.template.Conditions ?? {}))) ctx.problems.push(`${path}: Fn::If on undefined condition ${condition}`);
  onBranch(whenTrue, `${path}(${condition})`, { ...ctx, active: new Set([...ctx.active, condition]) });
  onBranch(whenFalse, `${path}(!${condition})`, ctx);
}

/** Checks every intrinsic function inside `value`, whatever the surrounding type. */
function walkIntrinsics(value: Json, path: string, ctx: Context): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkIntrinsics(item, `${path}[${index}]`, ctx));
    return;
  }
  if (!isObject(value)) return;
  const fn = intrinsicName(value);
  if (fn === undefined) {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('Fn::')) ctx.problems.push(`${path}: ${key} must be the only key of its object`);
      walkIntrinsics(item, `${path}.${key}`, ctx);
    }
    return;
  }
  const args = value[fn]!;
  if (!INTRINSICS.has(fn)) {
    ctx.problems.push(`${path}: unknown intrinsic function ${fn}`);
    return;
  }
  switch (fn) {
    case 'Ref':
      if (typeof args !== 'string') ctx.problems.push(`${path}: Ref takes a name`);
      else checkName(args, path, ctx);
      return;
    case 'Fn::GetAtt': {
      const parts = typeof args === 'string' ? splitOnce(args) : args;
      if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
        ctx.problems.push(`${path}: Fn::GetAtt takes [resource, attribute]`);
        return;
      }
      if (typeof parts[1] === 'string') checkAttribute(parts[0], parts[1], path, ctx);
      else walkIntrinsics(parts[1]!, path, ctx);
      return;
    }
    case 'Fn::Sub': {
      const [text, variables] = typeof args === 'string' ? [args, {}] : Array.isArray(args) ? [args[0], args[1] ?? {}] : [undefined, {}];
      if (typeof text !== 'string' || !isObject(variables)) {
        ctx.problems.push(`${path}: Fn::Sub takes a string or [string, variables]`);
        return;
      }
      for (const [name, item] of Object.entries(variables)) walkIntrinsics(item, `${path}.${name}`, ctx);
      for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
        const variable = match[1]!;
        if (variable.startsWith('!') || variable in variables) continue;
        const dot = variable.indexOf('.');
        if (dot > 0) checkAttribute(variable.slice(0, dot), variable.slice(dot + 1), path, ctx);
        else checkName(variable, path, ctx);
      }
      return;
    }
    case 'Fn::If':
      checkIf(value, path, ctx, (branch, branchPath, branchCtx) => walkIntrinsics(branch, branchPath, branchCtx));
      return;
    case 'Fn::FindInMap': {
      const [map] = Array.isArray(args) ? args : [];
      if (typeof map === 'string' && !(map in (ctx.template.Mappings ?? {}))) ctx.problems.push(`${path}: Fn::FindInMap on undefined mapping ${map}`);
      walkIntrinsics(args, path, ctx);
      return;
    }
    case 'Fn::Equals':
    case 'Fn::Not':
    case 'Fn::And':
    case 'Fn::Or':
      checkConditionExpression(value, path, ctx);
      return;
    default:
      walkIntrinsics(args, path, ctx);
  }
}

function checkConditionExpression(expression: Json, path: string, ctx: Context): void {
  if (isObject(expression) && Object.keys(expression).length === 1 && 'Condition' in expression) {
    const name = expression.Condition;
    if (typeof name !== 'string' || !(name in (ctx.template.Conditions ?? {}))) {
      ctx.problems.push(`${path}: Condition ${JSON.stringify(name)} is not defined`);
    }
    return;
  }
  const fn = intrinsicName(expression);
  if (fn === 'Fn::Not' || fn === 'Fn::And' || fn === 'Fn::Or') {
    const args = (expression as JsonObject)[fn];
    if (!Array.isArray(args)) ctx.problems.push(`${path}: ${fn} takes a list`);
    else args.forEach((item, index) => checkConditionExpression(item, `${path}[${index}]`, ctx));
    return;
  }
  if (fn === 'Fn::Equals') {
    const args = (expression as JsonObject)[fn];
    if (!Array.isArray(args) || args.length !== 2) ctx.problems.push(`${path}: Fn::Equals takes two values`);
    else args.forEach((item, index) => walkIntrinsics(item, `${path}[${index}]`, ctx));
    return;
  }
  ctx.problems.push(`${path}: not a condition expression: ${JSON.stringify(expression)}`);
}

function refsIn(node: Json): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (!isObject(node)) return [];
  if (intrinsicName(node) === 'Ref' && typeof node.Ref === 'string') return [node.Ref];
  return Object.values(node).flatMap(refsIn);
}

const splitOnce = (text: string) => {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
};

/** A Ref or Sub name: a parameter, a pseudo parameter or a resource. */
function checkName(name: string, path: string, ctx: Context): void {
  if (PSEUDO_PARAMETERS.has(name) || name in (ctx.template.Parameters ?? {})) return;
  if (name in ctx.template.Resources) {
    checkReachable(name, path, ctx);
    return;
  }
  ctx.problems.push(`${path}: Ref to ${name}, which is not a parameter, pseudo parameter or resource`);
}

function checkAttribute(resourceName: string, attribute: string, path: string, ctx: Context): void {
  const resource = ctx.template.Resources[resourceName];
  if (!resource) {
    ctx.problems.push(`${path}: Fn::GetAtt on ${resourceName}, which is not a resource`);
    return;
  }
  checkReachable(resourceName, path, ctx);
  if (isCustomType(resource.Type)) return;
  const definition = ctx.spec.resource(resource.Type);
  if (!definition) return; // reported on the resource itself
  if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
  if (!(attribute in definition.attributes)) {
    ctx.problems.push(
      `${path}: ${resource.Type} has no attribute ${attribute} (has ${Object.keys(definition.attributes).join(', ') || 'none'})`,
    );
  }
}

/** A conditional resource may only be referenced where its condition is known true. */
function checkReachable(resourceName: string, path: string, ctx: Context): void {
  const condition = ctx.template.Resources[resourceName]?.Condition;
  if (condition !== undefined && !ctx.active.has(condition)) {
    ctx.problems.push(`${path}: refers to ${resourceName}, which exists only when ${condition}; wrap the reference in Fn::If [${condition}, ...]`);
  }
}
