// Warnings about a grant the owner should see before relying on it: parts that can never match
// anything (a server or tool that does not exist, bounds that exclude each other, an expiry in
// the past) and constraints that do not constrain (a root of "/", a pattern of "*").
import { parseDecimalUnits } from '../../../src-shared/decimal-units.js';
import type { GrantSpec } from '../../../src-shared/grant.js';

/** Whether a grant's amount bounds exclude each other (exact, in the units the gateway counts). */
const boundsCross = (min: string, max: string): boolean => (parseDecimalUnits(min) ?? 0n) > (parseDecimalUnits(max) ?? 0n);

export function lintGrant(spec: GrantSpec, servers: readonly string[] | null, toolsOf: (server: string) => readonly string[] | null, now: number): string[] {
  const out: string[] = [];
  if (spec.expiresAt !== null && spec.expiresAt <= now) out.push('It has expired: it allows nothing.');
  for (const [server, g] of Object.entries(spec.servers)) {
    if (servers && !servers.includes(server)) {
      out.push(`${server} is not a configured server: this part can never match until a server of that name is added.`);
      continue;
    }
    const offered = toolsOf(server);
    for (const [tool, rule] of Object.entries(g.tools)) {
      if (offered && !offered.includes(tool)) out.push(`${server}__${tool} is not a tool ${server} offers: it can never match.`);
      for (const [arg, c] of Object.entries(rule.args ?? {})) {
        if ('amount' in c && c.amount.min !== undefined && c.amount.max !== undefined && boundsCross(c.amount.min, c.amount.max)) {
          out.push(`${server}__${tool}: ${arg} at least ${c.amount.min} and at most ${c.amount.max} can never both hold: it can never match.`);
        }
        if ('path' in c && c.path.roots.some((r) => r === '/' || /^[A-Za-z]:[\\/]?$/.test(r))) out.push(`${server}__${tool}: ${arg} inside the root of the disk is any path: it constrains nothing.`);
        if ('pattern' in c && /^\*+$/.test(c.pattern)) out.push(`${server}__${tool}: ${arg} matching "${c.pattern}" is any text: it constrains nothing.`);
      }
    }
  }
  return out;
}
