import type { ConfigFile } from '../app/config.js';
import { CharonError } from '../core/errors.js';
import type { ParsedArgs } from './args.js';

/** `--listen ADDR:PORT --tls-cert F --tls-key F [--listen-name N ...]`: the remote listener (names default to the address). */
export function remoteOption(v: ParsedArgs['values']): ConfigFile['remote'] {
  const listen = v.listen;
  if (listen === undefined) {
    if (v['tls-cert'] !== undefined || v['tls-key'] !== undefined || v['listen-name'] !== undefined) throw new CharonError('ERR_INVALID_INPUT', '--tls-cert, --tls-key and --listen-name go with --listen ADDR:PORT');
    return undefined;
  }
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  if (!match) throw new CharonError('ERR_INVALID_INPUT', '--listen takes ADDR:PORT (e.g. 0.0.0.0:7443 or [::]:7443)');
  const address = (match[1] ?? match[2]) as string;
  if (!v['tls-cert'] || !v['tls-key']) throw new CharonError('ERR_INVALID_INPUT', `--listen ${listen}: agents off this host are served over TLS only; give --tls-cert and --tls-key (PEM files)`);
  return { address, port: Number(match[3]), names: v['listen-name'] ?? [address], certFile: v['tls-cert'], keyFile: v['tls-key'] };
}
