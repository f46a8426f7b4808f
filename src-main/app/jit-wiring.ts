// Just-in-time consent, wired: which agents have it (SQLite), the grant request a held call
// makes (through the approval service, so limits, backoff and auto-approve rules apply), and
// the hold itself — woken by the decision's audit record, bounded by the injectable clock.
import type { GrantSpec } from '../../src-shared/grant.js';
import { jitChoices } from '../core/jit-choices.js';
import type { GrantRequestState } from '../../src-shared/approvals.js';
import type { GrantRequests } from '../approvals/grant-requests.js';
import { effectiveRequestState } from '../approvals/request-state.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { IdentityRepository } from '../core/ports.js';
import type { AgentContext } from '../gateway/agent-context.js';
import { systemTimers, type Timers } from '../gateway/downstream/timers.js';
import type { JitConsentPort } from '../gateway/jit-consent.js';
import { sqliteGrantRequestRepository } from '../store/approval-repository.js';
import { sqliteJitRepository, type JitRepository } from '../store/jit-repository.js';
import type { Store } from '../store/sqlite-store.js';

/** How often a hold re-reads the request and the clock (a decision in this process wakes it at once). */
const HOLD_TICK_MS = 250;
const DECISION_KINDS: ReadonlySet<string> = new Set(['grant.approve', 'grant.auto-approve', 'grant.deny', 'grant.request.withdraw']);

export interface JitStack {
  readonly port: JitConsentPort;
  readonly repo: JitRepository;
  readonly holdSeconds: number;
}

/** Larger arguments are not kept on the request (nor offered as "this call only"). */
const MAX_HELD_ARGS_BYTES = 8192;

export const jitPurpose = (subject: string): string => `just-in-time: a call to ${subject} outside the current grant`;

export function wireJit(d: { store: Store; audit: AuditLog; clock: Clock; grantRequests: Pick<GrantRequests, 'request'>; identities: IdentityRepository; holdSeconds: number; timers?: Timers }): JitStack {
  const repo = sqliteJitRepository(d.store.db);
  const requests = sqliteGrantRequestRepository(d.store.db);
  const timers = d.timers ?? systemTimers;
  const stateOf = (id: string): GrantRequestState => {
    const r = requests.get(id);
    if (!r) throw new CharonError('ERR_GRANT_REQUEST_NOT_FOUND', `No grant request ${id}`);
    return effectiveRequestState(r, d.clock.now());
  };

  const port: JitConsentPort = {
    enabled: (agentId) => repo.enabled(agentId),
    holdSeconds: () => d.holdSeconds,
    reasonOf: (requestId) => requests.get(requestId)?.reason ?? null,
    request(ctx: AgentContext, server: string, tool: string, args: Readonly<Record<string, unknown>>) {
      const subject = `${server}__${tool}`;
      const now = d.clock.now();
      // A call retried while its request is still open waits on that request instead of asking again.
      const open = requests.list({ agentId: ctx.agentId, state: 'PENDING' }).find((r) => r.purpose === jitPurpose(subject) && effectiveRequestState(r, now) === 'PENDING');
      if (open) return { id: open.id, state: 'PENDING' as const };
      // The request holds the call itself, so the owner can approve exactly it (core/jit-choices.ts); its spec is the
      // widest scope offered (the tool, standing for 30 days), which every narrower choice fits inside.
      const held = JSON.stringify(args).length <= MAX_HELD_ARGS_BYTES ? { server, tool, args } : null;
      const spec = jitChoices(held ?? { server, tool, args: {} }, { agentId: ctx.agentId, environment: ctx.environment }, [], now).at(-1)?.spec as GrantSpec;
      const created = d.grantRequests.request(ctx.agentId, ctx.spiffeId, spec, jitPurpose(subject), held);
      return { id: created.id, state: created.state };
    },
    hold(requestId: string) {
      const deadline = d.clock.now() + d.holdSeconds * 1000;
      return new Promise<GrantRequestState>((resolve, reject) => {
        let timer = timers.setTimeout(() => check(), HOLD_TICK_MS);
        const stop = d.audit.onAppend((record) => {
          if (record.subject === requestId && DECISION_KINDS.has(record.kind) && record.decision === 'allow') check();
        });
        function check(): void {
          try {
            const state = stateOf(requestId);
            if (state !== 'PENDING' || d.clock.now() >= deadline) {
              stop();
              timers.clearTimeout(timer);
              resolve(state);
              return;
            }
          } catch (error) {
            stop();
            timers.clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          timers.clearTimeout(timer);
          timer = timers.setTimeout(() => check(), HOLD_TICK_MS);
        }
      });
    },
    async record(ctx, requestId, subject, outcome) {
      const record = await d.store.groupCommit(() => d.audit.append({ actor: ctx.spiffeId, kind: 'gateway.jit', subject, decision: 'deny', details: { requestId, outcome, jti: ctx.jti, holdSeconds: d.holdSeconds } }));
      return record.seq;
    },
  };
  return { port, repo, holdSeconds: d.holdSeconds };
}
