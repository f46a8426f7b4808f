// What a grant request would add to what its agent can do today, dimension by dimension, so the
// consent card can say it (DESIGN invariant 10). A call is allowed when any active grant allows
// it, so a requested tool adds nothing only if one active grant already allows at least as much
// for it: every argument constraint at least as tight, an envelope at least as tight, an expiry
// no later. Otherwise each difference against the closest such grant is named. Errs towards
// naming: a difference the checks cannot compare exactly is shown as a widening.
import type { WideningDto } from '../../src-shared/approvals.js';
import { TOOL_SEPARATOR, type Envelope, type GrantSpec, type ToolRule } from '../../src-shared/grant.js';
import { constraintText } from '../../src-shared/grant-text.js';
import { compareDecimals } from './grant-decimal.js';
import { constraintNarrower, globCovers } from './grant-attenuation.js';
import { intervalsCovered, windowIntervals } from './grant-windows.js';

export type Widening = WideningDto;

const when = (ms: number | null): string => (ms === null ? 'never' : new Date(ms).toISOString());

/** Every widening of `request` over `current` (the agent's active grants); empty: nothing new. */
export function grantWidenings(request: GrantSpec, current: readonly GrantSpec[]): Widening[] {
  const same = current.filter((g) => g.agentId === request.agentId && g.environment === request.environment);
  const out: Widening[] = [];
  for (const [server, sg] of Object.entries(request.servers)) {
    for (const [tool, rule] of Object.entries(sg.tools)) {
      const name = `${server}${TOOL_SEPARATOR}${tool}`;
      const holders = same.filter((g) => g.servers[server]?.tools[tool] !== undefined);
      if (holders.length === 0) {
        out.push({ dimension: 'tool', subject: name, text: `${name}: a tool the agent cannot call today${same.length === 0 ? ` (it has no ${request.environment} grant)` : ''}` });
        continue;
      }
      // The closest grant: the one this tool widens in the fewest ways (none: nothing new).
      const candidates = holders.map((g) => toolWidenings(name, rule, g.servers[server]?.tools[tool] as ToolRule, request, g));
      const closest = candidates.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...closest);
    }
    for (const glob of sg.resources) {
      if (!same.some((g) => (g.servers[server]?.resources ?? []).some((p) => globCovers(p, glob)))) out.push({ dimension: 'resource', subject: glob, text: `${server}: resources ${glob}, which no active grant covers` });
    }
    for (const prompt of sg.prompts) {
      const name = `${server}${TOOL_SEPARATOR}${prompt}`;
      if (!same.some((g) => g.servers[server]?.prompts.includes(prompt))) out.push({ dimension: 'prompt', subject: name, text: `${name}: a prompt the agent cannot get today` });
    }
  }
  return out;
}

function toolWidenings(name: string, rule: ToolRule, held: ToolRule, request: GrantSpec, grant: GrantSpec): Widening[] {
  const out: Widening[] = [];
  const args = rule.args ?? {};
  for (const [arg, was] of Object.entries(held.args ?? {})) {
    const now = Object.hasOwn(args, arg) ? args[arg] : undefined;
    if (!now) {
      out.push({ dimension: 'argument', subject: name, text: `${name}: the constraint on ${arg} is removed (today: ${constraintText(arg, was)})` });
      continue;
    }
    const narrower = constraintNarrower(now, was);
    if (!narrower.ok) out.push({ dimension: 'argument', subject: name, text: `${name}: ${constraintText(arg, now)}, wider than today's ${constraintText(arg, was)} (${narrower.reason})` });
  }
  for (const text of envelopeWidenings(name, request.envelope, grant.envelope)) out.push({ dimension: 'envelope', subject: name, text });
  if (grant.expiresAt !== null && (request.expiresAt === null || request.expiresAt > grant.expiresAt)) {
    out.push({ dimension: 'expiry', subject: name, text: `${name}: allowed until ${when(request.expiresAt)}, today only until ${when(grant.expiresAt)}` });
  }
  return out;
}

/** The envelope limits on `tool` that `child` loosens or drops compared with `parent`. */
function envelopeWidenings(tool: string, child: Envelope, parent: Envelope): string[] {
  const out: string[] = [];
  const zone = (e: Envelope) => e.timeZone ?? 'UTC';
  if ((parent.windows || parent.caps?.length) && zone(child) !== zone(parent)) out.push(`${tool}: time windows and caps read in ${zone(child)}, today in ${zone(parent)}`);
  if (parent.rate) {
    if (!child.rate) out.push(`${tool}: the rate limit of ${parent.rate.perMinute}/min (burst ${parent.rate.burst}) is removed`);
    else if (child.rate.perMinute > parent.rate.perMinute || child.rate.burst > parent.rate.burst) out.push(`${tool}: rate limit raised from ${parent.rate.perMinute}/min (burst ${parent.rate.burst}) to ${child.rate.perMinute}/min (burst ${child.rate.burst})`);
  }
  const was = parent.toolRates?.[tool];
  if (was) {
    const now = child.toolRates?.[tool];
    if (!now) out.push(`${tool}: its own rate limit of ${was.perMinute}/min is removed`);
    else if (now.perMinute > was.perMinute || now.burst > was.burst) out.push(`${tool}: its rate limit raised from ${was.perMinute}/min to ${now.perMinute}/min`);
  }
  if (parent.windows) {
    if (!child.windows) out.push(`${tool}: the time windows are removed (any time of day)`);
    else {
      const outer = parent.windows.flatMap((w) => windowIntervals(w, 'empty'));
      const same = (w: (typeof child.windows)[number]) => parent.windows?.some((p) => p.start === w.start && p.end === w.end && w.days.every((d) => p.days.includes(d)));
      const outside = child.windows.filter((w) => !same(w) && !intervalsCovered(windowIntervals(w, 'full'), outer));
      for (const w of outside) out.push(`${tool}: window ${w.days.join(',')} ${w.start}–${w.end} is outside today's windows`);
    }
  }
  if (parent.uses !== undefined && (child.uses === undefined || child.uses > parent.uses)) out.push(`${tool}: ${child.uses === undefined ? 'any number of calls' : `${child.uses} calls`} in all, today at most ${parent.uses}`);
  for (const cap of parent.caps ?? []) {
    if (cap.tool !== tool) continue;
    const mine = (child.caps ?? []).filter((c) => c.tool === cap.tool && c.arg === cap.arg && c.per === cap.per);
    if (mine.length === 0) out.push(`${tool}: the cap of ${cap.max} ${cap.arg} per ${cap.per} is removed`);
    else if (!mine.some((c) => compareDecimals(c.max, cap.max) <= 0)) out.push(`${tool}: the cap on ${cap.arg} per ${cap.per} raised from ${cap.max} to ${mine.map((c) => c.max).join('/')}`);
  }
  return out;
}
