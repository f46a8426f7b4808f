// Seams of the reaper (DESIGN.md §7): owners, and the aggregate reads over the audit log and
// the inventory that its rules need. The audit log's window is read once, in one pass.
import type { OwnerState } from '../../src-shared/reaper.js';
import type { GrantRecord } from './records.js';

export interface OwnerRecord {
  readonly id: string;
  readonly state: OwnerState;
  readonly autoSuspend: boolean;
  readonly updatedAt: number;
}

export interface OwnerRepository {
  get(id: string): OwnerRecord | null;
  /** Owners with a record, by id. */
  list(): OwnerRecord[];
  upsert(owner: OwnerRecord): void;
  /** How many identities name each owner (owners known only from identities included). */
  identityCounts(): Map<string, number>;
}

/** gateway.decision records of one agent (actor) for one `server__tool` (subject) and decision. */
export interface ToolUseRow {
  readonly actor: string;
  readonly subject: string;
  readonly decision: string;
  readonly calls: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

/** Per agent: gateway decisions by hour of the day (UTC), before and inside the recent window. */
export interface AgentHours {
  readonly actor: string;
  /** Calls per UTC hour of the day (index 0–23) before the recent window, and inside it. */
  readonly baseline: readonly number[];
  readonly recent: readonly number[];
}

/** Per agent (the SPIFFE id, the subject of credential.issue): issuances before and inside the recent window. */
export interface IssuanceRow {
  readonly subject: string;
  readonly baseline: number;
  readonly recent: number;
}

export interface DeniedRow {
  readonly actor: string;
  readonly denied: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

/** A normalized value an agent's allowed calls gave a constrained argument (decision records' `constrained`). */
export interface ArgValueRow {
  readonly actor: string;
  /** `server__tool`. */
  readonly subject: string;
  /** The dotted argument path. */
  readonly arg: string;
  readonly value: string | number | boolean;
  readonly calls: number;
}

/** The largest amount an agent's allowed calls gave an amount-constrained argument. */
export interface ArgPeakRow {
  readonly actor: string;
  readonly subject: string;
  readonly arg: string;
  /** Approximate (SQLite REAL): a proposal rounds it up, never down. */
  readonly peak: number;
}

/**
 * A gateway.decision record as the reaper's window pass reads it; `constrained` is the JSON text of
 * its details' `constrained` member where the pass asked for it (else null).
 */
export type DecisionRecord = readonly [time: number, decision: string, actor: string, subject: string, constrained: string | null];

/** The most allowed calls an agent made in one calendar minute: over all tools (`subject` null) or to one tool. */
export interface RatePeakRow {
  readonly actor: string;
  readonly subject: string | null;
  readonly peak: number;
}

export interface ReaperFactsRepository {
  /**
   * Every gateway.decision record with `since <= time <= until`, to `visit` in time order
   * (reaper/window-facts.ts counts them in one pass, per-minute peaks as runs). A record carries
   * its `constrained` member only if allowed, at or after `constrained.since` and calling one of
   * `constrained.tools` (`server__tool`).
   */
  scanDecisions(since: number, until: number, constrained: { readonly since: number; readonly tools: readonly string[] }, visit: (record: DecisionRecord) => void): void;
  /** The subject (SPIFFE id) and time of every allowed credential.issue record with `since <= time <= until`. */
  scanIssuances(since: number, until: number, visit: (subject: string, time: number) => void): void;
  /** The action ids of reaper.anomaly records since `since` (an anomaly is flagged once per window). */
  flaggedSince(since: number): Set<string>;
  /** The largest period total of each cumulative-cap usage key among periods starting at or after `since`. */
  capPeaks(keys: readonly string[], since: number): Map<string, bigint>;
  /** Grants stored ACTIVE (whether past expiry or not), every agent. */
  activeGrants(): GrantRecord[];
  /** Rows the cleanup would remove: attestations, join tokens and credentials that expired at or before `cutoff`. */
  countDead(cutoff: number): { attestations: number; joinTokens: number; credentials: number };
  /** Deletes them; returns how many went. */
  deleteDeadAttestations(cutoff: number): number;
  deleteDeadJoinTokens(cutoff: number): number;
  deleteDeadCredentials(cutoff: number): number;
  /** Stores EXPIRED on ACTIVE grants past their expiry. */
  expireGrants(ids: readonly string[], at: number): number;
}
