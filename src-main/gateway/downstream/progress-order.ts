import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * Keeps a request's last progress notification from being lost. The SDK hands notifications to
 * their handlers one microtask late but settles a response at once; when a server sends its
 * final progress and the result back to back (the usual case), the result wins, the request's
 * progress handler is gone, and the agent never sees 100%. Delaying each response by one
 * microtask restores the order the server sent. Call after `client.connect` (which installs
 * the SDK's own onmessage), and only then: the wrapper must sit outside it.
 */
export function deliverProgressBeforeResults(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  transport.onmessage = (message, extra) => {
    const isResponse = 'id' in message && ('result' in message || 'error' in message);
    if (isResponse) queueMicrotask(() => deliver(message, extra));
    else deliver(message, extra);
  };
}
