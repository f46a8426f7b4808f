import { describe, expect, it } from 'vitest';
import { flavourOf, isWithinRoot, normalizeAbsolutePath } from './grant-paths.js';

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

  it('sibling-prefix: /data2 and /data-old are not inside /data; parents and other paths are not either', () => {
    expect(isWithinRoot('/data-old/x', '/data')).toBe(false);
    expect(isWithinRoot('/', '/data')).toBe(false);
    expect(isWithinRoot('/Data/x', '/data')).toBe(false);
    expect(isWithinRoot('/', '/')).toBe(true);
    expect(isWithinRoot('C:\\data2\\x', 'C:\\data')).toBe(false);
  });

  it('relative paths are within nothing', () => {
    expect(isWithinRoot('data/x', '/data')).toBe(false);
    expect(isWithinRoot('/data/x', 'data')).toBe(false);
  });

  it('Windows: UNC roots, case-insensitive containment, drives and shares never mixed', () => {
    expect(normalizeAbsolutePath('\\\\srv\\share\\x\\..\\..\\y')).toBe('\\\\srv\\share\\y');
    // Forward slashes lead a POSIX path: Linux reads "//a//b" as "/a/b".
    expect(normalizeAbsolutePath('//srv/share')).toBe('/srv/share');
    expect(normalizeAbsolutePath('\\\\srv\\share')).toBe('\\\\srv\\share\\');
    expect(normalizeAbsolutePath('\\\\srv')).toBeNull();
    expect(isWithinRoot('c:\\USERS\\Bob\\notes.txt', 'C:\\Users\\bob')).toBe(true);
    expect(isWithinRoot('\\\\SRV\\Share\\a\\b', '\\\\srv\\share\\a')).toBe(true);
    expect(isWithinRoot('D:\\Users\\bob', 'C:\\Users\\bob')).toBe(false);
    expect(isWithinRoot('\\\\srv\\other\\a', '\\\\srv\\share')).toBe(false);
    expect(isWithinRoot('C:\\a', '/')).toBe(false);
    expect(flavourOf('C:/x')).toBe('win32');
    expect(flavourOf('/x')).toBe('posix');
    expect(flavourOf('x')).toBeNull();
  });
});
