import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { intOption, required, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

export async function tokenCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const arg = args.positionals[2];
  const v = args.values;
  const json = v.json ?? false;
  switch (sub) {
    case 'issue': {
      const { token, credential } = await call(plane, 'credentials.issue', { agentId: required(arg, '<agent-id>'), audience: v.audience, scope: v.scope, ttlSeconds: intOption(v.ttl, 'ttl') });
      return print(json, { token, credential }, () => token);
    }
    case 'inspect': {
      const decoded = inspect(required(arg, '<token>'));
      return print(json, decoded, () => `NOT VERIFIED — decoded only\n${JSON.stringify(decoded, null, 2)}`);
    }
    case 'verify': {
      const verified = await call(plane, 'credentials.verify', { token: required(arg, '<token>'), audience: v.audience });
      return print(json, verified, () => `valid: ${verified.spiffeId}  aud ${verified.audience}  scope "${verified.scope}"  expires ${time(verified.expiresAt)}  jti ${verified.jti}`);
    }
    case 'introspect': {
      const result = await call(plane, 'credentials.introspect', { token: required(arg, '<token>') });
      return print(true, result, () => '');
    }
    case 'revoke': {
      const credential = await call(plane, 'credentials.revoke', { jti: required(arg, '<jti>'), reason: v.reason });
      return print(json, credential, () => `${credential.jti} is ${credential.state}`);
    }
    case 'list': {
      const list = await call(plane, 'credentials.list', { agentId: arg, liveOnly: v.live });
      return print(json, list, () => (list.length === 0 ? 'no credentials' : table([['JTI', 'AGENT', 'STATE', 'AUD', 'EXPIRES'], ...list.map((c) => [c.jti, c.agentId, c.state, c.audience, time(c.expiresAt)])])));
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown token command ${sub ?? ''} (issue, inspect, verify, introspect, revoke, list)`);
  }
}

function inspect(token: string): { header: unknown; payload: unknown } {
  const [h, p] = token.split('.');
  try {
    return { header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')), payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) };
  } catch {
    throw new CharonError('ERR_JWT_MALFORMED', 'Not a JWS compact serialization');
  }
}
