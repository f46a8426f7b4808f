// Path-escape attacks against a real directory tree with real symbolic links. Each test is named
// after the attack it stops and asserts the typed error code the agent gets.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharonError } from '../core/errors.js';
import { isWithinRoot } from '../core/grant-paths.js';
import { confinePath } from './path-confinement.js';

let tmp: string;
let root: string;
let outside: string;
let root2: string;

/** Where a confined path really leads (what is forwarded). */
const realOf = async (raw: string, roots: readonly string[]): Promise<string> => (await confinePath(raw, roots)).real;

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof CharonError ? error.code : `not a CharonError: ${String(error)}`;
  }
  return undefined;
}

beforeAll(async () => {
  // realpath: on macOS the temp dir itself lives behind the /var → /private/var link.
  tmp = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'charon-confine-')));
  root = join(tmp, 'root');
  outside = join(tmp, 'outside');
  root2 = join(tmp, 'root2');
  await fs.mkdir(join(root, 'sub', 'deeper'), { recursive: true });
  await fs.mkdir(outside);
  await fs.mkdir(root2);
  await fs.writeFile(join(root, 'sub', 'file.txt'), 'inside');
  await fs.writeFile(join(outside, 'secret.txt'), 'outside');
  await fs.writeFile(join(root2, 'secret.txt'), 'sibling');
  const link = (target: string, name: string) => fs.symlink(target, join(root, name));
  await link('../outside', 'link-out');
  await link(outside, 'abs-out');
  await link('chain2', 'chain1');
  await link('chain3', 'chain2');
  await link('../outside', 'chain3');
  await link('sub', 'link-in');
  await link('../outside/created-later.txt', 'dangling-out');
  await link('dangling-out', 'dangling-chain');
  await link('link-out/new-dir/new.txt', 'dangling-through-link');
  await link('sub/created-later.txt', 'dangling-in');
  await link('loop-b', 'loop-a');
  await link('loop-a', 'loop-b');
  await link('../outside/secret.txt', 'file-link-out');
  await link('sub/../../outside', 'target-with-dotdot');
  await link('..', 'parent-link');
  await link('/', 'fs-root');
  await fs.symlink(root, join(tmp, 'alias-root'));
  // Names that differ only in Unicode normalization: distinct entries on Linux.
  await fs.mkdir(join(root, 'uni'));
  await fs.symlink(outside, join(root, 'uni', 'cafe\u0301'));
  await fs.mkdir(join(root, 'uni', 'nai\u0308ve'));
  await fs.writeFile(join(root, 'trimmed'), 'x');
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('confinePath: legitimate paths', () => {
  it('a nested existing file, relative to the first root or absolute', async () => {
    expect(await realOf('sub/file.txt', [root])).toBe(join(root, 'sub', 'file.txt'));
    expect(await realOf(join(root, 'sub', 'file.txt'), [root])).toBe(join(root, 'sub', 'file.txt'));
  });

  it('a file that does not exist yet (write_file), in nested directories that do not exist yet', async () => {
    expect(await realOf('sub/new.txt', [root])).toBe(join(root, 'sub', 'new.txt'));
    expect(await realOf('a/b/c/new.txt', [root])).toBe(join(root, 'a', 'b', 'c', 'new.txt'));
  });

  it('the root itself', async () => {
    expect(await realOf('.', [root])).toBe(root);
    expect(await realOf(root, [root])).toBe(root);
    expect(await realOf(`${root}/`, [root])).toBe(root);
  });

  it('"..": harmless traversal that stays inside', async () => {
    expect(await realOf('sub/deeper/../file.txt', [root])).toBe(join(root, 'sub', 'file.txt'));
  });

  it('a symbolic link inside the root pointing inside is followed to its real location', async () => {
    expect(await realOf('link-in/file.txt', [root])).toBe(join(root, 'sub', 'file.txt'));
    expect(await realOf('dangling-in', [root])).toBe(join(root, 'sub', 'created-later.txt'));
  });

  it('a second root admits its own paths; a relative path is resolved against the first root only', async () => {
    expect(await realOf(join(root2, 'secret.txt'), [root, root2])).toBe(join(root2, 'secret.txt'));
    expect(await realOf('secret.txt', [root, root2])).toBe(join(root, 'secret.txt'));
  });

  it('a root given through a symbolic link (like /tmp on macOS) is compared by its real location', async () => {
    const alias = join(tmp, 'alias-root');
    expect(await realOf('sub/file.txt', [alias])).toBe(join(root, 'sub', 'file.txt'));
    expect(await realOf(join(alias, 'sub', 'file.txt'), [alias])).toBe(join(root, 'sub', 'file.txt'));
    expect(await realOf(join(root, 'sub', 'file.txt'), [alias])).toBe(join(root, 'sub', 'file.txt'));
    // The policy sees the same place under the root as the grant wrote it, so its `like` pattern matches.
    expect(await confinePath('sub/file.txt', [alias])).toEqual({ real: join(root, 'sub', 'file.txt'), granted: join(alias, 'sub', 'file.txt') });
  });

  it('a link leaving the root and coming back is judged by where it really leads', async () => {
    expect(await realOf('parent-link/root/sub/file.txt', [root])).toBe(join(root, 'sub', 'file.txt'));
  });

  it('Unicode is NFC-normalized: the returned path is the one to forward', async () => {
    expect(await realOf('sub/cafe\u0301.txt', [root])).toBe(join(root, 'sub', 'caf\u00e9.txt'));
  });

  it('a missing NFC name with an existing NFD twin resolves to the twin (as a Unicode-aware server would open it)', async () => {
    expect(await realOf('uni/na\u00efve/new.txt', [root])).toBe(join(root, 'uni', 'nai\u0308ve', 'new.txt'));
  });

  it('a deep path that does not exist yet is resolved quickly', async () => {
    const deep = 'd/'.repeat(1500);
    const started = Date.now();
    expect(await realOf(deep, [root])).toBe(`${root}/${deep.slice(0, -1)}`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a root that does not exist contains nothing', async () => {
    expect(await codeOf(confinePath('x', [join(tmp, 'missing-root')]))).toBe('ERR_PATH_OUTSIDE_ROOT');
  });

  it('a malformed root is the caller\'s bug (TypeError), not the agent\'s refusal', async () => {
    await expect(confinePath('x', ['relative/root'])).rejects.toThrow(TypeError);
    await expect(confinePath('x', [])).rejects.toThrow(TypeError);
    // Each host confines its own flavour: a Windows root on a POSIX host is a configuration bug.
    await expect(confinePath('x', ['C:\\data'])).rejects.toThrow(TypeError);
    await expect(confinePath('x', ['/data'], 'win32')).rejects.toThrow(TypeError);
  });
});

describe('confinePath: path-escape attacks', () => {
  const outsideCases: Array<[string, () => string]> = [
    ['../ chain to the parent', () => '../outside/secret.txt'],
    ['long ../ chain to /etc/passwd', () => '../../../../../../../../etc/passwd'],
    ['absolute path outside', () => '/etc/passwd'],
    ['absolute path to the parent of the root', () => tmp],
    ['/root/../../etc climbing out of an absolute root path', () => `${root}/../../etc/passwd`],
    ['trailing /.. on the root', () => `${root}/..`],
    ['trailing /.. on a subdirectory chain', () => 'sub/../..'],
    ['sibling prefix: /tmp/root2 vs /tmp/root', () => join(root2, 'secret.txt')],
    ['sibling prefix by relative path', () => '../root2/secret.txt'],
    ['symlink inside the root pointing outside (relative target)', () => 'link-out/secret.txt'],
    ['symlink inside the root pointing outside (absolute target)', () => 'abs-out/secret.txt'],
    ['symlink to a file outside', () => 'file-link-out'],
    ['symlink chain ending outside', () => 'chain1/secret.txt'],
    ['not-yet-existing file under a symlinked dir pointing outside', () => 'link-out/new.txt'],
    ['not-yet-existing nested dirs under a symlinked dir pointing outside', () => 'link-out/a/b/new.txt'],
    ['dangling symlink whose target outside does not exist yet (write through it)', () => 'dangling-out'],
    ['chain of dangling symlinks ending outside', () => 'dangling-chain'],
    ['dangling symlink whose target goes through another link outside', () => 'dangling-through-link'],
    ['symlink whose target uses .. to leave', () => 'target-with-dotdot/secret.txt'],
    ['symlink to the parent directory', () => 'parent-link/outside/secret.txt'],
    ['symlink to the filesystem root', () => 'fs-root/etc/passwd'],
    ['NFC name whose NFD twin is a symlink outside (Unicode-equivalence lookup)', () => 'uni/caf\u00e9/secret.txt'],
    ['the root symlinked under another name is still only the root (alias does not widen)', () => join(tmp, 'alias-root', '..', 'outside')],
  ];
  it.each(outsideCases)('%s → ERR_PATH_OUTSIDE_ROOT', async (_name, raw) => {
    expect(await codeOf(confinePath(raw(), [root]))).toBe('ERR_PATH_OUTSIDE_ROOT');
  });

  const invalidCases: Array<[string, string]> = [
    ['%2e%2e%2f encoded traversal', '%2e%2e%2foutside/secret.txt'],
    ['%252e%252e%252f double-encoded traversal', '%252e%252e%252foutside/secret.txt'],
    ['..%5c encoded backslash', '..%5coutside'],
    ['..\\ backslash traversal', '..\\outside\\secret.txt'],
    ['NUL byte truncation', 'sub/file.txt\u0000/../../outside'],
    ['C:\\Windows drive path', 'C:\\Windows\\System32'],
    ['\\\\server\\share UNC path', '\\\\server\\share\\x'],
    ['//server/share UNC path', '//server/share/x'],
    ['\\\\?\\ device path', '\\\\?\\C:\\x'],
    ['fullwidth solidus ..／', '..\uff0foutside\uff0fsecret.txt'],
    ['one-dot leader ․․/', '\u2024\u2024/outside/secret.txt'],
    ['~/… home expansion', '~/.ssh/id_rsa'],
    ['very long path', `${'a/'.repeat(2100)}x`],
    ['RTL override characters', 'sub/\u202Etxt.exe'],
    ['zero-width space inside ..', '.\u200b./outside/secret.txt'],
    ['symlink loop', 'loop-a/x'],
    ['file:// URL', 'file:///etc/passwd'],
    ['trailing space: checked as one file, opened trimmed as another', 'trimmed '],
    ['quoted absolute path the server would unquote', '"/etc/passwd"'],
  ];
  it.each(invalidCases)('%s → ERR_ARGUMENT_INVALID', async (_name, raw) => {
    expect(await codeOf(confinePath(raw, [root]))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('symlink followed by "..": resolved lexically, so the forwarded path stays inside', async () => {
    // The kernel would read link-out/.. as the parent of the link's target; the lexical reading
    // is root/root2/…, inside. Forwarding the returned path (not the raw one) keeps them equal.
    const resolved = await realOf('link-out/../root2/secret.txt', [root]);
    expect(resolved).toBe(join(root, 'root2', 'secret.txt'));
  });

  it('refusals do not reveal whether a path outside exists', async () => {
    const a = await confinePath('/etc/passwd', [root]).catch((e: unknown) => e as CharonError);
    const b = await confinePath('/etc/no-such-file-here', [root]).catch((e: unknown) => e as CharonError);
    expect(a).toBeInstanceOf(CharonError);
    expect((a as CharonError).toPayload()).toEqual((b as CharonError).toPayload());
  });
});

/** Path-flavoured strings built from the tree's own links, traversal and encoding fragments, and arbitrary text. */
const pathish = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.constantFrom('/', '.', '..', '../', 'sub', 'link-out', 'abs-out', 'chain1', 'link-in', 'dangling-out', 'dangling-chain', 'dangling-through-link', 'target-with-dotdot', 'parent-link', 'fs-root', 'loop-a', 'outside', 'root', 'root2', 'secret.txt', 'new', '%2e', '\\', '\uff0f', '\u2024', '~', 'C:', '\u0000', 'e\u0301', 'uni', 'caf\u00e9', 'na\u00efve', ' ', '"'),
        fc.string({ maxLength: 3 }),
      ),
      { maxLength: 10 },
    )
    .map((parts) => parts.join('/')),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** Independent check of "never escapes": below the returned path's longest existing prefix, nothing is a link. */
async function assertNoLinkLeft(resolved: string): Promise<void> {
  let prefix = resolved;
  for (;;) {
    const real = await fs.realpath(prefix).catch(() => null);
    if (real !== null) {
      expect(real).toBe(prefix);
      return;
    }
    const stat = await fs.lstat(prefix).catch(() => null);
    if (stat !== null) expect(stat.isSymbolicLink()).toBe(false);
    prefix = prefix.slice(0, prefix.lastIndexOf('/')) || '/';
  }
}

describe('confinePath, Windows flavour (what runs on a Windows host; here no such volume exists)', () => {
  it('Windows forms that Win32 would read differently are refused before any filesystem access', async () => {
    for (const raw of ['C:secret.txt', 'secret.txt::$DATA', 'secret.txt.', 'PROGRA~1\\x', '\\\\?\\C:\\x', 'nul']) {
      expect(await codeOf(confinePath(raw, ['C:\\data'], 'win32'))).toBe('ERR_ARGUMENT_INVALID');
    }
  });

  it('a root that does not exist contains nothing: fails closed', async () => {
    expect(await codeOf(confinePath('notes.txt', ['C:\\data'], 'win32'))).toBe('ERR_PATH_OUTSIDE_ROOT');
    expect(await codeOf(confinePath('\\\\srv\\share\\x', ['\\\\srv\\share'], 'win32'))).toBe('ERR_PATH_OUTSIDE_ROOT');
  });
});

describe('confinePath property', () => {
  it('for arbitrary strings, either a typed refusal or a real path inside the root', async () => {
    await fc.assert(
      fc.asyncProperty(pathish, fc.boolean(), async (tail, absolute) => {
        const raw = absolute ? `${root}/${tail}` : tail;
        let resolved: string;
        try {
          resolved = await realOf(raw, [root]);
        } catch (error) {
          expect(error).toBeInstanceOf(CharonError);
          expect(['ERR_ARGUMENT_INVALID', 'ERR_PATH_OUTSIDE_ROOT']).toContain((error as CharonError).code);
          return;
        }
        expect(isWithinRoot(resolved, root)).toBe(true);
        await assertNoLinkLeft(resolved);
      }),
      { numRuns: 400 },
    );
  });
});
