// The gateway's authorization point (DESIGN.md §5, invariant 4): every tools/call, resource
// read and prompt get is decided here against the agent's grants, compiled to Cedar.
//
// Parsing a policy set costs about a millisecond, so each agent's set is parsed once into
// the Cedar module's cache (preparsePolicySet) and evaluated by id (statefulIsAuthorized).
// It is parsed again only when that agent's grants change: told by the grant service in
// this process, or noticed through the store's data version when another process (the CLI)
// changed them. A set that failed to parse is never evaluated: the agent is denied until
// its grants compile again (the Cedar cache would otherwise still hold the previous set).
//
// A decision, once made, is remembered with the set that made it, keyed by everything Cedar
// reads (action, environment, server, resource, normalized constrained arguments): the same
// request is answered again without Cedar until the next grant expiry (the only way time
// enters a policy) or until the set changes (then the set and its decisions are replaced).
import { preparsePolicySet, statefulIsAuthorized, type CedarValueJson, type DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import type { ArgConstraint } from '../../src-shared/grant.js';
import type { Environment } from '../../src-shared/domain.js';
import { splitToolName } from '../core/grant-validation.js';
import { actionUid, agentUid, DECIDED_ACTIONS, resourceEntity, resourceUid, type DecidedAction } from './cedar-model.js';
import { compileGrant, type CompiledPolicy, type PolicyGrant } from './compile-grant.js';
import { constrainedArgs } from './constrained-args.js';
import { argsContext, type ArgValue } from './decision-context.js';

export interface PolicyEngineDeps {
  /** The agent's ACTIVE grants (an expired one may be included: its policies carry the expiry). */
  readonly loadGrants: (agentId: string) => readonly PolicyGrant[];
  /** Changes when another connection commits; lets grant changes made by another process be noticed. */
  readonly dataVersion?: () => number;
}

export interface DecisionRequest {
  readonly agentId: string;
  /** The environment of the presented credential. */
  readonly environment: Environment;
  readonly action: DecidedAction;
  /** `server__tool` for tools/call, the URI for resources/read, `server__prompt` for prompts/get. */
  readonly resourceName: string;
  /** For resources/read: the downstream server the URI is read from (a resource glob belongs to one server). */
  readonly server?: string;
  /** The constrained arguments, normalized, keyed by arg path (see constrainedArgs); a `*` path holds every element. */
  readonly args: Readonly<Record<string, ArgValue | readonly ArgValue[]>>;
  /** Epoch milliseconds. */
  readonly now: number;
}

export interface Decision {
  readonly allow: boolean;
  /** The grants whose policies allowed the request (empty on deny). */
  readonly grantIds: string[];
  readonly reason: string;
  readonly diagnostics: { readonly policyIds: string[]; readonly errors: string[] };
}

interface AgentPolicySet {
  readonly grants: readonly PolicyGrant[];
  /** The whole compiled text: equal text means nothing to re-parse. */
  readonly fingerprint: string;
  readonly policies: readonly CompiledPolicy[];
  readonly grantOf: ReadonlyMap<string, string>;
  /** Null when the set parsed; otherwise why not (and the agent is denied). */
  readonly parseError: string | null;
  /** Decisions already made with these policies, by request (see the note at the top). */
  readonly decisions: Map<string, RememberedDecision>;
}

interface RememberedDecision {
  readonly decision: Decision;
  /** Valid for `from <= now < until`: from when it was made to the next grant expiry after it. */
  readonly from: number;
  readonly until: number;
}

/** Per agent set; past it the remembered decisions start over (constrained args make many keys). */
const MAX_REMEMBERED_DECISIONS = 1024;

const errorText = (errors: readonly DetailedError[]): string => errors.map((e) => e.message).join('; ') || 'unknown error';

let engines = 0;

/** Evaluations one call may take when its `*` arguments are decided element by element. */
const MAX_COMBINATIONS = 256;

export class PolicyEngine {
  readonly #deps: PolicyEngineDeps;
  readonly #agents = new Map<string, AgentPolicySet>();
  /** Cedar's cache is per module, shared by every engine in the process: ids carry the engine. */
  readonly #prefix = `charon-${++engines}-${globalThis.crypto.randomUUID()}`;
  /** Agents whose cached set predates the last change seen through the data version. */
  #stale = new Set<string>();
  #seenVersion: number | undefined;
  #parses = 0;
  #evaluations = 0;

  constructor(deps: PolicyEngineDeps) {
    this.#deps = deps;
    this.#seenVersion = deps.dataVersion?.();
  }

  /** How many policy sets were parsed so far (tests use it to prove calls do not re-parse). */
  get parseCount(): number {
    return this.#parses;
  }

  /** How many requests Cedar evaluated (the rest were decisions already made). */
  get evaluationCount(): number {
    return this.#evaluations;
  }

  /** The agent's grants changed in this process: re-read and, if the text changed, re-parse. */
  refresh(agentId: string): void {
    this.#load(agentId);
  }

  /**
   * A `*` argument (every element of an array) is decided element by element: the call is allowed
   * only if each element is (by whichever grant allows it), so one element outside the grant
   * refuses the whole call. Several `*` arguments: every combination of their elements.
   */
  decide(request: DecisionRequest): Decision {
    const lists = Object.entries(request.args).filter((entry): entry is [string, readonly ArgValue[]] => Array.isArray(entry[1]));
    if (lists.length === 0) return this.#decideOne(request as DecisionRequest & { args: Readonly<Record<string, ArgValue>> });
    const combinations = lists.reduce((n, [, values]) => n * values.length, 1);
    if (combinations > MAX_COMBINATIONS) return deny(`too many argument elements to decide one by one (${combinations} combinations, at most ${MAX_COMBINATIONS})`);
    const grantIds = new Set<string>();
    const policyIds = new Set<string>();
    for (let k = 0; k < combinations; k++) {
      const args: Record<string, ArgValue> = {};
      let rest = k;
      for (const [key, value] of Object.entries(request.args)) if (!Array.isArray(value)) args[key] = value as ArgValue;
      const picked: string[] = [];
      for (const [key, values] of lists) {
        const index = rest % values.length;
        rest = Math.floor(rest / values.length);
        args[key] = values[index] as ArgValue;
        picked.push(`${key} element ${index}`);
      }
      const one = this.#decideOne({ ...request, args });
      if (!one.allow) return { ...one, reason: `${picked.join(', ')}: ${one.reason}` };
      for (const id of one.grantIds) grantIds.add(id);
      for (const id of one.diagnostics.policyIds) policyIds.add(id);
    }
    return { allow: true, grantIds: [...grantIds], reason: `allowed by ${[...grantIds].join(', ')}, element by element`, diagnostics: { policyIds: [...policyIds], errors: [] } };
  }

  #decideOne(request: DecisionRequest & { args: Readonly<Record<string, ArgValue>> }): Decision {
    assertRequest(request);
    const set = this.#current(request.agentId);
    if (set.parseError !== null) return deny(`the policies of ${request.agentId} do not parse: ${set.parseError}`);
    if (set.policies.length === 0) return deny(`${request.agentId} has no active grant`);

    const [server, tool] = request.action === 'tools/call' ? splitToolName(request.resourceName) : ['', ''];
    const args = argsContext(request.args, request.action === 'tools/call' ? constrainedArgs(set.grants, server, tool) : new Map());
    if (!args.ok) return deny(args.reason);

    const key = `${request.action}\n${request.environment}\n${request.server ?? ''}\n${request.resourceName}\n${JSON.stringify(args.value)}`;
    const known = set.decisions.get(key);
    if (known && request.now >= known.from && request.now < known.until) return known.decision;
    const decision = Object.freeze(this.#evaluate(request, set, args.value));
    if (set.decisions.size >= MAX_REMEMBERED_DECISIONS) set.decisions.clear();
    set.decisions.set(key, { decision, from: request.now, until: nextExpiry(set.grants, request.now) });
    return decision;
  }

  #evaluate(request: DecisionRequest, set: AgentPolicySet, args: Record<string, CedarValueJson>): Decision {
    this.#evaluations++;
    const answer = statefulIsAuthorized({
      principal: agentUid(request.agentId),
      action: actionUid(request.action),
      resource: resourceUid(request.action, request.resourceName),
      context: { environment: request.environment, now: request.now, args },
      entities: request.action === 'resources/read' ? [resourceEntity(request.resourceName, request.server as string)] : [],
      preparsedPolicySetId: this.#psetId(request.agentId),
    });
    if (answer.type === 'failure') return deny(`evaluation failed: ${errorText(answer.errors)}`);
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
    const grantIds = [...new Set(diagnostics.reason.map((id) => set.grantOf.get(id)).filter((id): id is string => id !== undefined))];
    if (decision === 'allow' && grantIds.length > 0) {
      return { allow: true, grantIds, reason: `allowed by ${grantIds.join(', ')}`, diagnostics: { policyIds: diagnostics.reason, errors } };
    }
    const what = `${request.action} of ${request.resourceName}`;
    return { allow: false, grantIds: [], reason: errors.length > 0 ? `no grant allows ${what} (${errors.length} policy error(s))` : `no grant allows ${what}`, diagnostics: { policyIds: [], errors } };
  }

  /** The constraints the agent's grants put on `server`'s `tool`, per arg path (see constrainedArgs). */
  constrainedArgsFor(agentId: string, server: string, tool: string): Map<string, ArgConstraint[]> {
    return constrainedArgs(this.#current(agentId).grants, server, tool);
  }

  /** The grants the engine currently evaluates for the agent. */
  grantsOf(agentId: string): readonly PolicyGrant[] {
    return this.#current(agentId).grants;
  }

  #psetId(agentId: string): string {
    return `${this.#prefix}/${agentId}`;
  }

  #current(agentId: string): AgentPolicySet {
    const version = this.#deps.dataVersion?.();
    if (version !== this.#seenVersion) {
      // Another process committed something: re-read every agent lazily (re-parsing only changed ones).
      this.#seenVersion = version;
      this.#stale = new Set(this.#agents.keys());
    }
    const cached = this.#agents.get(agentId);
    if (cached && !this.#stale.has(agentId)) return cached;
    return this.#load(agentId);
  }

  #load(agentId: string): AgentPolicySet {
    this.#stale.delete(agentId);
    const grants = this.#deps.loadGrants(agentId);
    let policies: CompiledPolicy[];
    try {
      policies = grants.flatMap(compileGrant);
    } catch (error) {
      return this.#remember(agentId, { grants, fingerprint: '', policies: [], grantOf: new Map(), parseError: error instanceof Error ? error.message : String(error), decisions: new Map() });
    }
    const fingerprint = policies.map((p) => `${p.policyId}\n${p.text}`).join('\n');
    const cached = this.#agents.get(agentId);
    if (cached && cached.fingerprint === fingerprint && cached.parseError === null) return this.#remember(agentId, { ...cached, grants });
    const grantOf = new Map(policies.map((p) => [p.policyId, p.grantId]));
    let parseError: string | null = null;
    if (policies.length > 0) {
      this.#parses++;
      const parsed = preparsePolicySet(this.#psetId(agentId), { staticPolicies: Object.fromEntries(policies.map((p) => [p.policyId, p.text])) });
      if (parsed.type === 'failure') parseError = errorText(parsed.errors);
    }
    return this.#remember(agentId, { grants, fingerprint, policies, grantOf, parseError, decisions: new Map() });
  }

  #remember(agentId: string, set: AgentPolicySet): AgentPolicySet {
    this.#agents.set(agentId, set);
    return set;
  }
}

/** The first grant expiry after `now` (the only way time changes a decision), or never. */
function nextExpiry(grants: readonly PolicyGrant[], now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const g of grants) if (g.spec.expiresAt !== null && g.spec.expiresAt > now && g.spec.expiresAt < next) next = g.spec.expiresAt;
  return next;
}

function deny(reason: string): Decision {
  return { allow: false, grantIds: [], reason, diagnostics: { policyIds: [], errors: [] } };
}

/** A malformed request is the caller's bug, not an agent's input: TypeError. */
function assertRequest(r: DecisionRequest): void {
  if (!(DECIDED_ACTIONS as readonly string[]).includes(r.action)) throw new TypeError(`decide: unknown action ${String(r.action)}`);
  if (typeof r.agentId !== 'string' || r.agentId === '') throw new TypeError('decide: agentId is required');
  if (typeof r.resourceName !== 'string') throw new TypeError('decide: resourceName must be a string');
  if (!Number.isSafeInteger(r.now)) throw new TypeError('decide: now must be epoch milliseconds');
  if (typeof r.args !== 'object' || r.args === null || Array.isArray(r.args)) throw new TypeError('decide: args must be an object');
  if (r.action === 'resources/read' && (typeof r.server !== 'string' || r.server === '')) throw new TypeError('decide: resources/read needs the server the URI is read from');
}
