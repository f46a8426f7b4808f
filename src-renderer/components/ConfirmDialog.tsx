import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';

interface ConfirmDialogProps {
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  /** Offer a free-text reason (recorded in the audit log). */
  readonly askReason?: boolean;
  readonly danger?: boolean;
  readonly onConfirm: (reason: string | undefined) => Promise<unknown>;
  readonly onClose: () => void;
}

/** Asks before a consequential action; stays open with the error if the action fails. */
export function ConfirmDialog({ title, children, confirmLabel, askReason = false, danger = false, onConfirm, onClose }: ConfirmDialogProps) {
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Cancel first: a stray Enter must not confirm a destructive action.
  const cancelRef = useRef<HTMLButtonElement>(null);
  const reasonId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await onConfirm(reason.trim() === '' ? undefined : reason.trim());
      onClose();
    } catch (failure) {
      setError(failure);
      setPending(false);
    }
  }

  return (
    <Modal title={title} onClose={onClose} initialFocus={cancelRef}>
      <form onSubmit={(event) => void submit(event)}>
        <div className="dialog-body">{children}</div>
        {askReason && (
          <div className="field">
            <label htmlFor={reasonId}>Reason (optional, recorded in the audit log)</label>
            <textarea id={reasonId} value={reason} maxLength={500} rows={2} onChange={(event) => setReason(event.target.value)} />
          </div>
        )}
        {error !== null && <ErrorNotice error={error} />}
        <div className="dialog-actions">
          <button type="button" ref={cancelRef} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={pending}>
            {pending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
