// POST /v1/token: the OAuth token endpoint, for RFC 8693 token exchange only. The delegator (the
// holder of the subject token, with a DPoP proof when it is bound) hands a narrower slice of it
// to the agent whose own credential is the actor token. Errors use the RFC 6749 §5.2 shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acrSchema, delegatedAuthoritySchema, type DelegatedAuthority } from '../../src-shared/delegation.js';
import type { ErrorCode } from '../../src-shared/errors.js';
import type { ControlPlane } from '../app/control-plane.js';
import { oauthErrorOf as authorizationServerError, TOKEN_EXCHANGE_GRANT } from '../app/oauth-exports.js';
import { CharonError, isStoreFault } from '../core/errors.js';
import { scopeTokens } from './agent-schemas.js';
import { readForm, sendJson } from './http-io.js';

export const TOKEN_EXCHANGE = TOKEN_EXCHANGE_GRANT;
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const TOKEN_TYPES = new Set([JWT_TYPE, 'urn:ietf:params:oauth:token-type:access_token']);
/** RFC 9396 `authorization_details` entry type carrying a hop's narrowing. */
export const AUTHORIZATION_DETAILS_TYPE = 'charon_delegation';

export async function tokenRoute(plane: ControlPlane, req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch (error) {
    if (!(error instanceof CharonError) || isStoreFault(error) || error.code === 'ERR_PAYLOAD_TOO_LARGE' || error.code === 'ERR_UNSUPPORTED_MEDIA_TYPE') throw error;
    return sendJson(res, 400, { error: exchangeErrorOf(error.code), error_description: error.message, code: error.code });
  }
  return exchangeTokens(plane, req, res, url, form);
}

/** An RFC 8693 exchange of a form already read (at /v1/token, or at the authorization server's token endpoint). */
export async function exchangeTokens(plane: ControlPlane, req: IncomingMessage, res: ServerResponse, url: string, form: URLSearchParams): Promise<void> {
  try {
    const request = exchangeRequest(form);
    const proof = req.headers.dpop;
    const { token, delegation } = await plane.delegation.exchange({ ...request, proof: typeof proof === 'string' ? proof : undefined, method: req.method ?? 'POST', url });
    // RFC 8693 §2.2.1; `token_type` tells how to present it (RFC 9449 §5).
    sendJson(res, 200, {
      access_token: token,
      issued_token_type: JWT_TYPE,
      token_type: delegation.dpopJkt ? 'DPoP' : 'Bearer',
      expires_in: Math.max(0, Math.floor((delegation.expiresAt - plane.clock.now()) / 1000)),
      scope: delegation.scope,
      delegation_id: delegation.id,
    });
  } catch (error) {
    if (!(error instanceof CharonError) || isStoreFault(error) || error.code === 'ERR_PAYLOAD_TOO_LARGE' || error.code === 'ERR_UNSUPPORTED_MEDIA_TYPE') throw error;
    const headers: Record<string, string> = error.code === 'ERR_DPOP_NONCE_REQUIRED' ? { 'dpop-nonce': plane.gateway.nonces.current() } : {};
    sendJson(res, 400, { error: exchangeErrorOf(error.code), error_description: error.message, code: error.code }, headers);
  }
}

function exchangeRequest(form: URLSearchParams): { subjectToken: string; actorToken: string; scope?: string[]; audience?: string; lifetimeSeconds?: number; authority?: DelegatedAuthority; acr?: ReturnType<typeof acrSchema.parse> } {
  for (const [name] of form) if (form.getAll(name).length > 1) invalid(`${name} is given more than once`);
  const grantType = form.get('grant_type');
  if (grantType === null) invalid('grant_type is required');
  if (grantType !== TOKEN_EXCHANGE) throw new CharonError('ERR_UNSUPPORTED_GRANT_TYPE', `Only ${TOKEN_EXCHANGE} is supported here`);
  const subjectToken = required(form, 'subject_token');
  if (!TOKEN_TYPES.has(required(form, 'subject_token_type'))) invalid('subject_token_type must be a JWT or access token type');
  const actorToken = required(form, 'actor_token');
  if (!TOKEN_TYPES.has(required(form, 'actor_token_type'))) invalid('actor_token_type must be a JWT or access token type');
  const requestedType = form.get('requested_token_type');
  if (requestedType !== null && !TOKEN_TYPES.has(requestedType)) invalid('requested_token_type must be a JWT or access token type');
  const audience = form.get('audience') ?? form.get('resource') ?? undefined;
  if (form.get('audience') !== null && form.get('resource') !== null && form.get('audience') !== form.get('resource')) {
    throw new CharonError('ERR_DELEGATION_TARGET_INVALID', 'audience and resource name different targets');
  }
  const lifetime = form.get('expires_in');
  if (lifetime !== null && !/^[1-9][0-9]{0,7}$/.test(lifetime)) invalid('expires_in must be a positive number of seconds');
  const acr = form.get('acr_values');
  const acrParsed = acr === null ? undefined : acrSchema.safeParse(acr.split(' ')[0]);
  if (acrParsed && !acrParsed.success) invalid('acr_values: unknown assurance level');
  return {
    subjectToken,
    actorToken,
    scope: scopeTokens(form.get('scope') ?? undefined),
    audience,
    lifetimeSeconds: lifetime === null ? undefined : Number(lifetime),
    authority: authorityOf(form.get('authorization_details')),
    acr: acrParsed?.data,
  };
}

/** RFC 9396: one `{ "type": "charon_delegation", "servers": …, "envelope": … }` entry narrows the hop. */
function authorityOf(text: string | null): DelegatedAuthority | undefined {
  if (text === null) return undefined;
  let details: unknown;
  try {
    details = JSON.parse(text);
  } catch {
    return invalid('authorization_details is not JSON');
  }
  if (!Array.isArray(details) || details.length !== 1) return invalid(`authorization_details must hold exactly one "${AUTHORIZATION_DETAILS_TYPE}" entry`);
  const { type, ...rest } = details[0] as { type?: unknown };
  if (type !== AUTHORIZATION_DETAILS_TYPE) return invalid(`authorization_details: type must be "${AUTHORIZATION_DETAILS_TYPE}"`);
  const parsed = delegatedAuthoritySchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`authorization_details: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value.length === 0) invalid(`${name} is required`);
  return value as string;
}

const invalid = (message: string): never => {
  throw new CharonError('ERR_INVALID_INPUT', message);
};

/** RFC 6749 §5.2 / RFC 8693 §2.2.2 / RFC 8707 / RFC 9449 §5 error codes. */
export function exchangeErrorOf(code: ErrorCode): string {
  switch (code) {
    case 'ERR_UNSUPPORTED_GRANT_TYPE':
      return 'unsupported_grant_type';
    case 'ERR_DELEGATION_WIDENS':
      return 'invalid_scope';
    case 'ERR_DELEGATION_TARGET_INVALID':
      return 'invalid_target';
    case 'ERR_DELEGATION_DEPTH_EXCEEDED':
    case 'ERR_DELEGATION_LIFETIME_EXCEEDED':
    case 'ERR_DELEGATION_ASSURANCE_RAISED':
      return 'invalid_grant';
    case 'ERR_DPOP_NONCE_REQUIRED':
    case 'ERR_DPOP_PROOF_INVALID':
    case 'ERR_DPOP_PROOF_MISMATCH':
    case 'ERR_DPOP_PROOF_STALE':
    case 'ERR_DPOP_PROOF_REPLAYED':
      // As the authorization server's token endpoint answers them (use_dpop_nonce, invalid_dpop_proof).
      return authorizationServerError(code, 'token');
    default:
      // RFC 8693 §2.2.2: a subject or actor token that is invalid or unacceptable is invalid_request.
      return 'invalid_request';
  }
}
