import { errors, type JWTPayload } from 'jose';
import type { ErrorCode } from '../../src-shared/errors.js';
import { ENVIRONMENTS, type Environment } from '../../src-shared/domain.js';
import { toEpochSeconds } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { hasDuplicateKeys } from '../core/json-duplicate-keys.js';
import { parseSpiffeId } from '../core/spiffe-id.js';
import { ALLOWED_HEADERS, wellFormedHeader } from './jose-header-memo.js';
import { base64urlText, jsonObject, segmentText } from './jws-text.js';
import { readAcr, readActors, readAmr } from './act-claim.js';
import { verifyEs256Shared } from './jws-es256.js';
import { SVID_ALG, type JoseKey } from './signing-key.js';

export const MAX_TOKEN_BYTES = 8192;
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface SvidVerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly trustDomain: string;
  readonly now: number;
  readonly keyFor: (kid: string) => JoseKey | null;
  /** 'svid' (default): a JWT-SVID (typ JWT or JOSE); 'access': an RFC 9068 access token (typ at+jwt, client_id). */
  readonly kind?: 'svid' | 'access';
}

export interface VerifiedSvid {
  readonly kid: string;
  readonly jti: string;
  readonly spiffeId: string;
  readonly audience: string;
  readonly scope: string;
  readonly env: Environment;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly dpopJkt: string | null;
  /** RFC 8693 `act`: the actors of a delegated token, root first (the last acts now); empty for a direct one. */
  readonly actors: readonly string[];
  readonly acr: string | null;
  readonly amr: readonly string[];
  readonly payload: JWTPayload;
}

const fail = (code: ErrorCode, message: string): never => {
  throw new CharonError(code, message);
};

const REQUIRED_CLAIMS = ['exp', 'iat', 'jti', 'sub', 'aud'] as const;
/** The code for a claim that is missing or not what RFC 7519 says it is (the others: ERR_JWT_CLAIM_INVALID). */
const CLAIM_CODES: Readonly<Record<string, ErrorCode>> = { aud: 'ERR_JWT_AUDIENCE_INVALID', iss: 'ERR_JWT_ISSUER_INVALID', nbf: 'ERR_JWT_NOT_YET_VALID', iat: 'ERR_JWT_NOT_YET_VALID' };

/**
 * RFC 7519 §4.1 as jose's jwtVerify checks them, with the same tolerance: required claims present,
 * `iss` equal, `aud` naming us, `exp`/`nbf`/`iat` numeric dates, `exp` not passed, `nbf` reached.
 */
function checkRegisteredClaims(payload: JWTPayload, options: SvidVerifyOptions): void {
  for (const claim of REQUIRED_CLAIMS) if (!(claim in payload)) fail(CLAIM_CODES[claim] ?? 'ERR_JWT_CLAIM_INVALID', `Claim "${claim}" is missing`);
  if (payload.iss !== options.issuer) fail('ERR_JWT_ISSUER_INVALID', 'Claim "iss" is invalid: unexpected "iss" claim value');
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  if (!audiences.includes(options.audience)) fail('ERR_JWT_AUDIENCE_INVALID', 'Claim "aud" is invalid: unexpected "aud" claim value');
  if (typeof payload.sub !== 'string') fail('ERR_JWT_CLAIM_INVALID', 'Claim "sub" is invalid: it must be a string');
  const now = toEpochSeconds(options.now);
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) fail(CLAIM_CODES[claim] ?? 'ERR_JWT_CLAIM_INVALID', `Claim "${claim}" is invalid: it must be a number`);
  }
  if (payload.nbf !== undefined && payload.nbf > now + CLOCK_TOLERANCE_SECONDS) fail('ERR_JWT_NOT_YET_VALID', 'Claim "nbf" is invalid: the token is not yet valid');
  if ((payload.exp as number) <= now - CLOCK_TOLERANCE_SECONDS) fail('ERR_JWT_EXPIRED', 'Token has expired');
}

/** Verifies a JWT-SVID's form, signature and claims. Revocation is the authority's job. */
export async function verifyJwtSvid(token: string, options: SvidVerifyOptions): Promise<VerifiedSvid> {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  if (token.length > MAX_TOKEN_BYTES) fail('ERR_JWT_MALFORMED', `Token exceeds ${MAX_TOKEN_BYTES} bytes`);
  // Exactly two dots: three segments.
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot === -1 || token.indexOf('.', firstDot + 1) !== lastDot) fail('ERR_JWT_MALFORMED', 'Not a JWS compact serialization');
  const headerSegment = token.slice(0, firstDot);

  // A header seen before is known to be well formed (jose-header-memo.ts); any other is read and checked here.
  const known = wellFormedHeader(headerSegment);
  let header: Readonly<Record<string, unknown>>;
  let headerText: string | null = null;
  let payloadText: string;
  try {
    payloadText = base64urlText(token.slice(firstDot + 1, lastDot));
    if (known) header = known;
    else {
      headerText = base64urlText(headerSegment);
      header = jsonObject(headerText);
    }
  } catch {
    return fail('ERR_JWT_MALFORMED', 'Unreadable JOSE header');
  }
  if (headerText !== null) {
    // JSON.parse keeps the last of two equal names, other JOSE libraries may keep the first: refuse both readings.
    if (hasDuplicateKeys(headerText)) fail('ERR_JOSE_HEADER_INVALID', 'The JOSE header names a parameter twice');
    // The JWT-SVID standard allows only alg, kid and typ: anything else (jwk, jku, x5u, crit, b64...) is refused.
    for (const name of Object.keys(header)) {
      if (!ALLOWED_HEADERS.has(name)) fail('ERR_JOSE_HEADER_INVALID', `JOSE header "${name}" is not allowed in a JWT-SVID`);
    }
  }
  if (header.alg !== SVID_ALG) fail('ERR_JOSE_ALG_NOT_ALLOWED', `"alg" must be ${SVID_ALG}`);
  // A JWT-SVID and an access token are told apart by typ, and each is verified only as what it says it is.
  if (options.kind === 'access') {
    if (header.typ !== 'at+jwt') fail('ERR_JOSE_HEADER_INVALID', '"typ" must be at+jwt for an access token');
  } else if (header.typ !== undefined && header.typ !== 'JWT' && header.typ !== 'JOSE') {
    fail('ERR_JOSE_HEADER_INVALID', '"typ" must be JWT or JOSE');
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 128) return fail('ERR_JOSE_HEADER_INVALID', 'Missing or invalid "kid" header');
  const key = options.keyFor(kid);
  if (!key) return fail('ERR_JWKS_NO_MATCHING_KEY', options.kind === 'access' ? 'No key of the authorization server matches "kid"' : 'No key in the trust bundle matches "kid"');

  // The header and payload segments were read as strict base64url above.
  if (!(await verifyEs256Shared(token.slice(0, lastDot), token.slice(lastDot + 1), key))) fail('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'Signature verification failed');
  let payload: JWTPayload;
  try {
    payload = jsonObject(payloadText) as JWTPayload;
  } catch {
    return fail('ERR_JWT_MALFORMED', 'The claims are not a JSON object');
  }
  checkRegisteredClaims(payload, options);

  if (hasDuplicateKeys(payloadText)) fail('ERR_JWT_CLAIM_INVALID', 'The token names a claim twice');
  if (typeof payload.iat !== 'number' || payload.iat > toEpochSeconds(options.now) + CLOCK_TOLERANCE_SECONDS) {
    fail('ERR_JWT_NOT_YET_VALID', '"iat" is in the future');
  }
  if (Array.isArray(payload.aud) && payload.aud.length !== 1) fail('ERR_JWT_AUDIENCE_INVALID', 'A JWT-SVID for Charon carries exactly one audience');
  const sub = payload.sub as string;
  try {
    if (parseSpiffeId(sub).trustDomain !== options.trustDomain) fail('ERR_JWT_CLAIM_INVALID', '"sub" is not in this trust domain');
  } catch (error) {
    if (error instanceof CharonError && error.code === 'ERR_JWT_CLAIM_INVALID') throw error;
    fail('ERR_JWT_CLAIM_INVALID', '"sub" is not a SPIFFE ID');
  }
  if (typeof payload.jti !== 'string' || payload.jti.length > 128) fail('ERR_JWT_CLAIM_INVALID', '"jti" is invalid');
  if (typeof payload.scope !== 'string') fail('ERR_JWT_CLAIM_INVALID', '"scope" must be a string');
  if (options.kind === 'access' && (typeof payload.client_id !== 'string' || payload.client_id.length === 0)) fail('ERR_JWT_CLAIM_INVALID', 'An access token names its "client_id"');
  const env = payload.env;
  if (typeof env !== 'string' || !(ENVIRONMENTS as readonly string[]).includes(env)) return fail('ERR_JWT_CLAIM_INVALID', '"env" is invalid');
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  if (cnf !== undefined && (typeof cnf !== 'object' || cnf === null || typeof cnf.jkt !== 'string')) fail('ERR_JWT_CLAIM_INVALID', '"cnf" is invalid');

  return {
    kid,
    jti: payload.jti as string,
    spiffeId: sub,
    audience: options.audience,
    scope: payload.scope as string,
    env: env as Environment,
    issuedAt: (payload.iat as number) * 1000,
    expiresAt: (payload.exp as number) * 1000,
    dpopJkt: cnf?.jkt ? (cnf.jkt as string) : null,
    actors: readActors(payload.act, options.trustDomain),
    acr: readAcr(payload.acr),
    amr: readAmr(payload.amr),
    payload,
  };
}

export function mapJoseError(error: unknown): CharonError {
  if (error instanceof CharonError) return error;
  if (error instanceof errors.JWTExpired) return new CharonError('ERR_JWT_EXPIRED', 'Token has expired', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new CharonError(CLAIM_CODES[error.claim] ?? 'ERR_JWT_CLAIM_INVALID', `Claim "${error.claim}" is invalid: ${error.message}`, { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new CharonError('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'Signature verification failed', { cause: error });
  if (error instanceof errors.JOSEAlgNotAllowed) return new CharonError('ERR_JOSE_ALG_NOT_ALLOWED', 'Algorithm not allowed', { cause: error });
  if (error instanceof errors.JOSEError) return new CharonError('ERR_JWT_MALFORMED', `Malformed token: ${error.message}`, { cause: error });
  if (error instanceof TypeError) throw error;
  return new CharonError('ERR_JWT_MALFORMED', 'Malformed token', { cause: error });
}

/** Which kind a token claims to be (its `typ`), read only to pick the keys and rules to verify it with. */
export function tokenKind(token: string): 'svid' | 'access' {
  const dot = token.indexOf('.');
  const known = wellFormedHeader(dot === -1 ? token : token.slice(0, dot));
  if (known) return known.typ === 'at+jwt' ? 'access' : 'svid';
  try {
    return jsonObject(segmentText(token, 0)).typ === 'at+jwt' ? 'access' : 'svid';
  } catch {
    return 'svid';
  }
}
