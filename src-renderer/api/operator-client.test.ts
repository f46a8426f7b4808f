import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPERATOR_METHODS } from '../../src-shared/operator-api.js';
import type { Result } from '../../src-shared/result.js';
import { connectOperatorClient, createOperatorClient, OperatorCallError } from './operator-client.js';
import type { CharonPreloadApi } from './preload-api.js';
import { testWindow } from './test-window.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createOperatorClient', () => {
  it('has exactly the contract methods', () => {
    const client = createOperatorClient(() => Promise.resolve({ ok: true, value: null }));
    expect(Object.keys(client).sort()).toEqual([...OPERATOR_METHODS].sort());
  });

  it('returns the value of a successful call', async () => {
    const transport = vi.fn(() => Promise.resolve<Result<unknown>>({ ok: true, value: { trustDomain: 'charon.local' } }));
    const client = createOperatorClient(transport);
    await expect(client['status.get']({})).resolves.toEqual({ trustDomain: 'charon.local' });
    expect(transport).toHaveBeenCalledWith('status.get', {});
  });

  it('throws a refusal as OperatorCallError with its code and method', async () => {
    const client = createOperatorClient(() => Promise.resolve({ ok: false, error: { code: 'ERR_ILLEGAL_TRANSITION', message: 'REVOKED → ACTIVE' } }));
    const error = await client['identities.transition']({ id: 'a', to: 'ACTIVE' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperatorCallError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'ERR_ILLEGAL_TRANSITION', method: 'identities.transition', message: 'REVOKED → ACTIVE' });
  });
});

describe('connectOperatorClient', () => {
  it('uses the preload functions in the desktop window', async () => {
    const list = vi.fn(() => Promise.resolve({ ok: true, value: [] }));
    const charon = { 'identities.list': list } as unknown as CharonPreloadApi;
    vi.stubGlobal('window', testWindow('http://localhost:4000/', charon));
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const { client, kind } = connectOperatorClient();
    expect(kind).toBe('desktop');
    await expect(client['identities.list']({ owner: 'alice' })).resolves.toEqual([]);
    expect(list).toHaveBeenCalledWith({ owner: 'alice' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('uses the bridge with the fragment secret when there is no preload', async () => {
    vi.stubGlobal('window', testWindow('http://localhost:4000/#token=s3cret'));
    const fetch = vi.fn(() => Promise.resolve(new Response('{"ok":true,"value":{"ok":true}}')));
    vi.stubGlobal('fetch', fetch);
    const { client, kind } = connectOperatorClient();
    expect(kind).toBe('headless');
    await expect(client['audit.verify']({})).resolves.toEqual({ ok: true });
    expect(fetch).toHaveBeenCalledWith('/api/audit.verify', expect.objectContaining({ headers: expect.objectContaining({ authorization: 'Bearer s3cret' }) }));
  });
});
