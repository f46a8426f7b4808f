// How risky a grant is, read from its tool names and constraints: read < write < transact
// (payments, deletions, anything that cannot be taken back). Unknown verbs count as write.
import type { RiskLevel } from '../../src-shared/approvals.js';
import { RISK_LEVELS } from '../../src-shared/approvals.js';
import { TOOL_SEPARATOR, type GrantSpec, type ToolRule } from '../../src-shared/grant.js';

const TRANSACT = /(delete|remove|destroy|drop|purge|erase|wipe|truncate|kill|terminate|pay|payment|transfer|transact|charge|refund|purchase|buy|sell|withdraw|send|wire|deploy|publish|exec|execute|shell|run|sudo)/i;
const READ = /^(read|get|list|search|find|fetch|query|view|show|describe|open|lookup|stat|head|count|inspect|directory|tree|echo|ping|health)/i;
const READ_WORDS = /(^|_|-|\.)(read|get|list|search|find|query|view|info|tree|graph|nodes?)($|_|-|\.)/i;

export function toolRisk(tool: string, rule: ToolRule | undefined): RiskLevel {
  const amounts = Object.values(rule?.args ?? {}).some((c) => 'amount' in c);
  if (TRANSACT.test(tool) || amounts) return 'transact';
  if (READ.test(tool) || (READ_WORDS.test(tool) && !/(write|edit|create|update|set|add|put|post|move|rename|insert|upload|save|append|patch)/i.test(tool))) return 'read';
  return 'write';
}

export const maxRisk = (levels: readonly RiskLevel[]): RiskLevel => levels.reduce<RiskLevel>((a, b) => (RISK_LEVELS.indexOf(b) > RISK_LEVELS.indexOf(a) ? b : a), 'read');

export const riskAtMost = (level: RiskLevel, limit: RiskLevel): boolean => RISK_LEVELS.indexOf(level) <= RISK_LEVELS.indexOf(limit);

/** Every `server__tool` of a spec with its risk. */
export function toolsOf(spec: GrantSpec): { name: string; risk: RiskLevel }[] {
  return Object.entries(spec.servers).flatMap(([server, grant]) => Object.entries(grant.tools).map(([tool, rule]) => ({ name: `${server}${TOOL_SEPARATOR}${tool}`, risk: toolRisk(tool, rule) })));
}

/** Prompts and resources read; a spec that names none of its own tools is a read. */
export function specRisk(spec: GrantSpec): RiskLevel {
  return maxRisk(toolsOf(spec).map((t) => t.risk));
}
