import { afterEach, describe, expect, it, vi } from 'vitest';
import { reloadOnNewSecret, takeBridgeSecret } from './bridge-secret.js';
import { testWindow } from './test-window.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('takeBridgeSecret', () => {
  it('takes the token from the fragment, keeps it for the tab and clears the address bar', () => {
    const window = testWindow('http://localhost:4000/?view=audit#token=s3cret');
    vi.stubGlobal('window', window);
    expect(takeBridgeSecret()).toBe('s3cret');
    expect(window.location).toMatchObject({ pathname: '/', search: '?view=audit', hash: '' });
    // A reload has no fragment any more; the tab still knows the secret.
    expect(takeBridgeSecret()).toBe('s3cret');
  });

  it('keeps other fragment parameters', () => {
    const window = testWindow('http://localhost:4000/#token=s3cret&focus=audit');
    vi.stubGlobal('window', window);
    expect(takeBridgeSecret()).toBe('s3cret');
    expect(window.location.hash).toBe('#focus=audit');
  });

  it('has no secret when none was ever given', () => {
    vi.stubGlobal('window', testWindow('http://localhost:4000/'));
    expect(takeBridgeSecret()).toBeNull();
  });

  it('starts again when an address with a new secret is pasted into the tab (a restarted control plane)', () => {
    const window = testWindow('http://localhost:4000/#token=old');
    vi.stubGlobal('window', window);
    expect(takeBridgeSecret()).toBe('old');
    reloadOnNewSecret();
    window.setHash('#view=audit');
    expect(window.reloads).toBe(0);
    window.setHash('#token=new');
    expect(window.reloads).toBe(1);
  });
});
