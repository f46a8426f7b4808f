import type { ApprovalItemDto } from '../../../src-shared/approvals.js';
import { count } from '../../format.js';

/** What approving would let the agent do that it cannot do today, each widening named. */
export function GrantDiff({ diff }: { diff: ApprovalItemDto['diff'] }) {
  const today = diff.currentGrantIds.length > 0 ? `its ${count(diff.currentGrantIds.length, 'active grant')}` : 'no active grant';
  if (diff.nothingNew) {
    return (
      <p className="diff-nothing-new">
        <strong>Nothing new:</strong> every call this allows is allowed today by {today}.
      </p>
    );
  }
  return (
    <section className="diff-widenings" aria-label="What this adds">
      <p>
        <strong>What this adds</strong> to what the agent can do today ({today}):
      </p>
      <ul>
        {diff.widenings.map((w) => (
          <li key={`${w.dimension}:${w.text}`}>
            <span className={`widening widening-${w.dimension}`}>{w.dimension}</span> {w.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
