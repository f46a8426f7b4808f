export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'identities', label: 'Identities' },
  { id: 'audit', label: 'Audit log' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function Nav({ current, onSelect }: { current: ViewId; onSelect: (view: ViewId) => void }) {
  return (
    <nav aria-label="Console">
      <ul>
        {VIEWS.map((view) => (
          <li key={view.id}>
            <button type="button" aria-current={view.id === current ? 'page' : undefined} onClick={() => onSelect(view.id)}>
              {view.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
