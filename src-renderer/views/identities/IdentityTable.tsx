import type { CredentialDto, IdentityDto } from '../../../src-shared/dto.js';
import { Time } from '../../components/Time.js';
import { TtlBar } from '../../components/TtlBar.js';
import { useNow } from '../../components/use-now.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import type { InventoryQuery, SortKey } from './inventory.js';

export const IDENTITY_ROW_HEIGHT = 52;

interface Props {
  readonly identities: readonly IdentityDto[];
  readonly credentials: ReadonlyMap<string, readonly CredentialDto[]>;
  readonly query: InventoryQuery;
  readonly onSort: (key: SortKey) => void;
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
}

/** Every identity, windowed; the TTL bars count down once a second (only the rows in view re-render). */
export function IdentityTable({ identities, credentials, query, onSort, selected, onSelect }: Props) {
  const now = useNow(1000);
  const sortable = (label: string, key: SortKey): Column => ({
    label,
    sort: query.sort !== key ? 'none' : query.descending ? 'descending' : 'ascending',
    onSort: () => onSort(key),
  });
  const columns: readonly Column[] = [
    sortable('Agent', 'id'),
    sortable('State', 'state'),
    sortable('Environment', 'environment'),
    sortable('Owner', 'owner'),
    sortable('Last seen', 'lastSeenAt'),
    sortable('Live credentials', 'credentials'),
    'Actions',
  ];
  return (
    <VirtualTable
      label="Agent identities"
      className="identity-table"
      columns={columns}
      count={identities.length}
      rowHeight={IDENTITY_ROW_HEIGHT}
      rowKey={(index) => identities[index]?.id ?? index}
      rowProps={(index) => ({ 'data-identity': identities[index]?.id, 'aria-selected': identities[index]?.id === selected })}
      empty={<span className="muted">No identities match.</span>}
      renderRow={(index) => {
        const identity = identities[index];
        if (!identity) return null;
        const live = credentials.get(identity.id) ?? [];
        const soonest = live[0];
        return (
          <>
            <div role="rowheader" className="agent-cell">
              <span className="agent-name">{identity.displayName || identity.id}</span>
              <code className="spiffe-id">{identity.spiffeId}</code>
            </div>
            <div role="cell">
              <span className={`state state-${identity.state.toLowerCase()}`}>{identity.state}</span>
            </div>
            <div role="cell">{identity.environment}</div>
            <div role="cell">{identity.owner}</div>
            <div role="cell">
              <Time ms={identity.lastSeenAt} compact />
            </div>
            <div role="cell">
              {soonest ? (
                <>
                  <TtlBar issuedAt={soonest.issuedAt} expiresAt={soonest.expiresAt} now={now} label={`Credential of ${identity.id}`} />
                  {live.length > 1 && <span className="muted"> +{live.length - 1}</span>}
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </div>
            <div role="cell">
              <button type="button" onClick={() => onSelect(identity.id)}>
                Manage<span className="visually-hidden"> {identity.id}</span>
              </button>
            </div>
          </>
        );
      }}
    />
  );
}
