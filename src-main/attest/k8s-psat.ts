import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { toEpochSeconds } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { mapJoseError } from '../crypto/jwt-svid-verify.js';

export interface K8sAttestorConfig {
  /** The cluster's service-account issuer (`--service-account-issuer`). */
  readonly issuer: string;
  /** The audience the projected token is requested for (`serviceAccountToken.audience`). */
  readonly audience: string;
  /** The cluster's JWKS, from a file or from a URL (e.g. `<issuer>/openid/v1/jwks`). */
  readonly jwksFile?: string;
  readonly jwksUrl?: string;
}

const ALGORITHMS = ['RS256', 'ES256', 'RS384', 'ES384', 'RS512', 'PS256'];

/** Verifies Kubernetes projected service-account tokens and turns them into selectors. */
export class K8sPsatAttestor {
  readonly #config: K8sAttestorConfig;
  readonly #keys: JWTVerifyGetKey;

  constructor(config: K8sAttestorConfig) {
    this.#config = config;
    if (config.jwksFile) this.#keys = createLocalJWKSet(JSON.parse(readFileSync(config.jwksFile, 'utf8')) as Parameters<typeof createLocalJWKSet>[0]);
    else if (config.jwksUrl) this.#keys = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    else throw new TypeError('K8sPsatAttestor needs jwksFile or jwksUrl');
  }

  /** Selectors `k8s:ns:<namespace>`, `k8s:sa:<name>`, `k8s:sa-uid:<uid>` and, when bound, `k8s:pod-name:<pod>`. */
  async attest(token: string, now: number): Promise<string[]> {
    if (typeof token !== 'string' || token.length > 16_384) throw new CharonError('ERR_JWT_MALFORMED', 'Not a service-account token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: ALGORITHMS,
        issuer: this.#config.issuer,
        audience: this.#config.audience,
        currentDate: new Date(now),
        clockTolerance: 5,
        requiredClaims: ['exp', 'sub', 'aud', 'iss'],
      }));
    } catch (error) {
      const mapped = mapJoseError(error);
      if (error instanceof Error && error.name === 'JWKSNoMatchingKey') throw new CharonError('ERR_JWKS_NO_MATCHING_KEY', 'No key in the cluster JWKS matches the token', { cause: error });
      throw mapped;
    }
    if (typeof payload.iat === 'number' && payload.iat > toEpochSeconds(now) + 5) throw new CharonError('ERR_JWT_NOT_YET_VALID', '"iat" is in the future');
    const k8s = payload['kubernetes.io'] as
      | { namespace?: unknown; serviceaccount?: { name?: unknown; uid?: unknown }; pod?: { name?: unknown } }
      | undefined;
    const namespace = k8s?.namespace;
    const sa = k8s?.serviceaccount?.name;
    if (typeof namespace !== 'string' || typeof sa !== 'string' || payload.sub !== `system:serviceaccount:${namespace}:${sa}`) {
      throw new CharonError('ERR_K8S_TOKEN_INVALID', 'Not a projected service-account token: kubernetes.io claims missing or inconsistent with "sub"');
    }
    const selectors = [`k8s:ns:${namespace}`, `k8s:sa:${sa}`];
    if (typeof k8s?.serviceaccount?.uid === 'string') selectors.push(`k8s:sa-uid:${k8s.serviceaccount.uid}`);
    if (typeof k8s?.pod?.name === 'string') selectors.push(`k8s:pod-name:${k8s.pod.name}`);
    return selectors;
  }
}
