// Confinement of a path argument to the roots a grant allows (DESIGN.md §5.5): lexical
// normalization first (encodings, look-alikes, `..`), then the real location (symbolic links),
// then a segment-wise comparison with the real location of each root.
import { promises as fs } from 'node:fs';
import { CharonError } from '../core/errors.js';
import { normalizePath } from '../core/path-normalize.js';
import { isPathWithin } from '../core/path-within.js';
import { resolvePhysicalPath } from './physical-path.js';

/** A root's real location; a root that does not exist (or cannot be reached) contains nothing. */
async function realRoot(root: string): Promise<string | null> {
  try {
    return await fs.realpath(root);
  } catch {
    return null;
  }
}

/** Roots are the operator's configuration, not the agent's input: a bad one is a bug, not a refusal. */
function normalizeRoot(root: string): string {
  if (!root.startsWith('/')) throw new TypeError('confinePath: roots must be absolute POSIX paths');
  try {
    return normalizePath(root, '/');
  } catch {
    throw new TypeError('confinePath: a root is not a valid path');
  }
}

/**
 * The real path `raw` designates, if it is (or would be, once created) one of `roots` or inside
 * one; otherwise ERR_ARGUMENT_INVALID (malformed, encoded, look-alike, symlink loop...) or
 * ERR_PATH_OUTSIDE_ROOT. A relative path is taken relative to the first root.
 *
 * The caller must forward the returned path to the server, not `raw`: that is the path checked
 * (NFC, `..` applied lexically, symbolic links resolved). A link swapped in between this check
 * and the server's open is outside what any pre-check can prevent.
 *
 * Case: comparisons are exact on the case the OS returns from realpath, which on a
 * case-insensitive volume (macOS) is the case stored on disk, for the root and for the existing
 * part of the path alike. Windows paths (drive letters, backslashes) are refused by the lexical
 * step, and on a Windows host every path is refused: confinement there is not implemented yet.
 */
export async function confinePath(raw: string, roots: readonly string[]): Promise<string> {
  if (process.platform === 'win32') throw new CharonError('ERR_ARGUMENT_INVALID', 'path refused: path confinement is not supported on Windows hosts');
  if (roots.length === 0) throw new TypeError('confinePath: at least one root is required');
  const lexicalRoots = roots.map(normalizeRoot);
  const lexical = normalizePath(raw, lexicalRoots[0] as string);
  const resolved = await resolvePhysicalPath(lexical);
  for (const root of lexicalRoots) {
    const real = await realRoot(root);
    if (real !== null && isPathWithin(resolved, real)) return resolved;
  }
  throw new CharonError('ERR_PATH_OUTSIDE_ROOT', 'path refused: it resolves outside the allowed roots');
}
