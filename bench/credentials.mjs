// Issue and verify throughput of the credential authority, as ratios against raw node:crypto
// ECDSA P-256 sign / verify of a JWT-sized payload measured in the same run.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { compare } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

const signAsync = promisify(crypto.sign);
const verifyAsync = promisify(crypto.verify);

/** Raw P-256 ops on `data`: synchronous for sequential runs, the threadpool (callback) form for concurrent ones. */
function rawOps(data) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signKey = { key: privateKey, dsaEncoding: 'ieee-p1363' };
  const verifyKey = { key: publicKey, dsaEncoding: 'ieee-p1363' };
  const signature = crypto.sign('sha256', data, signKey);
  return {
    sign: (concurrency) => (concurrency === 1 ? () => crypto.sign('sha256', data, signKey) : () => signAsync('sha256', data, signKey)),
    verify: (concurrency) => (concurrency === 1 ? () => crypto.verify('sha256', data, verifyKey, signature) : () => verifyAsync('sha256', data, verifyKey, signature)),
  };
}

export async function runCredentials({ rounds = 5, ms = 800, concurrency = 64 } = {}) {
  const { openBenchPlane } = await import('./lib/plane.mjs');
  const bench = await openBenchPlane();
  try {
    const { plane } = bench;
    const { token, credential } = await bench.issue();
    // The JWS signing input of a real token: the payload raw ECDSA signs and verifies.
    const raw = rawOps(Buffer.from(token.slice(0, token.lastIndexOf('.'))));
    const publicKey = plane.keyRing.verificationKey(credential.kid);
    // The same jose options as src-main/crypto/jwt-svid-verify.ts: what jose checks on its own.
    const joseOptions = { algorithms: ['ES256'], issuer: plane.config.issuer, audience: plane.config.audience, clockTolerance: 5, requiredClaims: ['exp', 'iat', 'jti', 'sub', 'aud'] };
    // More distinct tokens than the authority's verified-token cache holds (10,000), presented
    // in a cycle: every verification is a first presentation (full signature check).
    const pool = [];
    for (let i = 0; i < 12_000; i += 64) pool.push(...(await Promise.all(Array.from({ length: 64 }, () => bench.issue()))).map((r) => r.token));
    let next = 0;
    const coldToken = () => pool[next++ % pool.length];
    const rows = [];
    for (const width of [1, concurrency]) {
      const issue = await compare({
        baseline: { name: 'raw P-256 sign', op: raw.sign(width) },
        subjects: [{ name: 'authority.issue (+ audit, committed)', op: bench.issue }],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('issue', issue, { 'authority.issue (+ audit, committed)': { minRate: 5000 } }));
      const verify = await compare({
        baseline: { name: 'raw P-256 verify', op: raw.verify(width) },
        subjects: [
          { name: 'jose jwtVerify (CryptoKey)', op: () => jwtVerify(token, publicKey, joseOptions) },
          { name: 'authority.verify (full path)', op: () => plane.authority.verify(coldToken()) },
          { name: 'authority.verify (same token again)', op: () => plane.authority.verify(token) },
        ],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('verify', verify, { 'authority.verify (full path)': { minRatio: 0.5 } }));
    }
    return rows;
  } finally {
    await bench.close();
  }
}
