import { useRef, useState, type ReactNode } from 'react';
import { Modal } from './Modal.js';

/** Shows a secret exactly once (the control plane keeps only a hash or nothing), with a copy button. */
export function SecretDialog({ title, secret, label, children, onClose }: { title: string; secret: string; label: string; children: ReactNode; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const secretRef = useRef<HTMLOutputElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <Modal title={title} onClose={onClose} initialFocus={secretRef}>
      {children}
      <output ref={secretRef} tabIndex={-1} className="secret" aria-label={label} data-testid="one-time-secret">
        {secret}
      </output>
      <p role="status" className="muted">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy; select it and copy it by hand.' : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
