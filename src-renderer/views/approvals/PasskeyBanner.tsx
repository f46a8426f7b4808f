import { usePasskeys } from './use-approvals.js';

/** First run: until a passkey is enrolled, the console offers it on every view. */
export function PasskeyBanner({ onOpen }: { onOpen: () => void }) {
  const passkeys = usePasskeys();
  if (!passkeys.data || passkeys.data.length > 0) return null;
  return (
    <aside className="notice first-run" aria-label="First run">
      <strong>No passkey yet.</strong> Grant approvals need one.{' '}
      <button type="button" onClick={onOpen}>
        Set up a passkey
      </button>
    </aside>
  );
}
