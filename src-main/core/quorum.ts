// M of N approvers (team mode): a grant for an environment under a quorum rule is created, and
// enforced, only once `required` distinct approvers named by the rule have each signed the same
// spec with their own passkey.
import type { Environment } from '../../src-shared/domain.js';

export interface QuorumRule {
  readonly environment: Environment;
  readonly required: number;
  /** Operator ids whose signatures count. */
  readonly approvers: readonly string[];
}

export const quorumFor = (rules: readonly QuorumRule[], environment: string): QuorumRule | null => rules.find((r) => r.environment === environment) ?? null;

/** The distinct approvers of `rule` among `signers`, in the order they signed. */
export function countedSigners(rule: QuorumRule, signers: Iterable<string>): string[] {
  const counted: string[] = [];
  for (const s of signers) if (rule.approvers.includes(s) && !counted.includes(s)) counted.push(s);
  return counted;
}

export const quorumMet = (rule: QuorumRule, signers: Iterable<string>): boolean => countedSigners(rule, signers).length >= rule.required;
