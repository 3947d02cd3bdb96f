import { describe, expect, it } from 'vitest';
import { evaluateConditions, resolveScenario, substitute, type Template } from './support/template.js';

// The guard rules see templates resolved by these functions; a wrong resolution would
// hide a statement from them or show them one that never deploys.
const template = (): Template => ({
  Parameters: {
    Key: { Type: 'String', Default: '' },
    Mode: { Type: 'String', Default: 'a' },
  },
  Conditions: {
    HasKey: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Key' }, ''] }] },
    ModeA: { 'Fn::Equals': [{ Ref: 'Mode' }, 'a'] },
    KeyAndA: { 'Fn::And': [{ Condition: 'HasKey' }, { Condition: 'ModeA' }] },
    KeyOrB: { 'Fn::Or': [{ Condition: 'HasKey' }, { 'Fn::Not': [{ Condition: 'ModeA' }] }] },
  },
  Resources: {
    Always: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Statement: [{ Sid: 'base' }, { 'Fn::If': ['HasKey', { Sid: 'kms' }, { Ref: 'AWS::NoValue' }] }],
        Optional: { 'Fn::If': ['ModeA', { Ref: 'AWS::NoValue' }, 'b-only'] },
      },
    },
    OnlyWithKey: { Type: 'AWS::KMS::Key', Condition: 'HasKey', Properties: {} },
  },
  Outputs: { KeyArn: { Condition: 'HasKey', Value: { Ref: 'OnlyWithKey' } } },
});

describe('Function: evaluateConditions', () => {
  it.each([
    [{}, { HasKey: false, ModeA: true, KeyAndA: false, KeyOrB: false }],
    [{ Key: 'k' }, { HasKey: true, ModeA: true, KeyAndA: true, KeyOrB: true }],
    [{ Mode: 'b' }, { HasKey: false, ModeA: false, KeyAndA: false, KeyOrB: true }],
  ])('evaluates Equals, Not, And, Or and Condition for %j', (values, expected) => {
    const parameters = { Key: '', Mode: 'a', ...values };

    expect(evaluateConditions(template(), parameters)).toEqual(expected);
  });
});

describe('Function: resolveScenario', () => {
  it('drops conditional resources, outputs and statements when their condition is false', () => {
    const resolved = resolveScenario(template());

    expect(Object.keys(resolved.Resources)).toEqual(['Always']);
    expect(resolved.Outputs).toEqual({});
    expect(resolved.Resources.Always!.Properties).toEqual({ Statement: [{ Sid: 'base' }] });
    expect(resolved.Conditions).toBeUndefined();
  });

  it('keeps them, without the Condition attribute, when true', () => {
    const resolved = resolveScenario(template(), { Key: 'k', Mode: 'b' });

    expect(resolved.Resources.OnlyWithKey).toEqual({ Type: 'AWS::KMS::Key', Properties: {} });
    expect(resolved.Outputs).toEqual({ KeyArn: { Value: { Ref: 'OnlyWithKey' } } });
    expect(resolved.Resources.Always!.Properties).toEqual({ Statement: [{ Sid: 'base' }, { Sid: 'kms' }], Optional: 'b-only' });
  });

  it('refuses a scenario value for a parameter the template does not have', () => {
    expect(() => resolveScenario(template(), { Kye: 'k' })).toThrow(/Kye/);
  });
});

describe('Function: substitute', () => {
  it('fills Fn::Sub from its variables, parameters and pseudo parameters', () => {
    const value = { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${Bucket}/${Prefix}x/${Queue.Arn}/${!Literal}', { Prefix: { Ref: 'Key' } }] };

    expect(substitute(value, { Bucket: 'b', Key: 'p/' })).toBe('arn:aws:s3:::b/p/x/<Queue.Arn>/${Literal}');
  });
});

