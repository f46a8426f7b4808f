// A grant spec as readable lines, so the owner sees exactly what is being approved.
import type { Envelope, GrantSpec } from '../../../src-shared/grant.js';

export { constraintText } from '../../../src-shared/grant-text.js';

export function envelopeLines(e: Envelope): string[] {
  const lines: string[] = [];
  if (e.uses !== undefined) lines.push(`${e.uses === 1 ? 'one call' : `${e.uses} calls`} in all, then it is used up`);
  if (e.rate) lines.push(`at most ${e.rate.perMinute} calls/min (burst ${e.rate.burst})`);
  for (const [tool, r] of Object.entries(e.toolRates ?? {})) lines.push(`${tool}: at most ${r.perMinute} calls/min`);
  for (const w of e.windows ?? []) lines.push(`only ${w.days.join(', ')} ${w.start}–${w.end}${e.timeZone ? ` (${e.timeZone})` : ' UTC'}`);
  for (const c of e.caps ?? []) lines.push(`${c.tool}: sum of ${c.arg} at most ${c.max} per ${c.per}`);
  return lines;
}

/** The envelope as labelled rows, for the consent card: each limit under its own name. */
export function envelopeRows(e: Envelope): [string, string][] {
  const rows: [string, string][] = [];
  if (e.rate) rows.push(['Rate', `at most ${e.rate.perMinute} calls/min (burst ${e.rate.burst})`]);
  for (const [tool, r] of Object.entries(e.toolRates ?? {})) rows.push([`Rate of ${tool}`, `at most ${r.perMinute} calls/min (burst ${r.burst})`]);
  if (e.uses !== undefined) rows.push(['Uses', e.uses === 1 ? 'one call in all, then it is used up' : `${e.uses} calls in all, then it is used up`]);
  if (e.windows?.length) rows.push(['When', e.windows.map((w) => `${w.days.join(', ')} ${w.start}–${w.end}`).join('; ') + (e.timeZone ? ` (${e.timeZone})` : ' UTC')]);
  for (const c of e.caps ?? []) rows.push([`Cap on ${c.tool}`, `sum of ${c.arg} at most ${c.max} per ${c.per}`]);
  return rows;
}

export function otherLines(spec: GrantSpec): string[] {
  const lines: string[] = [];
  for (const [server, g] of Object.entries(spec.servers)) {
    if (g.resources.length) lines.push(`${server}: read resources ${g.resources.join(', ')}`);
    if (g.prompts.length) lines.push(`${server}: prompts ${g.prompts.join(', ')}`);
  }
  return lines;
}

/** The spec with only the checked `server__tool` names left. */
export function subsetOf(spec: GrantSpec, keep: ReadonlySet<string>): GrantSpec {
  const servers: GrantSpec['servers'] = {};
  for (const [server, g] of Object.entries(spec.servers)) {
    const tools = Object.fromEntries(Object.entries(g.tools).filter(([tool]) => keep.has(`${server}__${tool}`)));
    if (Object.keys(tools).length > 0 || g.resources.length > 0 || g.prompts.length > 0) servers[server] = { ...g, tools };
  }
  return { ...spec, servers };
}
