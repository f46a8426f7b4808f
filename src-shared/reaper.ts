// The reaper and the owners it reads, over the operator contract: schemas of the inputs and the
// shapes returned. Times are epoch milliseconds.
import { z } from 'zod';
import type { LifecycleState } from './domain.js';
import type { GrantSpec } from './grant.js';
import { idSchema, reasonSchema } from './schemas.js';

export const OWNER_STATES = ['ACTIVE', 'DEPARTED', 'DISABLED'] as const;
export type OwnerState = (typeof OWNER_STATES)[number];

/** An action id as the reaper derives it: `rpa_` and 24 hex digits. */
export const reaperActionIdSchema = z.string().regex(/^rpa_[0-9a-f]{24}$/, 'must be a reaper action id (rpa_…)');

export const reaperPreviewInput = z.strictObject({});

export const reaperRunInput = z.strictObject({
  /** Apply only these actions (ids from a preview); without it, every action that is not a proposal. */
  actionIds: z.array(reaperActionIdSchema).max(10_000).optional(),
});

export const listOwnersInput = z.strictObject({});

export const setOwnerInput = z.strictObject({
  id: idSchema,
  state: z.enum(OWNER_STATES),
  /** Whether an anomaly of one of this owner's agents suspends it (ACTIVE → IDLE) at once. */
  autoSuspend: z.boolean().optional(),
  reason: reasonSchema,
});

export const REAPER_ACTION_KINDS = ['idle', 'quarantine', 'decommission', 'orphan', 'drift', 'cleanup', 'anomaly'] as const;
export type ReaperActionKind = (typeof REAPER_ACTION_KINDS)[number];

export const ANOMALY_KINDS = ['issuance-spike', 'off-hours', 'environment-jump', 'denied-burst', 'new-tool'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const CLEANUP_TARGETS = ['attestations', 'join-tokens', 'credentials', 'grants'] as const;
export type CleanupTarget = (typeof CLEANUP_TARGETS)[number];

/** What applying an action does. */
export type ReaperEffect =
  /** ACTIVE → IDLE: no credential is issued or accepted until the agent attests again. */
  | { readonly type: 'transition'; readonly agentId: string; readonly from: LifecycleState; readonly to: LifecycleState }
  /** Identity REVOKED (its credentials with it) and its grants revoked; decommissioned later. */
  | { readonly type: 'quarantine'; readonly agentId: string; readonly from: LifecycleState; readonly grantIds: readonly string[] }
  /** REVOKED → DECOMMISSIONED (final), remaining grants revoked. */
  | { readonly type: 'decommission'; readonly agentId: string; readonly grantIds: readonly string[] }
  /** Revoked (if live) and decommissioned at once, grants revoked; `cascade` lists delegated descendants handled too. */
  | { readonly type: 'orphan'; readonly agentId: string; readonly from: LifecycleState; readonly grantIds: readonly string[]; readonly cascade: readonly string[] }
  /**
   * Replace the grant's spec by `spec`: unused tools removed, constraints and envelope limits cut
   * to what was used (`changes` says each in words). A narrowing, so no passkey.
   */
  | { readonly type: 'narrow'; readonly grantId: string; readonly agentId: string; readonly removedTools: readonly string[]; readonly changes: readonly string[]; readonly spec: GrantSpec }
  /** Delete rows that expired at or before `cutoff`; for grants, store EXPIRED on the grants `ids` (past their expiry). */
  | { readonly type: 'cleanup'; readonly target: CleanupTarget; readonly cutoff: number; readonly count: number; readonly ids?: readonly string[] }
  /** Recorded in the audit chain; `suspend` moves the agent ACTIVE → IDLE (its owner's setting). */
  | { readonly type: 'flag'; readonly agentId: string; readonly anomaly: AnomalyKind; readonly suspend: boolean };

export interface ReaperActionDto {
  readonly id: string;
  readonly kind: ReaperActionKind;
  /** The rule that produced it, e.g. `idle` or `anomaly.denied-burst`. */
  readonly rule: string;
  /** The identity, grant or table the action is about. */
  readonly subject: string;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly effect: ReaperEffect;
  /** A proposal (drift narrowing) is applied only when selected by id; everything else by a plain run. */
  readonly proposal: boolean;
}

export interface ReaperPreviewDto {
  readonly now: number;
  readonly actions: readonly ReaperActionDto[];
}

export interface ReaperRunDto {
  readonly now: number;
  readonly applied: readonly ReaperActionDto[];
  /** Selected ids that the run found no action for (already applied, or no longer due). */
  readonly notFound: readonly string[];
}

export interface OwnerDto {
  readonly id: string;
  readonly state: OwnerState;
  readonly autoSuspend: boolean;
  /** Identities naming this owner (any state). */
  readonly identities: number;
  /** When the owner's record last changed; null for an owner known only from identities. */
  readonly updatedAt: number | null;
}
