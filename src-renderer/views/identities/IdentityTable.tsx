import type { IdentityDto } from '../../../src-shared/dto.js';
import { Time } from '../../components/Time.js';
import { IdentityRowActions } from './IdentityRowActions.js';

export function IdentityTable({ identities, onDone }: { identities: readonly IdentityDto[]; onDone: (message: string) => void }) {
  if (identities.length === 0) return <p className="muted">No identities match.</p>;
  return (
    <div className="table-scroll">
      <table className="identities">
        <caption>Agent identities</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">Environment</th>
            <th scope="col">Owner</th>
            <th scope="col">Last attested</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {identities.map((identity) => (
            <tr key={identity.id} data-identity={identity.id}>
              <th scope="row">
                <span className="agent-name">{identity.displayName || identity.id}</span>
                <code className="spiffe-id">{identity.spiffeId}</code>
              </th>
              <td>
                <span className={`state state-${identity.state.toLowerCase()}`}>{identity.state}</span>
              </td>
              <td>{identity.environment}</td>
              <td>{identity.owner}</td>
              <td>
                <Time ms={identity.lastAttestedAt} />
              </td>
              <td>
                <IdentityRowActions identity={identity} onDone={onDone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
