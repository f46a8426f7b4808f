import { LIFECYCLE_STATES, type LifecycleState } from '../../../src-shared/domain.js';

export function StateCounts({ counts }: { counts: Readonly<Record<LifecycleState, number>> }) {
  return (
    <table className="counts">
      <caption>Identities per lifecycle state</caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Identities</th>
        </tr>
      </thead>
      <tbody>
        {LIFECYCLE_STATES.map((state) => (
          <tr key={state}>
            <th scope="row">
              <span className={`state state-${state.toLowerCase()}`}>{state}</span>
            </th>
            <td className="number">{counts[state]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
