import { errorText } from '../api/error-text.js';

/** A failed call, with its stable error code so the operator can look it up. */
export function ErrorNotice({ error, title = 'The request failed' }: { error: unknown; title?: string }) {
  const { code, message } = errorText(error);
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}</strong>
      <p>
        <code>{code}</code> {message}
      </p>
    </div>
  );
}
