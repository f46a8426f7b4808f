// Containment of one absolute, normalized POSIX path in another, compared segment by segment:
// a string-prefix test would put "/data2" inside "/data".

function segmentsOf(path: string): string[] {
  if (!path.startsWith('/')) throw new TypeError('isPathWithin: paths must be absolute');
  return path.split('/').filter((s) => s !== '');
}

/** True when `path` is `root` itself or below it. Both must already be normalized (or real) paths. */
export function isPathWithin(path: string, root: string): boolean {
  const p = segmentsOf(path);
  const r = segmentsOf(root);
  return r.length <= p.length && r.every((segment, i) => segment === p[i]);
}
