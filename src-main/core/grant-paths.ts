// Lexical handling of absolute paths for `path` constraints, in both flavours a grant may name:
// POSIX ("/data") and Windows (drive "C:\data", UNC "\\server\share\data", with path.win32's
// semantics). The gateway resolves real paths (symlinks, encodings) before a decision; here a
// canonical textual form lets roots and resolved paths compare, in attenuation, in compiled Cedar
// policies and in confinement. Containment is always segment by segment ("/data2" is not in
// "/data"), and case-insensitive for Windows paths, as Windows volumes are by default.

const WINDOWS_DRIVE = /^([A-Za-z]):[\\/]/;
/**
 * `\\server\share`, not a device path (`\\?\`, `\\.\`). Backslashes only: "//a/b" is a POSIX
 * path (Linux reads it as "/a/b"); a Windows argument has its slashes turned first.
 */
const WINDOWS_UNC = /^\\{2}([^\\/?.][^\\/]*)[\\/]+([^\\/]+)(?:[\\/]|$)/;

export type PathFlavour = 'posix' | 'win32';

/** An absolute path taken apart: its root ("/", "C:\", "\\server\share\") and its segments. */
export interface AbsolutePath {
  readonly flavour: PathFlavour;
  readonly root: string;
  readonly segments: readonly string[];
}

/** The root and raw segments of an absolute path ("." and ".." not applied yet); null if relative. */
function split(path: string): { flavour: PathFlavour; root: string; rest: string[] } | null {
  const drive = WINDOWS_DRIVE.exec(path);
  if (drive) return { flavour: 'win32', root: `${(drive[1] as string).toUpperCase()}:\\`, rest: path.slice(3).split(/[\\/]/) };
  const unc = WINDOWS_UNC.exec(path);
  if (unc) return { flavour: 'win32', root: `\\\\${unc[1] as string}\\${unc[2] as string}\\`, rest: path.slice(unc[0].length).split(/[\\/]/) };
  if (path.startsWith('/')) return { flavour: 'posix', root: '/', rest: path.slice(1).split('/') };
  return null;
}

/** Root and segments as written ("" and "." dropped, ".." kept: a physical walk resolves it after links). */
export function splitAbsolutePath(path: string): AbsolutePath | null {
  const parts = split(path);
  return parts ? { flavour: parts.flavour, root: parts.root, segments: parts.rest.filter((s) => s !== '' && s !== '.') } : null;
}

/** The flavour of an absolute path, or null for a relative one. */
export function flavourOf(path: string): PathFlavour | null {
  return split(path)?.flavour ?? null;
}

/** The separator of an absolute path's flavour: "/" for POSIX, "\" for Windows. */
export function separatorOf(path: string): '/' | '\\' {
  return flavourOf(path) === 'win32' ? '\\' : '/';
}

/**
 * The parts of the lexically normalized absolute path: separators unified, "." and empty
 * segments dropped, ".." applied (never above the root: a drive or a UNC share). Null for a
 * relative path (a constraint can never anchor one) or one holding a NUL byte.
 */
export function parseAbsolutePath(path: string): AbsolutePath | null {
  if (path.includes('\0')) return null;
  const parts = split(path);
  if (!parts) return null;
  const segments: string[] = [];
  for (const segment of parts.rest) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return { flavour: parts.flavour, root: parts.root, segments };
}

/** The text of parsed parts: no trailing separator except on the root itself. */
export function formatAbsolutePath(path: AbsolutePath): string {
  return path.root + path.segments.join(path.flavour === 'win32' ? '\\' : '/');
}

/**
 * The lexically normalized absolute path, or null for a relative one.
 * POSIX: "/a/./b/../c/" → "/a/c". Windows: "c:/a\\b" → "C:\\a\\b", "//srv/share/x/../y" → "\\\\srv\\share\\y".
 */
export function normalizeAbsolutePath(path: string): string | null {
  const parsed = parseAbsolutePath(path);
  return parsed ? formatAbsolutePath(parsed) : null;
}

/**
 * True when `path` is `root` itself or lies below it, segment by segment (both are normalized
 * here). A relative path is within nothing; paths of different flavours never contain each other.
 * Windows paths compare case-insensitively (the default for NTFS and ReFS volumes).
 */
export function isWithinRoot(path: string, root: string): boolean {
  const p = parseAbsolutePath(path);
  const r = parseAbsolutePath(root);
  return p !== null && r !== null && liesWithin(p, r);
}

/** isWithinRoot on paths parsed already (parseAbsolutePath), for a caller that checks one path against several roots. */
export function liesWithin(p: AbsolutePath, r: AbsolutePath): boolean {
  if (p.flavour !== r.flavour || r.segments.length > p.segments.length) return false;
  const same = p.flavour === 'win32' ? (a: string, b: string) => a.toUpperCase() === b.toUpperCase() : (a: string, b: string) => a === b;
  return same(p.root, r.root) && r.segments.every((segment, i) => same(segment, p.segments[i] as string));
}
