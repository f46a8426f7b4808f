import type { ConfigFile } from '../app/config.js';
import { CharonError } from '../core/errors.js';
import type { ParsedArgs } from './args.js';

/** `--listen ADDR:PORT --tls-cert F --tls-key F [--listen-name N ...]`: the remote listener (names default to the address). */
export function remoteOption(v: ParsedArgs['values']): ConfigFile['remote'] {
  const listen = v.listen;
  if (listen === undefined) {
    if (v['listen-name'] !== undefined) throw new CharonError('ERR_INVALID_INPUT', '--listen-name goes with --listen ADDR:PORT');
    if ((v['tls-cert'] !== undefined || v['tls-key'] !== undefined) && v.console === undefined) throw new CharonError('ERR_INVALID_INPUT', '--tls-cert and --tls-key go with --listen ADDR:PORT or --console ADDR:PORT');
    return undefined;
  }
  const { address, port } = addressAndPort(listen, '--listen');
  const { certFile, keyFile } = tlsFiles(v, `--listen ${listen}: agents off this host are served over TLS only`);
  return { address, port, names: v['listen-name'] ?? [address], certFile, keyFile };
}

/** `--console ADDR:PORT --console-name NAME --tls-cert F --tls-key F`: the remote console, for operators who sign in with passkeys. */
export function consoleOption(v: ParsedArgs['values']): ConfigFile['console'] {
  const listen = v.console;
  if (listen === undefined) {
    if (v['console-name'] !== undefined) throw new CharonError('ERR_INVALID_INPUT', '--console-name goes with --console ADDR:PORT');
    return undefined;
  }
  const { address, port } = addressAndPort(listen, '--console');
  const { certFile, keyFile } = tlsFiles(v, `--console ${listen}: the console is served over TLS only`);
  if (!v['console-name']) throw new CharonError('ERR_INVALID_INPUT', `--console ${listen}: give --console-name, the DNS name operators open (their passkeys are made for it)`);
  return { address, port, name: v['console-name'].toLowerCase(), certFile, keyFile };
}

function addressAndPort(value: string, flag: string): { address: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) throw new CharonError('ERR_INVALID_INPUT', `${flag} takes ADDR:PORT (e.g. 0.0.0.0:7443 or [::]:7443)`);
  return { address: (match[1] ?? match[2]) as string, port: Number(match[3]) };
}

function tlsFiles(v: ParsedArgs['values'], why: string): { certFile: string; keyFile: string } {
  if (!v['tls-cert'] || !v['tls-key']) throw new CharonError('ERR_INVALID_INPUT', `${why}; give --tls-cert and --tls-key (PEM files)`);
  return { certFile: v['tls-cert'], keyFile: v['tls-key'] };
}
