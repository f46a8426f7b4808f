// Confinement of a path argument to the roots a grant allows (DESIGN.md §5.5): lexical
// normalization first (encodings, look-alikes, `..`), then the real location (symbolic links),
// then a segment-wise comparison with the real location of each root. POSIX paths on POSIX
// hosts; drive and UNC paths, with path.win32's semantics, on Windows hosts.
import { promises as fs } from 'node:fs';
import { CharonError } from '../core/errors.js';
import { flavourOf, isWithinRoot, parseAbsolutePath, type PathFlavour } from '../core/grant-paths.js';
import { normalizePath } from '../core/path-normalize.js';
import { resolvePhysicalPath } from './physical-path.js';

/** The path a confined argument designates, twice. */
export interface ConfinedPath {
  /** Where it really leads (links resolved): what is forwarded to the server. */
  readonly real: string;
  /**
   * The same place named under the grant's root as written (the root's real location swapped
   * for its text): what the policy checks, so a root reached through a link (macOS `/tmp`) or
   * written in another case (Windows) still matches its compiled `like` pattern.
   */
  readonly granted: string;
}

/** A root's real location; a root that does not exist (or cannot be reached) contains nothing. */
async function realRoot(root: string): Promise<string | null> {
  try {
    return await fs.realpath(root);
  } catch {
    return null;
  }
}

/** Roots are the operator's configuration, not the agent's input: a bad one is a bug, not a refusal. */
function normalizeRoot(root: string, flavour: PathFlavour): string {
  if (flavourOf(root) !== flavour) throw new TypeError(`confinePath: roots must be absolute ${flavour === 'win32' ? 'Windows (drive or UNC)' : 'POSIX'} paths on this host`);
  try {
    return normalizePath(root, root);
  } catch {
    throw new TypeError('confinePath: a root is not a valid path');
  }
}

/** `path` (inside `realRootPath`) named under `lexicalRoot` instead. */
function underRoot(path: string, realRootPath: string, lexicalRoot: string): string {
  const p = parseAbsolutePath(path);
  const real = parseAbsolutePath(realRootPath);
  const root = parseAbsolutePath(lexicalRoot);
  if (!p || !real || !root) throw new TypeError('confinePath: paths must be absolute');
  const sep = root.flavour === 'win32' ? '\\' : '/';
  return root.root + [...root.segments, ...p.segments.slice(real.segments.length)].join(sep);
}

/**
 * The real path `raw` designates, if it is (or would be, once created) one of `roots` or inside
 * one; otherwise ERR_ARGUMENT_INVALID (malformed, encoded, look-alike, symlink loop...) or
 * ERR_PATH_OUTSIDE_ROOT. A relative path is taken relative to the first root.
 *
 * The caller must forward `real` to the server, not `raw`: that is the path checked (NFC, `..`
 * applied lexically, symbolic links resolved). A link swapped in between this check and the
 * server's open is outside what any pre-check can prevent.
 *
 * Case: POSIX comparisons are exact on the case the OS returns from realpath, which on a
 * case-insensitive volume (macOS) is the case stored on disk, for the root and for the existing
 * part of the path alike. Windows comparisons ignore case, as its volumes do by default.
 */
export async function confinePath(raw: string, roots: readonly string[], flavour: PathFlavour = process.platform === 'win32' ? 'win32' : 'posix'): Promise<ConfinedPath> {
  if (roots.length === 0) throw new TypeError('confinePath: at least one root is required');
  const lexicalRoots = roots.map((root) => normalizeRoot(root, flavour));
  const lexical = normalizePath(raw, lexicalRoots[0] as string);
  const resolved = await resolvePhysicalPath(lexical);
  for (const root of lexicalRoots) {
    const real = await realRoot(root);
    if (real !== null && isWithinRoot(resolved, real)) return { real: resolved, granted: underRoot(resolved, real, root) };
  }
  throw new CharonError('ERR_PATH_OUTSIDE_ROOT', 'path refused: it resolves outside the allowed roots');
}
