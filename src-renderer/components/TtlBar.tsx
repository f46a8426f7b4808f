/** A credential's remaining lifetime as a bar counting down, with the time left in words. */
export function TtlBar({ issuedAt, expiresAt, now, label }: { issuedAt: number; expiresAt: number; now: number; label: string }) {
  const total = Math.max(1, expiresAt - issuedAt);
  const left = Math.max(0, expiresAt - now);
  return (
    <span className="ttl">
      <meter min={0} max={total} low={total * 0.2} optimum={total} value={left} aria-label={`${label}: ${formatLeft(left)} left`} />
      <span className="ttl-text">{formatLeft(left)}</span>
    </span>
  );
}

export function formatLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}
