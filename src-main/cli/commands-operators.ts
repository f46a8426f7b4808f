import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import type { ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

/**
 * `charon operator invite|list|remove`: team mode's operators, from the server itself (whoever can
 * open the data directory is the server's admin). An invite is printed once: hand it to the person.
 */
export async function operatorCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const json = args.values.json ?? false;
  const id = args.positionals[2];
  switch (sub) {
    case 'list': {
      const operators = await call(plane, 'operators.list', {});
      return print(json, operators, () =>
        operators.length === 0 ? 'no operators (add one: charon operator invite <id> --role admin)' : table([['ID', 'ROLE', 'PASSKEYS', 'ADDED', 'REMOVED'], ...operators.map((o) => [o.id, o.role, String(o.passkeys), time(o.createdAt), time(o.removedAt)])]),
      );
    }
    case 'invite': {
      if (!id) throw new CharonError('ERR_INVALID_INPUT', 'operator invite <id> [--role admin|owner]');
      const role = args.values.role;
      if (role !== undefined && role !== 'admin' && role !== 'owner') throw new CharonError('ERR_INVALID_INPUT', '--role is admin or owner');
      const invite = await call(plane, 'operators.invite', { id, ...(role ? { role } : {}) });
      return print(json, invite, () =>
        [
          `${invite.operator.id} (${invite.operator.role}): a one-time invite, valid until ${time(invite.expiresAt)}`,
          invite.url ? `  open ${invite.url}` : `  code ${invite.code} (no console is configured: serve one with --console ADDR:PORT --console-name NAME)`,
          '  to enrol a passkey; it is shown only now.',
        ].join('\n'),
      );
    }
    case 'remove': {
      if (!id) throw new CharonError('ERR_INVALID_INPUT', 'operator remove <id>');
      const removed = await call(plane, 'operators.remove', { id });
      return print(json, removed, () => `${removed.id} removed: their sessions ended and their passkeys sign nothing more`);
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown operator command ${sub ?? ''} (invite, list, remove)`);
  }
}
