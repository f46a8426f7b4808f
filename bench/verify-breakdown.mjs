// Where the full verify path spends its time beyond the signature: each step of authority.verify
// added in turn, as a ratio against raw P-256 verify of the same token's signing input (the
// synchronous node:crypto call, as the verify path makes it when alone) in the same run.
// Mirrors src-main/authority/credential-authority.ts verify(); keep the two in step.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { compare } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

const verifyAsync = promisify(crypto.verify);

export async function runVerifyBreakdown({ rounds = 5, ms = 800, concurrency = 64 } = {}) {
  const { openBenchPlane } = await import('./lib/plane.mjs');
  const { verifyJwtSvid } = await import('../dist/src-main/crypto/jwt-svid-verify.js');
  const bench = await openBenchPlane();
  try {
    const { plane } = bench;
    const { token, credential } = await bench.issue();
    const { config, keyRing, store } = plane;
    const publicKey = keyRing.verificationKey(credential.kid);
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
    const raw = { key: crypto.KeyObject.from(publicKey), dsaEncoding: 'ieee-p1363' };
    const svid = () => verifyJwtSvid(token, { issuer: config.issuer, audience: config.audience, trustDomain: config.trustDomain, now: plane.clock.now(), keyFor: (kid) => keyRing.verificationKey(kid) });
    const fresh = async () => {
      if (keyRing.stale) await keyRing.refresh();
      return svid();
    };
    const rows = [];
    for (const width of [1, concurrency]) {
      const result = await compare({
        baseline: { name: 'raw P-256 verify', op: width === 1 ? () => crypto.verify('sha256', input, raw, signature) : () => verifyAsync('sha256', input, raw, signature) },
        subjects: [
          { name: '+ JWS parse, header and claim checks', op: svid },
          { name: '+ key-ring freshness (data_version)', op: fresh },
          // authority.verify reads the credential and its identity's state in one query; on a first
          // presentation that is its whole path (a repeated token skips the signature: see credentials).
          { name: '+ credential and identity state (one read)', op: async () => store.credentials.getWithIdentityState((await fresh()).jti) },
        ],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('verify-breakdown', result));
    }
    return rows;
  } finally {
    await bench.close();
  }
}
