import { describe, expect, it } from 'vitest';
import { normalizeResourceUri, resourceUriProblem } from './resource-uri.js';

describe('normalizeResourceUri', () => {
  it('keeps ordinary URIs, with dot segments removed as a URL parser removes them', () => {
    expect(normalizeResourceUri('docs:///public/readme.md')).toBe('docs:///public/readme.md');
    expect(normalizeResourceUri('file:///data/a/../b.txt')).toBe('file:///data/b.txt');
    expect(normalizeResourceUri('test://static/resource/1')).toBe('test://static/resource/1');
    expect(normalizeResourceUri('https://example.test/a%20b?q=1')).toBe('https://example.test/a%20b?q=1');
  });

  it('refuses percent-encoded separators and dots in any case, and double encodings', () => {
    for (const uri of ['docs:///public/..%2foutside%2fsecret', 'docs:///public/..%2Foutside', 'docs:///public/%2e%2e/secret', 'docs:///public/%2E%2E%2Fsecret', 'docs:///public/..%5csecret', 'docs:///public/..%252fsecret', 'file:///data/%2e%2e/etc/passwd']) {
      expect(normalizeResourceUri(uri), uri).toBeNull();
    }
  });

  it('refuses backslashes, dot segments an opaque path keeps, and what is not an absolute URI', () => {
    expect(normalizeResourceUri('docs:///public/..\\secret')).toBeNull();
    expect(normalizeResourceUri('docs:public/../secret')).toBeNull();
    expect(normalizeResourceUri('/relative/path')).toBeNull();
    expect(resourceUriProblem('docs:public/./x')).toMatch(/segment/);
  });
});
