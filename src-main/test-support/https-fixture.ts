// A local https server signed by a throwaway test CA (made with the openssl command line, as
// these machines have it), for what must be fetched over https: client ID metadata documents.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HttpsFixture {
  /** The CA certificate (PEM) to trust. */
  readonly ca: string;
  /** `https://localhost:<port>` */
  readonly origin: string;
  /** Requests received, by path. */
  readonly hits: string[];
  close(): Promise<void>;
}

/** A CA and a leaf for `altNames` (openssl's subjectAltName syntax; localhost / 127.0.0.1 / ::1 by default), in a temp dir removed at once. */
export function makeCertificates(altNames = 'DNS:localhost,IP:127.0.0.1,IP:::1'): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'charon-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Charon test CA');
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf');
    return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Serves `handler` over https on loopback (both address families, as `localhost` may be either). */
export async function startHttpsFixture(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<HttpsFixture> {
  const { ca, key, cert } = makeCertificates();
  const hits: string[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    hits.push(req.url ?? '/');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ca,
    origin: `https://localhost:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
