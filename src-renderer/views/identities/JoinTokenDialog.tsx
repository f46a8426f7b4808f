import type { JoinTokenDto } from '../../../src-shared/dto.js';
import { SecretDialog } from '../../components/SecretDialog.js';
import { Time } from '../../components/Time.js';

/** Shows a join token exactly once: the control plane keeps only its hash. */
export function JoinTokenDialog({ token, onClose }: { token: JoinTokenDto; onClose: () => void }) {
  return (
    <SecretDialog title={`Join token for ${token.agentId}`} secret={token.token} label="Join token" onClose={onClose}>
      <p>
        Give this token to the agent; it is single-use and expires <Time ms={token.expiresAt} />. It will not be shown again.
      </p>
      {token.selectors.length > 0 && (
        <p>
          The agent must present: <code>{token.selectors.join(' ')}</code>
        </p>
      )}
    </SecretDialog>
  );
}
