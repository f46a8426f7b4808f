// The reaper: preview(now) is a dry run that returns exactly the actions run(now) would take;
// run gathers the facts again inside its one transaction, so what it applies is what a
// preview at the same instant returns. Each applied action is one audit record (reaper.<kind>),
// written in the same transaction as its effect.
import { TOOL_SEPARATOR, type GrantSpec } from '../../src-shared/grant.js';
import { capUsageKey } from '../core/envelope-caps.js';
import type { GrantRecord, IdentityRecord } from '../core/records.js';
import type { LifecycleState } from '../../src-shared/domain.js';
import type { CleanupTarget } from '../../src-shared/reaper.js';
import type { AuditLog } from '../audit/audit-log.js';
import { isLive } from '../core/lifecycle.js';
import type { IdentityRepository, Transactor } from '../core/ports.js';
import type { OwnerRepository, ReaperFactsRepository } from '../core/reaper-ports.js';
import { gatherWindowFacts } from './window-facts.js';
import { noDelegation, windowsOf, type OrphanCascade, type ReaperAction, type ReaperFacts } from './facts.js';
import { planActions } from './plan.js';
import { DAY_MS, type ReaperThresholds } from './thresholds.js';

/** The actor of the reaper's records and changes. */
export const REAPER_ACTOR = 'reaper';

/** Changes the reaper makes through other features (injected by app: identity and grant services). */
export interface ReaperEffects {
  /** A lifecycle transition, audited by the identity service (REVOKED revokes credentials). */
  transition(agentId: string, to: LifecycleState, reason: string): void;
  revokeGrant(grantId: string, reason: string): void;
  /** Replaces the grant's spec by a narrower one (the grant service refuses anything wider). */
  narrowGrant(grantId: string, spec: GrantSpec): void;
}

export interface ReaperDeps {
  readonly facts: ReaperFactsRepository;
  readonly owners: OwnerRepository;
  readonly identities: IdentityRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly thresholds: () => ReaperThresholds;
  readonly effects: ReaperEffects;
  readonly cascade?: OrphanCascade;
}

export interface ReaperRunResult {
  readonly applied: ReaperAction[];
  readonly notFound: string[];
}

export class Reaper {
  readonly #d: ReaperDeps;

  constructor(deps: ReaperDeps) {
    this.#d = deps;
  }

  /** The snapshot the rules read at `now`. */
  facts(now: number): ReaperFacts {
    const t = this.#d.thresholds();
    const w = windowsOf(now, t);
    const f = this.#d.facts;
    const grants = f.activeGrants();
    const identities = this.#d.identities.list({}).filter((i) => i.state !== 'DECOMMISSIONED');
    return {
      now,
      t,
      identities,
      owners: new Map(this.#d.owners.list().map((o) => [o.id, o])),
      grants,
      ...usageFacts(f, grants, identities, w, now),
      flagged: f.flaggedSince(now - Math.max(t.anomaly.recentMs, t.anomaly.deniedBurstMs)),
      dead: f.countDead(now - t.retentionMs),
      cascade: this.#d.cascade ?? noDelegation,
    };
  }

  /** Dry run: changes nothing. */
  preview(now: number): ReaperAction[] {
    return planActions(this.facts(now));
  }

  /**
   * Applies, in one transaction, the selected actions of the plan at `now` (ids from a preview),
   * or without a selection every action that is not a proposal. If any action fails, none is applied.
   */
  run(now: number, selection?: readonly string[]): ReaperRunResult {
    return this.#d.tx.transact(() => {
      const plan = this.preview(now);
      const wanted = selection ? new Set(selection) : null;
      const applied = plan.filter((a) => (wanted ? wanted.has(a.id) : !a.proposal));
      const planned = new Set(plan.map((a) => a.id));
      const notFound = selection ? [...new Set(selection)].filter((id) => !planned.has(id)) : [];
      for (const action of applied) {
        this.#d.audit.append({
          actor: REAPER_ACTOR,
          kind: `reaper.${action.kind}`,
          subject: action.subject,
          decision: action.kind === 'anomaly' ? 'info' : 'allow',
          details: { actionId: action.id, rule: action.rule, reason: action.reason, evidence: action.evidence, effect: summary(action) },
        });
        this.#apply(action, now);
      }
      if (applied.length > 0 || selection) {
        this.#d.audit.append({ actor: REAPER_ACTOR, kind: 'reaper.run', subject: REAPER_ACTOR, decision: 'info', details: { applied: applied.map((a) => a.id), notFound, selected: selection?.length ?? null } });
      }
      return { applied, notFound };
    });
  }

  #apply(action: ReaperAction, now: number): void {
    const e = this.#d.effects;
    const why = `reaper ${action.rule}: ${action.reason}`;
    const effect = action.effect;
    switch (effect.type) {
      case 'transition':
        return e.transition(effect.agentId, effect.to, why);
      case 'quarantine':
        e.transition(effect.agentId, 'REVOKED', why);
        for (const g of effect.grantIds) e.revokeGrant(g, why);
        return;
      case 'decommission':
        for (const g of effect.grantIds) e.revokeGrant(g, why);
        return e.transition(effect.agentId, 'DECOMMISSIONED', why);
      case 'orphan':
        for (const g of effect.grantIds) e.revokeGrant(g, why);
        if (isLive(effect.from)) e.transition(effect.agentId, 'REVOKED', why);
        e.transition(effect.agentId, 'DECOMMISSIONED', why);
        for (const descendant of effect.cascade) this.#retire(descendant, why);
        return;
      case 'narrow':
        return e.narrowGrant(effect.grantId, effect.spec);
      case 'cleanup':
        return this.#cleanup(effect.target, effect.cutoff, effect.ids ?? [], now);
      case 'flag':
        if (effect.suspend) e.transition(effect.agentId, 'IDLE', why);
        return;
    }
  }

  /** A delegated descendant of an orphan: grants revoked, revoked and decommissioned. */
  #retire(agentId: string, why: string): void {
    const identity = this.#d.identities.get(agentId);
    if (!identity || identity.state === 'DECOMMISSIONED') return;
    for (const g of this.#d.facts.activeGrants()) if (g.agentId === agentId) this.#d.effects.revokeGrant(g.id, why);
    if (isLive(identity.state)) this.#d.effects.transition(agentId, 'REVOKED', why);
    this.#d.effects.transition(agentId, 'DECOMMISSIONED', why);
  }

  #cleanup(target: CleanupTarget, cutoff: number, ids: readonly string[], now: number): void {
    const f = this.#d.facts;
    switch (target) {
      case 'attestations':
        f.deleteDeadAttestations(cutoff);
        return;
      case 'join-tokens':
        f.deleteDeadJoinTokens(cutoff);
        return;
      case 'credentials':
        f.deleteDeadCredentials(cutoff);
        return;
      case 'grants':
        f.expireGrants(ids, now);
        return;
    }
  }
}

/**
 * The audit log's window in one pass, and the cap usage headroom drift reads: only the tools and
 * caps some active grant constrains, and the agents whose grants limit the rate, are looked at.
 */
function usageFacts(f: ReaperFactsRepository, grants: readonly GrantRecord[], identities: readonly IdentityRecord[], w: ReturnType<typeof windowsOf>, now: number): Omit<ReaperFacts, 'now' | 't' | 'identities' | 'owners' | 'grants' | 'flagged' | 'dead' | 'cascade'> {
  const tools = new Set<string>();
  const capKeys = new Set<string>();
  const rated = new Set<string>();
  for (const g of grants) {
    if (g.spec.envelope.rate || g.spec.envelope.toolRates) rated.add(g.agentId);
    for (const [server, grant] of Object.entries(g.spec.servers)) {
      for (const [tool, rule] of Object.entries(grant.tools)) if (Object.keys(rule.args ?? {}).length > 0) tools.add(`${server}${TOOL_SEPARATOR}${tool}`);
    }
    for (const cap of g.spec.envelope.caps ?? []) capKeys.add(capUsageKey(g.id, cap.tool, cap.arg, cap.per));
  }
  const ratedActors = new Set(identities.filter((i) => rated.has(i.id)).map((i) => i.spiffeId));
  return {
    ...gatherWindowFacts({ decisions: (since, until, constrained, visit) => f.scanDecisions(since, until, constrained, visit), issuances: (since, until, visit) => f.scanIssuances(since, until, visit) }, { ...w, until: now }, tools, ratedActors),
    // A period that began up to a week before the window still overlaps it.
    capPeaks: f.capPeaks([...capKeys].sort(), w.driftStart - 7 * DAY_MS),
  };
}

/** The effect as recorded: a narrowing by the tools it removes (the spec's hash is in grant.narrow's record). */
function summary(action: ReaperAction): Record<string, unknown> {
  const { effect } = action;
  if (effect.type === 'narrow') return { type: effect.type, grantId: effect.grantId, agentId: effect.agentId, removedTools: effect.removedTools, changes: effect.changes };
  return { ...effect };
}
