// Where the full verify path spends its time beyond jose: each step of authority.verify added
// in turn, as a ratio against jose jwtVerify alone (same key, same options) in the same run.
// Mirrors src-main/authority/credential-authority.ts verify(); keep the two in step.
import { jwtVerify } from 'jose';
import { compare } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

export async function runVerifyBreakdown({ rounds = 5, ms = 800, concurrency = 64 } = {}) {
  const { openBenchPlane } = await import('./lib/plane.mjs');
  const { verifyJwtSvid } = await import('../dist/src-main/crypto/jwt-svid-verify.js');
  const bench = await openBenchPlane();
  try {
    const { plane } = bench;
    const { token, credential } = await bench.issue();
    const { config, keyRing, store } = plane;
    const publicKey = keyRing.verificationKey(credential.kid);
    const joseOptions = { algorithms: ['ES256'], issuer: config.issuer, audience: config.audience, clockTolerance: 5, requiredClaims: ['exp', 'iat', 'jti', 'sub', 'aud'] };
    const svid = () => verifyJwtSvid(token, { issuer: config.issuer, audience: config.audience, trustDomain: config.trustDomain, now: plane.clock.now(), keyFor: (kid) => keyRing.verificationKey(kid) });
    const fresh = async () => {
      if (keyRing.stale) await keyRing.refresh();
      return svid();
    };
    const rows = [];
    for (const width of [1, concurrency]) {
      const result = await compare({
        baseline: { name: 'jose jwtVerify (CryptoKey)', op: () => jwtVerify(token, publicKey, joseOptions) },
        subjects: [
          { name: '+ SVID header/claim checks', op: svid },
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
