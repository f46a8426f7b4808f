import type { JoinTokenDto } from '../../../src-shared/dto.js';
import { SecretDialog } from '../../components/SecretDialog.js';
import { Time } from '../../components/Time.js';
import { ClientSnippets } from '../connect/ClientSnippets.js';
import { stdioSnippets } from '../connect/client-snippets.js';
import { useStatus } from '../overview/use-status.js';

/** Shows a join token exactly once: the control plane keeps only its hash. */
export function JoinTokenDialog({ token, onClose }: { token: JoinTokenDto; onClose: () => void }) {
  const status = useStatus();
  return (
    <SecretDialog title={`Join token for ${token.agentId}`} secret={token.token} label="Join token" onClose={onClose}>
      <p>
        Give this token to the agent; it is single-use and expires <Time ms={token.expiresAt} />. It will not be shown again.
      </p>
      <details>
        <summary>The config for an MCP client (charon connect with this token)</summary>
        <ClientSnippets snippets={stdioSnippets(token.agentId, token.token, status.data?.agentUrl ?? 'http://127.0.0.1:7470')} label="Configs for this token" />
      </details>
      {token.selectors.length > 0 && (
        <p>
          The agent must present: <code>{token.selectors.join(' ')}</code>
        </p>
      )}
    </SecretDialog>
  );
}
