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

/** `only`: the views this operator may use (team console); every view otherwise. */
export function Nav({ current, onSelect, badges = {}, only }: { current: ViewId; onSelect: (view: ViewId) => void; badges?: Partial<Record<ViewId, number>>; only?: readonly ViewId[] }) {
  return (
    <nav aria-label="Console">
      <ul>
        {VIEWS.filter((view) => !only || only.includes(view.id)).map((view) => (
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
