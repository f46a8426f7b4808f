import type { IdentityDto } from '../../src-shared/dto.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { intOption, required, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

const identityLines = (i: IdentityDto): string =>
  [
    `${i.spiffeId}  ${i.state}`,
    `  owner ${i.owner}  env ${i.environment}  selectors [${i.selectors.join(', ')}]  scopes [${i.scopes.join(' ')}]`,
    `  created ${time(i.createdAt)}  attested ${time(i.lastAttestedAt)} (until ${time(i.attestationExpiresAt)})  last seen ${time(i.lastSeenAt)}`,
  ].join('\n');

export async function agentCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const [, , id, state] = args.positionals;
  const v = args.values;
  const json = v.json ?? false;
  switch (sub) {
    case 'register': {
      const owner = required(v.owner, '--owner');
      if (!v['new-owner']) await assertKnownOwner(plane, owner);
      const identity = await call(plane, 'identities.register', {
        id: required(id, '<id>'),
        owner,
        environment: required(v.env, '--env') as IdentityDto['environment'],
        displayName: v.name,
        selectors: v.selector ?? [],
        scopes: v.scope ?? [],
      });
      return print(json, identity, () => `registered ${identity.spiffeId} (${identity.state})`);
    }
    case 'list': {
      const list = await call(plane, 'identities.list', { state: v.state as IdentityDto['state'] | undefined, environment: v.env as IdentityDto['environment'] | undefined, owner: v.owner });
      return print(json, list, () => (list.length === 0 ? 'no identities' : table([['ID', 'STATE', 'ENV', 'OWNER', 'LAST SEEN'], ...list.map((i) => [i.id, i.state, i.environment, i.owner, time(i.lastSeenAt)])])));
    }
    case 'show': {
      const identity = await call(plane, 'identities.get', { id: required(id, '<id>') });
      return print(json, identity, () => identityLines(identity));
    }
    case 'transition': {
      const identity = await call(plane, 'identities.transition', { id: required(id, '<id>'), to: required(state, '<STATE>').toUpperCase() as IdentityDto['state'], reason: v.reason });
      return print(json, identity, () => `${identity.id} is now ${identity.state}`);
    }
    case 'revoke': {
      const identity = await call(plane, 'identities.revoke', { id: required(id, '<id>'), reason: v.reason });
      return print(json, identity, () => `${identity.id} is now ${identity.state}; its credentials are revoked`);
    }
    case 'kill': {
      const result = await call(plane, 'identities.kill', { id: required(id, '<id>'), reason: v.reason });
      return print(json, result, () => `${result.identity.id} is ${result.identity.state}; ${result.revokedCredentials} credential(s) revoked`);
    }
    case 'jit': {
      if (state !== 'on' && state !== 'off') throw new CharonError('ERR_INVALID_INPUT', 'usage: charon agent jit <id> on|off');
      const setting = await call(plane, 'jit.set', { agentId: required(id, '<id>'), enabled: state === 'on' });
      return print(json, setting, () => `just-in-time consent ${setting.enabled ? `on for ${setting.agentId}: a call outside its grant waits up to ${setting.holdSeconds} s for your approval` : `off for ${setting.agentId}`}`);
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown agent command ${sub ?? ''} (register, list, show, transition, revoke, kill, jit)`);
  }
}

export async function joinTokenCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  if (sub !== 'create') throw new CharonError('ERR_INVALID_INPUT', 'usage: charon join-token create <agent-id>');
  const result = await call(plane, 'joinTokens.create', {
    agentId: required(args.positionals[2], '<agent-id>'),
    ttlSeconds: intOption(args.values.ttl, 'ttl'),
    selectors: args.values.selector,
  });
  print(args.values.json ?? false, result, () => `${result.token}\n(single use, expires ${time(result.expiresAt)}; shown once)`);
}

/**
 * A typo in an owner name must not create an owner (its agents would escape the reaper's owner
 * rules): a name nobody uses yet is refused with the nearest known one, unless `--new-owner`.
 * The very first owner needs no flag.
 */
async function assertKnownOwner(plane: ControlPlane, owner: string): Promise<void> {
  const known = (await call(plane, 'owners.list', {})).map((o) => o.id);
  if (known.length === 0 || known.includes(owner)) return;
  const nearest = [...known].sort((a, b) => distance(owner, a) - distance(owner, b))[0] as string;
  throw new CharonError('ERR_OWNER_NOT_FOUND', `no owner '${owner}' yet${distance(owner, nearest) <= 2 ? ` (did you mean '${nearest}'?)` : ''}; known owners: ${known.join(', ')}. Pass --new-owner to create it`);
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] as number;
}
