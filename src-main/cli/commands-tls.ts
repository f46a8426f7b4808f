import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import type { ParsedArgs } from './args.js';

const ACTOR = 'operator';

/**
 * `charon tls issue <name>... --out DIR`: a server certificate from Charon's own CA for names in
 * the trust domain (for --listen and --console); `charon tls ca [--out FILE]`: the CA to trust.
 */
export async function tlsCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const out = args.values.out;
  switch (sub) {
    case 'ca': {
      const pem = await plane.tls.caCertificate(ACTOR);
      if (out) writeFileSync(out, pem, { flag: 'wx' });
      else process.stdout.write(pem);
      return;
    }
    case 'issue': {
      const names = args.positionals.slice(2).map((n) => n.toLowerCase());
      if (names.length === 0 || !out) throw new CharonError('ERR_INVALID_INPUT', 'tls issue <name> [<name>...] --out DIR');
      const issued = await plane.tls.issue(names, ACTOR);
      // Never over an existing file; the key is for this user only.
      writeFileSync(join(out, 'key.pem'), issued.keyPem, { flag: 'wx', mode: 0o600 });
      writeFileSync(join(out, 'cert.pem'), issued.certPem, { flag: 'wx' });
      writeFileSync(join(out, 'ca.pem'), issued.caPem, { flag: 'wx' });
      process.stdout.write(`${join(out, 'cert.pem')} and key.pem for ${names.join(', ')}, from Charon's CA for ${plane.config.trustDomain} (${join(out, 'ca.pem')}: give it to agents and browsers to trust)\n`);
      return;
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown tls command ${sub ?? ''} (issue, ca)`);
  }
}
