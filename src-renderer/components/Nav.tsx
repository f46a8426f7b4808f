export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'approvals', label: 'Approvals' },
  { id: 'identities', label: 'Identities' },
  { id: 'grants', label: 'Grants' },
  { id: 'owners', label: 'Owners' },
  { id: 'audit', label: 'Audit log' },
  { id: 'delegation', label: 'Delegation' },
  { id: 'reaper', label: 'Reaper' },
  { id: 'gateway', label: 'Gateway' },
  { id: 'settings', label: 'Settings' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function isViewId(value: string): value is ViewId {
  return VIEWS.some((view) => view.id === value);
}

export function Nav({ current, onSelect, badges = {} }: { current: ViewId; onSelect: (view: ViewId) => void; badges?: Partial<Record<ViewId, number>> }) {
  return (
    <nav aria-label="Console">
      <ul>
        {VIEWS.map((view) => (
          <li key={view.id}>
            <button type="button" aria-current={view.id === current ? 'page' : undefined} onClick={() => onSelect(view.id)}>
              {view.label}
              {(badges[view.id] ?? 0) > 0 && (
                <span className="badge" data-testid={`badge-${view.id}`}>
                  {' '}
                  {badges[view.id]}
                  <span className="visually-hidden"> pending</span>
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
