import type { Result } from '../../src-shared/result.js';
import type { CharonPreloadApi } from './preload-api.js';
import type { Transport } from './transport.js';

/** Desktop: each call goes through the preload's function for that method. */
export function ipcTransport(api: CharonPreloadApi): Transport {
  return async (method, input) => {
    // Each preload function is typed for its own method; the client above already matched them.
    const call = api[method] as (input: unknown) => Promise<Result<unknown>>;
    try {
      return await call(input);
    } catch {
      return { ok: false, error: { code: 'ERR_INTERNAL', message: 'The desktop shell did not answer this call.' } };
    }
  };
}
