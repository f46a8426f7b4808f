import { describe, expect, it } from 'vitest';
import { isPathWithin } from './path-within.js';

describe('isPathWithin', () => {
  it('the root itself and paths below it are within', () => {
    expect(isPathWithin('/data', '/data')).toBe(true);
    expect(isPathWithin('/data/a/b', '/data')).toBe(true);
    expect(isPathWithin('/anything', '/')).toBe(true);
    expect(isPathWithin('/', '/')).toBe(true);
  });

  it('sibling-prefix: /data2 is not inside /data (segment-wise, not string prefix)', () => {
    expect(isPathWithin('/data2', '/data')).toBe(false);
    expect(isPathWithin('/data2/x', '/data')).toBe(false);
    expect(isPathWithin('/data-old/x', '/data')).toBe(false);
  });

  it('parents and unrelated paths are not within', () => {
    expect(isPathWithin('/', '/data')).toBe(false);
    expect(isPathWithin('/etc/passwd', '/data')).toBe(false);
    expect(isPathWithin('/Data/x', '/data')).toBe(false);
  });

  it('relative paths are a caller bug', () => {
    expect(() => isPathWithin('data/x', '/data')).toThrow(TypeError);
    expect(() => isPathWithin('/data/x', 'data')).toThrow(TypeError);
  });
});
