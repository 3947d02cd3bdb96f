import { describe, expect, it } from 'vitest';
import { Rng } from '../../../bench/synth/rng.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Class: Rng', () => {
  it('gives the same sequence for the same label and a different one for another label', () => {
    // Prepare
    const a = new Rng('seed/1');
    const b = new Rng('seed/1');
    const c = new Rng('seed/2');
    // Act
    const draw = (r: Rng): number[] => Array.from({ length: 50 }, () => r.uint32());
    const [sa, sb, sc] = [draw(a), draw(b), draw(c)];
    // Assess
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('forks independent streams without moving the parent', () => {
    // Prepare
    const parent = new Rng('p');
    const untouched = new Rng('p');
    // Act
    const child = parent.fork('x');
    child.uint32();
    // Assess: the parent is where an unforked twin is, and the child differs from it.
    expect(parent.uint32()).toBe(untouched.uint32());
    expect(new Rng('p').fork('x').uint32()).toBe(new Rng('p').fork('x').uint32());
    expect(new Rng('p').fork('x').uint32()).not.toBe(new Rng('p').fork('y').uint32());
  });

  it('writes version-4 UUIDs without repeats', () => {
    // Prepare
    const r = new Rng('uuid');
    const seen = new Set<string>();
    // Act
    for (let i = 0; i < 20_000; i++) seen.add(r.uuid());
    // Assess
    expect(seen.size).toBe(20_000);
    for (const u of [...seen].slice(0, 500)) expect(u).toMatch(UUID_V4);
  });

  const poissonCases = [
    { lambda: 0.3 },
    { lambda: 4 },
    { lambda: 25 },
    { lambda: 120 },
  ];
  it.each(poissonCases)('draws Poisson counts with mean and variance near $lambda', ({ lambda }) => {
    // Prepare
    const r = new Rng(`poisson/${lambda}`);
    const n = 20_000;
    // Act
    const xs = Array.from({ length: n }, () => r.poisson(lambda));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    // Assess: within five standard errors.
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    expect(variance / lambda).toBeGreaterThan(0.9);
    expect(variance / lambda).toBeLessThan(1.1);
  });

  it('makes negative-binomial counts burstier than Poisson at the same mean', () => {
    // Prepare
    const r = new Rng('nb');
    const n = 20_000;
    // Act
    const xs = Array.from({ length: n }, () => r.negBinomial(10, 12));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    // Assess: variance = mean + mean²/shape = 18.3.
    expect(mean).toBeGreaterThan(9.7);
    expect(mean).toBeLessThan(10.3);
    expect(variance).toBeGreaterThan(16);
    expect(variance).toBeLessThan(21);
  });

  it('keeps int() inside its inclusive bounds and reaches both ends', () => {
    // Prepare
    const r = new Rng('int');
    // Act
    const xs = Array.from({ length: 5_000 }, () => r.int(3, 7));
    // Assess
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
  });
});
