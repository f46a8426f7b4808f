// Where a path really leads, for a path that may not exist yet (write_file, create_directory):
// the longest existing prefix is resolved by the OS (fs.realpath), the missing remainder is
// appended as written. A dangling symbolic link at the boundary is followed by hand, since
// writing through it would create its target, wherever that is.
// Both path flavours: POSIX, and Windows (drive or UNC roots) on a Windows host.
import { promises as fs } from 'node:fs';
import { CharonError } from '../core/errors.js';
import { formatAbsolutePath, normalizeAbsolutePath, splitAbsolutePath, type AbsolutePath } from '../core/grant-paths.js';

/** SYMLOOP_MAX of Linux: more links than this in one resolution is a loop, or an attack on our time. */
const MAX_LINK_HOPS = 40;

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function refuse(reason: string): CharonError {
  return new CharonError('ERR_ARGUMENT_INVALID', `path refused: ${reason}`);
}

/** Errors that say "this prefix does not exist (as a directory)": keep walking up. */
function isMissing(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** fs errors that are the path's fault become typed refusals; anything else is ours to see. */
function translate(error: unknown): unknown {
  switch (codeOf(error)) {
    case 'ELOOP':
      return refuse('has a symbolic link loop');
    case 'ENAMETOOLONG':
      return refuse('is too long once symbolic links are resolved');
    case 'EACCES':
    case 'EPERM':
      return refuse('goes through a directory that cannot be searched');
    default:
      return error;
  }
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await fs.realpath(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw translate(error);
  }
}

/** `segments` below `base` (a real directory or a root), as text. */
function join(base: AbsolutePath, segments: readonly string[]): string {
  return formatAbsolutePath({ ...base, segments: [...base.segments, ...segments] });
}

/** Apply segments to a real directory: `.` dropped, `..` to the parent (never above the root). */
function appendLexically(real: AbsolutePath, segments: readonly string[]): string {
  return normalizeAbsolutePath(join(real, segments)) as string;
}

function parsed(path: string): AbsolutePath {
  const p = splitAbsolutePath(path);
  if (!p) throw refuse('is not absolute once resolved');
  return p;
}

/** Windows link targets may carry the `\\?\` prefix (junctions do): the same path without it. */
function withoutVerbatimPrefix(target: string): string {
  return target.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\\?\\(?=[A-Za-z]:)/, '');
}

/**
 * The longest prefix of `segments` that exists, with its real path. Existence is monotone along
 * the prefixes (the OS must traverse a prefix to reach a longer one), so a binary search needs
 * O(log n) realpath calls even for a very deep path.
 */
async function longestExistingPrefix(root: AbsolutePath, segments: readonly string[]): Promise<{ length: number; real: string }> {
  const whole = await realpathOrNull(join(root, segments));
  if (whole !== null) return { length: segments.length, real: whole };
  let found = { length: 0, real: join(root, []) };
  let low = 1;
  let high = segments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const real = await realpathOrNull(join(root, segments.slice(0, mid)));
    if (real === null) {
      high = mid - 1;
    } else {
      found = { length: mid, real };
      low = mid + 1;
    }
  }
  return found;
}

/**
 * An existing entry of `dir` that is Unicode-equivalent to the missing `name` (NFC and NFD forms
 * are different names on Linux). Null when there is none; more than one is ambiguous and refused.
 */
async function unicodeTwin(dir: string, name: string): Promise<string | null> {
  // ASCII is the same in every normalization form: no directory listing needed.
  if (!/[\u0080-\uffff]/.test(name)) return null;
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return null;
  }
  const wanted = name.normalize('NFC');
  const twins = entries.filter((entry) => entry !== name && entry.normalize('NFC') === wanted);
  if (twins.length > 1) throw refuse('matches several differently normalized names');
  return twins[0] ?? null;
}

/**
 * The real location of an absolute path: symbolic links resolved in the part that exists,
 * the rest appended. The case of existing components is the one the OS returns, so on a
 * case-insensitive volume the result compares correctly with a realpath'd root.
 */
export async function resolvePhysicalPath(absolute: string): Promise<string> {
  let path = absolute;
  for (let hops = 0; ; hops++) {
    const { segments, ...root } = parsed(path);
    const start: AbsolutePath = { ...root, segments: [] };
    const { length, real: realText } = await longestExistingPrefix(start, segments);
    if (length === segments.length) return realText;
    const real = parsed(realText);
    const next = segments[length] as string;
    const rest = segments.slice(length + 1);
    let isLink = false;
    try {
      isLink = (await fs.lstat(join(real, [next]))).isSymbolicLink();
    } catch (error) {
      if (!isMissing(error)) throw translate(error);
    }
    if (!isLink) {
      const twin = await unicodeTwin(realText, next);
      if (twin === null) return appendLexically(real, segments.slice(length));
      // Servers that look a missing name up by Unicode equivalence (the reference filesystem
      // server does) would open this entry instead: resolve through it, as they would.
      if (hops >= MAX_LINK_HOPS) throw refuse('has too many symbolic links');
      path = join(real, [twin, ...rest]);
      continue;
    }
    // A link that realpath could not follow: it dangles. Follow it by hand, relative to the real
    // directory that holds it, with the rest of the path after it; its target may hold `..` and
    // further links, which the next round resolves physically through realpath again.
    if (hops >= MAX_LINK_HOPS) throw refuse('has too many symbolic links');
    let target: string;
    try {
      target = withoutVerbatimPrefix(await fs.readlink(join(real, [next])));
    } catch (error) {
      if (isMissing(error)) return appendLexically(real, segments.slice(length));
      throw translate(error);
    }
    const absolute = splitAbsolutePath(target);
    // A relative target is taken from the directory holding the link; its `..` stays for the next round.
    path = absolute?.flavour === real.flavour ? join(absolute, rest) : join(real, [...target.split(real.flavour === 'win32' ? /[\\/]/ : '/'), ...rest]);
  }
}
