// Lexical path handling for `path` constraints. The gateway resolves real paths (symlinks,
// encodings) before a decision; here we only need a canonical textual form so that roots
// and resolved paths compare as strings, in attenuation and in compiled Cedar policies.

const WINDOWS_ABSOLUTE = /^([A-Za-z]):[\\/]/;

/** The separator of an absolute path's flavour: "/" for POSIX, "\" for a Windows drive path. */
export function separatorOf(path: string): '/' | '\\' {
  return WINDOWS_ABSOLUTE.test(path) ? '\\' : '/';
}

/**
 * The lexically normalized absolute path: separators unified, "." and empty segments dropped,
 * ".." applied (never above the root), no trailing separator except on the root itself.
 * Returns null for a relative path, which a constraint can never anchor.
 * POSIX: "/a/./b/../c/" → "/a/c". Windows: "c:/a\\b" → "C:\\a\\b".
 */
export function normalizeAbsolutePath(path: string): string | null {
  if (path.includes('\0')) return null;
  let prefix: string;
  let rest: string;
  let sep: '/' | '\\';
  const win = WINDOWS_ABSOLUTE.exec(path);
  if (win) {
    sep = '\\';
    prefix = `${(win[1] as string).toUpperCase()}:\\`;
    rest = path.slice(3);
  } else if (path.startsWith('/')) {
    sep = '/';
    prefix = '/';
    rest = path.slice(1);
  } else {
    return null;
  }
  const segments: string[] = [];
  for (const segment of rest.split(sep === '\\' ? /[\\/]/ : '/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return prefix + segments.join(sep);
}

/** True when the normalized `path` is `root` itself or lies below it (both already normalized). */
export function isWithinRoot(path: string, root: string): boolean {
  if (path === root) return true;
  const sep = separatorOf(root);
  if (separatorOf(path) !== sep) return false;
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}
