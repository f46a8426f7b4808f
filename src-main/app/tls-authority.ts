// Team mode's TLS without a public CA: Charon keeps its own CA for the trust domain the owner
// named (`--trust-domain`), its private key sealed with the master key in the store (so every
// replica can issue), and issues server certificates for the listeners' names under it.
import type { PemPair } from '../crypto/tls-certificates.js';
import { open, seal } from '../crypto/sealed-box.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { MetaRepository } from '../core/ports.js';

const META_KEY = 'tls.ca';
const AD = 'charon tls ca key';

interface StoredCa {
  readonly domain: string;
  readonly certPem: string;
  /** base64 of the sealed PKCS#8 PEM. */
  readonly sealedKey: string;
}

export interface IssuedTls extends PemPair {
  /** The CA certificate to trust (agents: CharonAgent `ca`; browsers: their trust store). */
  readonly caPem: string;
}

export class TlsAuthority {
  constructor(private readonly d: { meta: MetaRepository; masterKey: Buffer; clock: Clock; audit: AuditLog; trustDomain: string }) {}

  /** The CA certificate, made on first use. */
  async caCertificate(actor: string): Promise<string> {
    return (await this.#ca(actor)).certPem;
  }

  /** A server certificate for `names`, each a DNS name in the trust domain. */
  async issue(names: readonly string[], actor: string): Promise<IssuedTls> {
    const domain = this.d.trustDomain;
    // Loaded on first use: the X.509 library is not needed to start a control plane.
    const { issueServerCertificate, withinDomain } = await import('../crypto/tls-certificates.js');
    const outside = names.filter((n) => !/^[a-z0-9.-]{1,253}$/.test(n) || !withinDomain(n, domain));
    if (names.length === 0 || outside.length > 0) throw new CharonError('ERR_INVALID_INPUT', `Charon's CA issues for DNS names in its trust domain ${domain} only${outside.length ? ` (not ${outside.join(', ')})` : ''}`);
    const ca = await this.#ca(actor);
    const issued = await issueServerCertificate(ca, names, this.d.clock.now());
    this.d.audit.append({ actor, kind: 'tls.issue', subject: names[0] as string, decision: 'allow', details: { names: [...names], domain } });
    return { ...issued, caPem: ca.certPem };
  }

  async #ca(actor: string): Promise<PemPair> {
    const stored = this.d.meta.get(META_KEY);
    if (stored) {
      const ca = JSON.parse(stored) as StoredCa;
      if (ca.domain !== this.d.trustDomain) throw new CharonError('ERR_INVALID_INPUT', `Charon's TLS CA is for ${ca.domain}, not ${this.d.trustDomain}`);
      return { certPem: ca.certPem, keyPem: open(this.d.masterKey, Buffer.from(ca.sealedKey, 'base64'), AD).toString('utf8') };
    }
    const { createTlsCa } = await import('../crypto/tls-certificates.js');
    const ca = await createTlsCa(this.d.trustDomain, this.d.clock.now());
    const record: StoredCa = { domain: this.d.trustDomain, certPem: ca.certPem, sealedKey: Buffer.from(seal(this.d.masterKey, Buffer.from(ca.keyPem), AD)).toString('base64') };
    this.d.meta.set(META_KEY, JSON.stringify(record));
    this.d.audit.append({ actor, kind: 'tls.ca.create', subject: this.d.trustDomain, decision: 'allow', details: {} });
    return ca;
  }
}
