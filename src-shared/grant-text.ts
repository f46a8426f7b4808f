// Grant constraints in words, the same on the consent card, in the CLI and in a diff.
import type { ArgConstraint } from './grant.js';

export function constraintText(arg: string, c: ArgConstraint): string {
  if ('path' in c) return `${arg} inside ${c.path.roots.join(' or ')}`;
  if ('amount' in c) return `${arg} between ${c.amount.min ?? '0'} and ${c.amount.max ?? 'any'}`;
  if ('oneOf' in c) return `${arg} one of ${c.oneOf.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${arg} matching ${c.pattern}`;
}
