import { describe, expect, it } from 'vitest';
import { argConstraintSchema, argPathSchema, decimalSchema } from './grant.js';

describe('grant schema boundaries', () => {
  it('refuses a cap Cedar could not evaluate (beyond its decimal range)', () => {
    expect(decimalSchema.safeParse('922337203685476.9999').success).toBe(true);
    expect(decimalSchema.safeParse('922337203685478').success).toBe(false);
    expect(decimalSchema.safeParse('999999999999999').success).toBe(false);
  });

  it('refuses a constraint on a prototype name (it could resolve to something inherited)', () => {
    for (const path of ['__proto__', 'a.constructor', 'prototype.x']) expect(argPathSchema.safeParse(path).success).toBe(false);
    expect(argPathSchema.safeParse('options.target').success).toBe(true);
  });

  it('refuses a relative path root (confinement needs an absolute anchor)', () => {
    expect(argConstraintSchema.safeParse({ path: { roots: ['data'] } }).success).toBe(false);
    expect(argConstraintSchema.safeParse({ path: { roots: ['/srv/data'] } }).success).toBe(true);
  });
});
