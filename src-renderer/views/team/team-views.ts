import type { OperatorRoleName } from '../../../src-shared/team.js';
import { VIEWS, type ViewId } from '../../components/Nav.js';

/**
 * What a team operator's console shows, as the server allows it (app/team-handlers.ts): an owner
 * decides their agents' requests and sees those agents and their grants; an admin sees everything
 * but the desktop owner's own settings (passkeys, key protection), which live on the server.
 */
export function teamViews(role: OperatorRoleName): readonly ViewId[] {
  if (role === 'owner') return ['approvals', 'identities', 'grants'];
  return VIEWS.map((v) => v.id).filter((id) => id !== 'settings');
}
