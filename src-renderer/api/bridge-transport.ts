import { isErrorPayload } from '../../src-shared/errors.js';
import { fail, type Result } from '../../src-shared/result.js';
import type { Transport } from './transport.js';

/** Headless: POST /api/<method> on this origin with the bridge secret; the body is a Result. */
export function bridgeTransport(secret: string | null): Transport {
  return async (method, input) => {
    if (!secret) {
      return fail({ code: 'ERR_UNAUTHENTICATED', message: 'No operator secret: open the console with the URL that `charon serve` printed.' });
    }
    return post(method, input, { authorization: `Bearer ${secret}` }, 'omit');
  };
}

/** Team console: the same calls, carried by the signed-in operator's session cookie (this origin only). */
export function teamTransport(): Transport {
  return (method, input) => post(method, input, {}, 'same-origin');
}

async function post(method: string, input: unknown, headers: Record<string, string>, credentials: RequestCredentials): Promise<Result<unknown>> {
  {
    let response: Response;
    try {
      response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials,
        cache: 'no-store',
      });
    } catch {
      return fail({ code: 'ERR_INTERNAL', message: 'The control plane did not answer; is `charon serve` still running?' });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return fail({ code: 'ERR_INTERNAL', message: `The control plane answered HTTP ${response.status} without a result.` });
    }
    return isResult(body) ? body : fail({ code: 'ERR_INTERNAL', message: `The control plane answered HTTP ${response.status} with an unexpected body.` });
  }
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'value' in v;
  return v.ok === false && isErrorPayload(v.error);
}
