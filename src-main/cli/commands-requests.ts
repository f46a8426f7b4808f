import type { ApprovalItemDto } from '../../src-shared/approvals.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import type { ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, time } from './output.js';

/** One pending request as the consent card states it: who, why, and what it would add (approving needs the console's passkey). */
function requestText(item: ApprovalItemDto): string {
  const r = item.request;
  const head = `${r.id}  ${r.agentId}  risk ${item.risk}  ${r.spec.environment}  open until ${time(r.expiresAt)}\n  purpose: ${r.purpose}\n  expires: ${r.spec.expiresAt === null ? 'never (until revoked)' : time(r.spec.expiresAt)}`;
  const change = item.diff.nothingNew ? '  nothing new: every call it allows is allowed today' : ['  adds:', ...item.diff.widenings.map((w) => `    [${w.dimension}] ${w.text}`)].join('\n');
  return `${head}\n${change}`;
}

/** `charon request list`: the approval inbox, read-only. */
export async function requestCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const json = args.values.json ?? false;
  if (sub !== 'list') throw new CharonError('ERR_INVALID_INPUT', `unknown request command ${sub ?? ''} (list)`);
  const items = await call(plane, 'approvals.list', { state: 'PENDING' });
  return print(json, items, () => (items.length === 0 ? 'no pending requests' : items.map(requestText).join('\n\n')));
}
