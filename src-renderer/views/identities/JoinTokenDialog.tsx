import { useRef, useState } from 'react';
import type { JoinTokenDto } from '../../../src-shared/dto.js';
import { Modal } from '../../components/Modal.js';
import { Time } from '../../components/Time.js';

/** Shows a join token exactly once: the control plane keeps only its hash. */
export function JoinTokenDialog({ token, onClose }: { token: JoinTokenDto; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const tokenRef = useRef<HTMLOutputElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <Modal title={`Join token for ${token.agentId}`} onClose={onClose} initialFocus={tokenRef}>
      <p>
        Give this token to the agent; it is single-use and expires <Time ms={token.expiresAt} />. It will not be shown again.
      </p>
      <output ref={tokenRef} tabIndex={-1} className="secret" aria-label="Join token" data-testid="join-token">
        {token.token}
      </output>
      {token.selectors.length > 0 && (
        <p>
          The agent must present: <code>{token.selectors.join(' ')}</code>
        </p>
      )}
      <p role="status" className="muted">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy; select the token and copy it by hand.' : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={() => void copy()}>
          Copy token
        </button>
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
