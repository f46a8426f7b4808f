/** Compares two non-negative decimals as written in grants ("100", "99.50"): -1, 0 or 1, exactly. */
export function compareDecimalText(a: string, b: string): number {
  const parts = (d: string): [string, string] => {
    const [whole = '0', fraction = ''] = d.split('.');
    return [whole.replace(/^0+(?=\d)/, ''), fraction];
  };
  const [aw, af] = parts(a);
  const [bw, bf] = parts(b);
  if (aw.length !== bw.length) return aw.length < bw.length ? -1 : 1;
  if (aw !== bw) return aw < bw ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const x = af.padEnd(width, '0');
  const y = bf.padEnd(width, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}
