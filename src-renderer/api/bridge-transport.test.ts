import { afterEach, describe, expect, it, vi } from 'vitest';
import { bridgeTransport } from './bridge-transport.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(status: number, body: string) {
  return vi.fn(() => Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } })));
}

describe('bridgeTransport', () => {
  it('POSTs the input as JSON to /api/<method> with the bearer secret', async () => {
    const fetch = answer(200, JSON.stringify({ ok: true, value: [{ id: 'a' }] }));
    vi.stubGlobal('fetch', fetch);
    const result = await bridgeTransport('s3cret')('identities.list', { state: 'ACTIVE' });
    expect(result).toEqual({ ok: true, value: [{ id: 'a' }] });
    expect(fetch).toHaveBeenCalledWith('/api/identities.list', {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      body: '{"state":"ACTIVE"}',
      credentials: 'omit',
      cache: 'no-store',
    });
  });

  it('passes a refusal from the bridge through unchanged', async () => {
    vi.stubGlobal('fetch', answer(400, JSON.stringify({ ok: false, error: { code: 'ERR_INVALID_INPUT', message: 'id: bad' } })));
    expect(await bridgeTransport('s3cret')('identities.register', {})).toEqual({ ok: false, error: { code: 'ERR_INVALID_INPUT', message: 'id: bad' } });
  });

  it('does not call out without a secret', async () => {
    const fetch = answer(200, '{}');
    vi.stubGlobal('fetch', fetch);
    expect(await bridgeTransport(null)('status.get', {})).toMatchObject({ ok: false, error: { code: 'ERR_UNAUTHENTICATED' } });
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each([
    ['an unreachable bridge', vi.fn(() => Promise.reject(new TypeError('Failed to fetch')))],
    ['a body that is not JSON', answer(502, '<html>Bad gateway</html>')],
    ['JSON that is not a Result', answer(200, '{"value":1}')],
    ['an error with an unknown code', answer(500, '{"ok":false,"error":{"code":"ERR_MADE_UP","message":"x"}}')],
  ])('turns %s into ERR_INTERNAL', async (_name, fetch) => {
    vi.stubGlobal('fetch', fetch);
    expect(await bridgeTransport('s3cret')('status.get', {})).toMatchObject({ ok: false, error: { code: 'ERR_INTERNAL' } });
  });
});
