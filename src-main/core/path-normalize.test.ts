import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharonError } from './errors.js';
import { MAX_PATH_LENGTH, normalizePath } from './path-normalize.js';
import { codeOf } from '../test-support/error-code.js';

const BASE = '/srv/data';

describe('normalizePath: lexical resolution', () => {
  it.each([
    ['a/b.txt', '/srv/data/a/b.txt'],
    ['./a/./b', '/srv/data/a/b'],
    ['a//b/', '/srv/data/a/b'],
    ['.', '/srv/data'],
    ['a/..', '/srv/data'],
    ['..', '/srv'],
    ['../../../../..', '/'],
    ['/etc/passwd', '/etc/passwd'],
    ['/srv/data/../../etc', '/etc'],
    ['/..', '/'],
    ['/', '/'],
    ['...', '/srv/data/...'],
    ['a/.../b', '/srv/data/a/.../b'],
    ['.hidden', '/srv/data/.hidden'],
    ['100%.txt', '/srv/data/100%.txt'],
    ['50%off', '/srv/data/50%off'],
    ['notes:v2.txt', '/srv/data/notes:v2.txt'],
    ['my file.txt', '/srv/data/my file.txt'],
    ['a "quoted" name', '/srv/data/a "quoted" name'],
    ['a/~b', '/srv/data/a/~b'],
    ['caf\u00e9', '/srv/data/caf\u00e9'],
    ['cafe\u0301', '/srv/data/caf\u00e9'],
    ['\u65e5\u672c\u8a9e/\u30d5\u30a1\u30a4\u30eb.txt', '/srv/data/\u65e5\u672c\u8a9e/\u30d5\u30a1\u30a4\u30eb.txt'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizePath(raw, BASE)).toBe(expected);
  });
});

describe('normalizePath: refusals, each named after the attack', () => {
  it.each([
    ['empty path', ''],
    ['NUL byte truncation (file.txt\\0.png)', 'file.txt\u0000.png'],
    ['newline (log and header injection)', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['tab', 'a\tb'],
    ['escape sequence (terminal injection)', 'a\u001b[2Jb'],
    ['DEL', 'a\u007fb'],
    ['C1 control (U+0085 next line)', 'a\u0085b'],
    ['%2e%2e%2f encoded traversal', '%2e%2e%2fetc'],
    ['%2E%2E%2F upper-case encoded traversal', '%2E%2E%2Fetc'],
    ['%252e%252e%252f double-encoded traversal', '%252e%252e%252fetc'],
    ['..%2f half-encoded traversal', '..%2fetc'],
    ['..%5c encoded backslash', '..%5cetc'],
    ['%00 encoded NUL', 'file%00.txt'],
    ['%c0%ae overlong UTF-8 dot', '%c0%ae%c0%ae/etc'],
    ['%u002e IIS unicode escape', '%u002e%u002e/etc'],
    ['%２e fullwidth-digit escape (NFKC folds it to %2e)', '%\uff12e%\uff12e/etc'],
    ['..\\ backslash traversal', '..\\..\\etc'],
    ['backslash inside a name', 'a\\b'],
    ['C:\\Windows drive letter', 'C:\\Windows\\System32'],
    ['C:/Windows drive letter with slashes', 'C:/Windows'],
    ['c: drive-relative', 'c:foo'],
    ['\\\\server\\share UNC', '\\\\server\\share\\x'],
    ['//server/share UNC with slashes', '//server/share/x'],
    ['\\\\?\\ device path', '\\\\?\\C:\\x'],
    ['\\\\.\\ device path', '\\\\.\\PhysicalDrive0'],
    ['//./ device path with slashes', '//./pipe/x'],
    ['/// (leading double slash is implementation-defined in POSIX)', '///etc'],
    ['file:// URL', 'file:///etc/passwd'],
    ['trailing space (the server trims it and opens another file)', 'sub/a '],
    ['trailing no-break space (trimmed too)', 'sub/a\u00a0'],
    ['trailing ideographic space', 'sub/a\u3000'],
    ['leading space before an absolute path', ' /etc/passwd'],
    ['surrounding double quotes (the server strips them)', '"/etc/passwd"'],
    ['trailing single quote', "sub/a'"],
    ['~ home expansion', '~'],
    ['~/ home expansion', '~/.ssh/id_rsa'],
    ['~user home expansion', '~root/.ssh/id_rsa'],
    ['fullwidth solidus ..／', '..\uff0f..\uff0fetc'],
    ['fullwidth reverse solidus ..＼', '..\uff3cetc'],
    ['division slash ..∕', '..\u2215etc'],
    ['fraction slash ..⁄', '..\u2044etc'],
    ['big solidus', '..\u29f8etc'],
    ['one-dot leader ․․/', '\u2024\u2024/etc'],
    ['two-dot leader ‥/', '\u2025/etc'],
    ['ellipsis …/', '\u2026/etc'],
    ['fullwidth full stop ．．/', '\uff0e\uff0e/etc'],
    ['small full stop ﹒﹒/', '\ufe52\ufe52/etc'],
    ['fullwidth percent ％2e', '\uff052e\uff052e/etc'],
    ['ideographic full stop', '\u3002\u3002/etc'],
    ['RTL override (U+202E) disguising the name', 'invoice\u202Etxt.exe'],
    ['RTL isolate (U+2067)', 'a\u2067b'],
    ['zero-width space inside ..', '.\u200b./etc'],
    ['zero-width joiner inside ..', '.\u200d./etc'],
    ['byte-order mark', '\ufeff../etc'],
    ['soft hyphen', 'a\u00adb'],
    ['word joiner', '.\u2060./etc'],
    ['Hangul filler (invisible, not Cf)', 'a\u3164b'],
    ['line separator', 'a\u2028b'],
    ['combining mark on a dot', '.\u0338./etc'],
    ['combining mark opening a name (it would sit on the slash)', 'a/\u0301b'],
    ['combining mark opening a relative path', '\u0301b'],
    ['lone surrogate (ill-formed UTF-16)', 'a\ud800b'],
    ['very long path', 'a/'.repeat(2100)],
    ['name longer than 255 bytes', 'x'.repeat(256)],
    ['name longer than 255 bytes in UTF-8 only', '\u00e9'.repeat(128)],
  ])('%s → ERR_ARGUMENT_INVALID', (_name, raw) => {
    expect(codeOf(() => normalizePath(raw, BASE))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('refuses a non-string at runtime (the types do not hold for untrusted JSON)', () => {
    expect(codeOf(() => normalizePath(42 as unknown as string, BASE))).toBe('ERR_ARGUMENT_INVALID');
    expect(codeOf(() => normalizePath(['/etc'] as unknown as string, BASE))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('refuses a path that grows too long once resolved against the base', () => {
    const base = `/${'b'.repeat(200)}/${'c'.repeat(200)}`;
    const raw = Array.from({ length: 20 }, () => 'd'.repeat(190)).join('/');
    expect(raw.length).toBeLessThan(MAX_PATH_LENGTH);
    expect(codeOf(() => normalizePath(raw, base))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('names the reason without echoing the raw path', () => {
    try {
      normalizePath(`%2e%2e/${'secret'.repeat(50)}`, BASE);
      expect.unreachable();
    } catch (error) {
      expect((error as CharonError).message).toMatch(/percent-encoded/);
      expect((error as CharonError).message).not.toContain('secret');
    }
  });

  it('a relative base is a caller bug', () => {
    expect(() => normalizePath('a', 'srv')).toThrow(TypeError);
  });
});

/** Path-flavoured strings: fragments that matter to paths, mixed with arbitrary text. */
const pathish = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom('/', '.', '..', '//', '\\', '%2e', '%', '~', 'a', 'b', 'C:', '\u2024', '\uff0f', '\u200b', '\u0000', 'e\u0301', '\u00e9', 'link'), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

describe('normalizePath properties', () => {
  it('is idempotent, and its output is absolute and free of ".", ".." and empty segments', () => {
    fc.assert(
      fc.property(pathish, (raw) => {
        let once: string;
        try {
          once = normalizePath(raw, BASE);
        } catch (error) {
          expect(error).toBeInstanceOf(CharonError);
          expect((error as CharonError).code).toBe('ERR_ARGUMENT_INVALID');
          return;
        }
        expect(normalizePath(once, BASE)).toBe(once);
        expect(normalizePath(once, '/elsewhere')).toBe(once);
        expect(once.startsWith('/')).toBe(true);
        if (once !== '/') expect(once.split('/').slice(1)).not.toContainEqual(expect.stringMatching(/^(|\.|\.\.)$/));
        expect(once.normalize('NFC')).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });
});
