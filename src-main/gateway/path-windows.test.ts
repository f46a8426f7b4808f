// Windows path arguments (the lexical step of confinement, core/path-normalize), checked on any
// host with path.win32 as the reference: what is accepted resolves exactly as path.win32.resolve
// would; what Windows would read differently from its text (drive-relative, streams, stripped
// dots, device names, short names) is refused by name.
import { win32 } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharonError } from '../core/errors.js';
import { normalizePath } from '../core/path-normalize.js';
import { codeOf } from '../test-support/error-code.js';

const BASE = 'C:\\srv\\data';

/** path.win32.resolve, in our canonical form: drive letter upper case, no trailing separator below a root. */
function oracle(raw: string): string {
  const resolved = win32.resolve(BASE, raw).replace(/^[a-z]:/, (d) => d.toUpperCase());
  return /^(?:[A-Z]:\\|\\\\[^\\]+\\[^\\]+\\)$/.test(resolved) ? resolved : resolved.replace(/\\$/, '');
}

describe('normalizePath, Windows flavour (the base is a Windows path): resolution as path.win32 does it', () => {
  it.each([
    ['a\\b.txt', 'C:\\srv\\data\\a\\b.txt'],
    ['a/b.txt', 'C:\\srv\\data\\a\\b.txt'],
    ['.\\a\\.\\b\\', 'C:\\srv\\data\\a\\b'],
    ['..\\x', 'C:\\srv\\x'],
    ['..\\..\\..\\..', 'C:\\'],
    ['C:\\Windows\\win.ini', 'C:\\Windows\\win.ini'],
    ['c:/Users/bob/../alice', 'C:\\Users\\alice'],
    ['D:\\other', 'D:\\other'],
    ['\\\\server\\share\\dir\\f.txt', '\\\\server\\share\\dir\\f.txt'],
    ['//server/share/x/../../../y', '\\\\server\\share\\y'],
    ['caf\u00e9.txt', 'C:\\srv\\data\\caf\u00e9.txt'],
    ['a~b', 'C:\\srv\\data\\a~b'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizePath(raw, BASE)).toBe(expected);
    expect(oracle(raw)).toBe(expected);
  });

  it('property: any accepted path is exactly what path.win32.resolve makes of it', () => {
    const alphabet = fc.constantFrom('a', 'B', '.', '..', '\\', '/', ':', '~1', ' ', 'C:', 'CON', 'x.txt', '\\\\', '%2e', '\u00e9');
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 1, maxLength: 12 }), (parts) => {
        const raw = parts.join('');
        let normalized: string;
        try {
          normalized = normalizePath(raw, BASE);
        } catch (error) {
          expect(error).toBeInstanceOf(CharonError);
          return;
        }
        expect(normalized).toBe(oracle(raw));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizePath, Windows flavour: refusals, each named after the attack', () => {
  it.each([
    ['drive-relative path (C:name uses the drive\'s current directory)', 'C:secret.txt'],
    ['root-relative path (\\name uses the current drive)', '\\Windows\\win.ini'],
    ['alternate data stream (::$DATA)', 'secret.txt::$DATA'],
    ['named alternate data stream', 'notes.txt:hidden'],
    ['trailing dot (stripped by Win32: opens secret.txt)', 'secret.txt.'],
    ['trailing space (stripped by Win32)', 'dir \\secret.txt'],
    ['device name CON', 'CON'],
    ['device name with an extension (nul.txt is NUL)', 'logs\\nul.txt'],
    ['device name COM1', 'COM1'],
    ['device name with a superscript digit (LPT¹)', 'LPT\u00b9'],
    ['8.3 short name alias (PROGRA~1)', 'PROGRA~1\\x'],
    ['wildcard *', 'a*.txt'],
    ['wildcard ?', 'a?.txt'],
    ['Win32 device path \\\\?\\', '\\\\?\\C:\\secret.txt'],
    ['Win32 device path \\\\.\\', '\\\\.\\PhysicalDrive0'],
    ['NT object namespace \\??\\', '\\??\\C:\\secret.txt'],
    ['device path with forward slashes', '//?/C:/secret.txt'],
    ['file: URL', 'file:///C:/secret.txt'],
    ['home directory ~', '~\\secret.txt'],
    ['percent-encoded traversal', '%2e%2e\\secret.txt'],
    ['fullwidth reverse solidus (Unicode look-alike of \\)', '..\uff3csecret.txt'],
    ['NUL byte', 'a.txt\u0000\\..\\..\\x'],
  ])('%s: ERR_ARGUMENT_INVALID', (_attack, raw) => {
    expect(codeOf(() => normalizePath(raw, BASE))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('a POSIX base still refuses Windows forms (the flavour follows the root, never the argument)', () => {
    for (const raw of ['C:\\Windows\\win.ini', '\\\\server\\share\\x', 'a\\b']) expect(codeOf(() => normalizePath(raw, '/srv/data'))).toBe('ERR_ARGUMENT_INVALID');
  });
});
