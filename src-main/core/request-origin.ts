/** What of a Node request the origin depends on (an IncomingMessage; a TLS socket has `encrypted`). */
export interface OriginSource {
  readonly headers: { readonly host?: string | undefined };
  readonly socket: object;
}

/**
 * The origin a request was sent to: https on the remote (TLS) listener, http on loopback, and the
 * Host the listener already checked against its own names. DPoP's `htu`, protected-resource
 * metadata and the OAuth issuer are derived from it.
 */
export function requestOrigin(req: OriginSource, fallbackHost = '127.0.0.1'): string {
  const scheme = 'encrypted' in req.socket && req.socket.encrypted === true ? 'https' : 'http';
  return `${scheme}://${req.headers.host ?? fallbackHost}`;
}
