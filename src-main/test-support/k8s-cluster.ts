// A Kubernetes cluster as Charon sees one: a service-account signing key, its JWKS in a file, and
// projected tokens shaped like the kubelet's, for the attestation tests (in-process and over TLS).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { toEpochSeconds } from '../core/clock.js';
import { tempDir } from './control-plane.js';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const AUDIENCE = 'charon';
export const NS = 'payments';
export const SA = 'builder';

export interface Cluster {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  readonly jwksFile: string;
  /** Removes the JWKS file's directory. */
  readonly dispose: () => void;
}

export async function cluster(kid = 'cluster-key-1'): Promise<Cluster> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const dir = tempDir('charon-jwks-');
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  return { privateKey, jwk, jwksFile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface MintOptions {
  key?: CryptoKey;
  kid?: string;
  alg?: string;
  iss?: string;
  aud?: string | string[];
  sub?: string;
  nowMs: number;
  expiresInS?: number;
  iatOffsetS?: number;
  nbfOffsetS?: number;
  k8s?: Record<string, unknown>;
}

/** A token shaped like the kubelet's projected service-account token. */
export async function mint(c: Cluster, o: MintOptions): Promise<string> {
  const now = toEpochSeconds(o.nowMs);
  const k8s = o.k8s ?? {
    namespace: NS,
    serviceaccount: { name: SA, uid: '6f1c3a6e-6b1d-4a9e-9a51-3f0e9b1f2c11' },
    pod: { name: 'builder-7d9f8b-x2x4q', uid: '0b7e2d6a-1c55-4e0b-8f6c-9d5a7e3c1f20' },
  };
  return new SignJWT({ 'kubernetes.io': k8s })
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? (c.jwk.kid as string) })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? [AUDIENCE])
    .setSubject(o.sub ?? `system:serviceaccount:${NS}:${SA}`)
    .setIssuedAt(now + (o.iatOffsetS ?? 0))
    .setNotBefore(now + (o.nbfOffsetS ?? 0))
    .setExpirationTime(now + (o.expiresInS ?? 3600))
    .sign(o.key ?? c.privateKey);
}
