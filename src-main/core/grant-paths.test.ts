import { describe, expect, it } from 'vitest';
import { isWithinRoot, normalizeAbsolutePath } from './grant-paths.js';

describe('grant paths', () => {
  it('normalizes absolute paths lexically and refuses relative ones', () => {
    expect(normalizeAbsolutePath('/a/./b/../c/')).toBe('/a/c');
    expect(normalizeAbsolutePath('//a//b')).toBe('/a/b');
    expect(normalizeAbsolutePath('/../../etc')).toBe('/etc');
    expect(normalizeAbsolutePath('/')).toBe('/');
    expect(normalizeAbsolutePath('c:/Users\\u/../v')).toBe('C:\\Users\\v');
    expect(normalizeAbsolutePath('C:\\')).toBe('C:\\');
    expect(normalizeAbsolutePath('a/b')).toBeNull();
    expect(normalizeAbsolutePath('')).toBeNull();
    expect(normalizeAbsolutePath('/a\0b')).toBeNull();
  });

  it('compares whole segments, never string prefixes', () => {
    expect(isWithinRoot('/data', '/data')).toBe(true);
    expect(isWithinRoot('/data/x', '/data')).toBe(true);
    expect(isWithinRoot('/data2/x', '/data')).toBe(false);
    expect(isWithinRoot('/anything', '/')).toBe(true);
    expect(isWithinRoot('C:\\a\\b', 'C:\\a')).toBe(true);
    expect(isWithinRoot('/a/b', 'C:\\a')).toBe(false);
  });
});
