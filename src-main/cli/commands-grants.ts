import { readFileSync } from 'node:fs';
import type { Environment } from '../../src-shared/domain.js';
import type { GrantDto, GrantSpecInput, GrantState, ServerGrant } from '../../src-shared/grant.js';
import { TOOL_SEPARATOR } from '../../src-shared/grant.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { intOption, required, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

/** `server__tool` names of a grant, for one-line summaries. */
const toolsOf = (spec: GrantDto['spec']): string[] =>
  Object.entries(spec.servers).flatMap(([server, g]: [string, ServerGrant]) => Object.keys(g.tools).map((t) => `${server}${TOOL_SEPARATOR}${t}`));

const grantLines = (g: GrantDto): string =>
  [
    `${g.id}  ${g.state}  agent ${g.spec.agentId}  env ${g.spec.environment}`,
    `  tools [${toolsOf(g.spec).join(', ')}]`,
    `  expires ${time(g.spec.expiresAt)}  created ${time(g.createdAt)} by ${g.createdBy}  revoked ${time(g.revokedAt)}`,
    `  spec sha256 ${g.specHash}`,
  ].join('\n');

/** A spec from a JSON file: either the spec itself or `{ "spec": … }`. Validated by the operator contract. */
function specFromFile(path: string): GrantSpecInput {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CharonError('ERR_INVALID_INPUT', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value === 'object' && value !== null && 'spec' in value) value = (value as { spec: unknown }).spec;
  return value as GrantSpecInput;
}

/** A spec from flags: `--tool server__tool` (repeatable) without argument constraints. */
function specFromFlags(plane: ControlPlane, args: ParsedArgs): GrantSpecInput {
  const v = args.values;
  const tools = v.tool ?? [];
  if (tools.length === 0) throw new CharonError('ERR_INVALID_INPUT', 'missing --tool server__tool (or --file grant.json)');
  const servers: Record<string, { tools: Record<string, object> }> = {};
  for (const name of tools) {
    const at = name.indexOf(TOOL_SEPARATOR);
    if (at <= 0 || at + TOOL_SEPARATOR.length >= name.length) throw new CharonError('ERR_INVALID_INPUT', `--tool ${name}: expected server${TOOL_SEPARATOR}tool`);
    const server = name.slice(0, at);
    (servers[server] ??= { tools: {} }).tools[name.slice(at + TOOL_SEPARATOR.length)] = {};
  }
  const ttl = intOption(v.ttl, 'ttl');
  return {
    agentId: required(v.agent, '--agent'),
    environment: required(v.env, '--env') as Environment,
    servers,
    expiresAt: ttl === undefined ? null : plane.clock.now() + ttl * 1000,
  };
}

export async function grantCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<unknown> {
  const id = args.positionals[2];
  const v = args.values;
  const json = v.json ?? false;
  switch (sub) {
    case 'create': {
      const spec = v.file ? specFromFile(v.file) : specFromFlags(plane, args);
      const grant = await call(plane, 'grants.create', { spec });
      return print(json, grant, () => `created ${grant.id} for ${grant.spec.agentId} (${grant.spec.environment}): ${toolsOf(grant.spec).join(', ') || 'no tools'}\nspec sha256 ${grant.specHash}`);
    }
    case 'list': {
      const list = await call(plane, 'grants.list', { agentId: v.agent, state: v.state?.toUpperCase() as GrantState | undefined });
      return print(json, list, () =>
        list.length === 0 ? 'no grants' : table([['ID', 'STATE', 'AGENT', 'ENV', 'EXPIRES', 'TOOLS'], ...list.map((g) => [g.id, g.state, g.spec.agentId, g.spec.environment, time(g.spec.expiresAt), String(toolsOf(g.spec).length)])]),
      );
    }
    case 'show': {
      const grant = await call(plane, 'grants.get', { id: required(id, '<id>') });
      return print(json, grant, () => `${grantLines(grant)}\n${JSON.stringify(grant.spec, null, 2)}`);
    }
    case 'revoke': {
      const grant = await call(plane, 'grants.revoke', { id: required(id, '<id>'), reason: v.reason });
      return print(json, grant, () => `${grant.id} is now ${grant.state}`);
    }
    case 'narrow': {
      const grant = await call(plane, 'grants.narrow', { id: required(id, '<id>'), spec: specFromFile(required(v.file, '--file spec.json')) });
      return print(json, grant, () => `narrowed ${grant.id}\nspec sha256 ${grant.specHash}`);
    }
    case 'verify': {
      const result = await call(plane, 'grants.verify', { id: required(id, '<id>') });
      // Under M of N, each approver's signature on its own line, as re-verified.
      const signatures = result.quorum
        ? `\n  ${result.quorum.required} of ${result.quorum.approvers.join(', ')} needed:${result.signatures.map((sig) => `\n    ${sig.operatorId}: ${sig.ok ? 'verified' : 'NOT verified'}  passkey ${sig.credentialId}  signed ${time(sig.signedAt)}`).join('') || ' no signatures'}`
        : '';
      print(json, result, () =>
        (result.ok
          ? `${result.grantId}: verified — ${result.message}\n  request ${result.requestId ?? '-'}  passkey ${result.credentialId ?? '-'}  approved ${time(result.approvedAt)}\n  spec sha256 ${result.specHash}`
          : `${result.grantId}: NOT verified (${result.problem ?? 'unknown'}) — ${result.message}\n  spec sha256 ${result.specHash}  approved sha256 ${result.approvedSpecHash ?? '-'}`) + signatures,
      );
      // A grant that does not verify is a failed check: exit 1.
      return result.ok ? undefined : false;
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown grant command ${sub ?? ''} (create, list, show, revoke, narrow, verify)`);
  }
}
