import { readFileSync } from 'node:fs';
import type { DelegationDto, DelegationTraceDto } from '../../src-shared/delegation.js';
import type { OperatorInput } from '../../src-shared/operator-api.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { intOption, required, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

/** What a hop was given: its scope, the tools its narrowing keeps (or "as received"), its lifetime and assurance. */
function hopLine(hop: DelegationDto, index: number): string {
  const from = hop.delegator.slice(hop.delegator.lastIndexOf('/') + 1);
  const authority = hop.authority
    ? Object.entries(hop.authority.servers)
        .flatMap(([server, g]) => Object.entries(g.tools).map(([tool, rule]) => `${server}__${tool}${rule.args ? ` ${JSON.stringify(rule.args)}` : ''}`))
        .join(', ') || 'nothing'
    : 'as received';
  const envelope = hop.authority && Object.keys(hop.authority.envelope).length > 0 ? `  envelope ${JSON.stringify(hop.authority.envelope)}` : '';
  return [
    `${index + 1}. ${from} → ${hop.agentId}  [${hop.state}]  ${hop.id}`,
    `   scope "${hop.scope}"  ${hop.environment}  issued ${time(hop.issuedAt)}  expires ${time(hop.expiresAt)}  acr ${hop.acr}${hop.dpopJkt ? '  DPoP-bound' : ''}`,
    `   authority: ${authority}${envelope}`,
  ].join('\n');
}

const traceText = (trace: DelegationTraceDto): string => [`owner ${trace.ownerId} (${trace.subject}); used by ${trace.actor}; jti ${trace.jti}`, ...trace.hops.map(hopLine)].join('\n');

/** `charon trace <token>`: the chain of a delegated token back to the human who started it. */
export async function traceCommand(plane: ControlPlane, args: ParsedArgs): Promise<void> {
  const trace = await call(plane, 'delegation.trace', { token: required(args.positionals[1], '<token>') });
  print(args.values.json ?? false, trace, () => traceText(trace));
}

/** `charon delegation authorize|show|revoke|graph`: the owner's side of delegation. */
export async function delegationCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const arg = args.positionals[2];
  const v = args.values;
  const json = v.json ?? false;
  switch (sub) {
    case 'authorize': {
      // Validated by the operator contract, like any other input.
      const authority = v.file ? (JSON.parse(readFileSync(v.file, 'utf8')) as OperatorInput<'delegation.authorize'>['authority']) : undefined;
      const issued = await call(plane, 'delegation.authorize', {
        ownerId: required(v.owner, '--owner'),
        agentId: required(arg, '<agent-id>'),
        scope: v.scope,
        audience: v.audience,
        ttlSeconds: intOption(v.ttl, 'ttl'),
        dpopJkt: v.jkt,
        authority,
      });
      return print(json, issued, () => issued.token);
    }
    case 'show': {
      const hop = await call(plane, 'delegation.get', { id: required(arg, '<delegation-id>') });
      return print(json, hop, () => hopLine(hop, hop.depth - 1));
    }
    case 'revoke': {
      const hop = await call(plane, 'delegation.revoke', { id: required(arg, '<delegation-id>'), reason: v.reason });
      return print(json, hop, () => `${hop.id} is ${hop.state} (with everything delegated below it)`);
    }
    case 'graph': {
      const graph = await call(plane, 'delegation.graph', { ownerId: v.owner, agentId: v.agent, liveOnly: v.live });
      const label = (id: string): string => id.slice(id.indexOf('/', 'spiffe://'.length) + 1);
      return print(json, graph, () =>
        graph.edges.length === 0 ? 'no delegations' : table([['ID', 'FROM', 'TO', 'DEPTH', 'STATE', 'EXPIRES'], ...graph.edges.map((e) => [e.id, label(e.source), label(e.target), String(e.depth), e.state, time(e.expiresAt)])]),
      );
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown delegation command ${sub ?? ''} (authorize, show, revoke, graph)`);
  }
}
