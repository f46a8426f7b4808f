import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestPlane, tempDir, type TestPlane } from '../test-support/control-plane.js';
import { startOperatorBridge, type OperatorBridge } from './operator-bridge.js';

let t: TestPlane;
let bridge: OperatorBridge;
afterEach(async () => {
  await bridge?.close();
  await t?.close();
});

async function setup(): Promise<void> {
  t = await openTestPlane();
  const staticDir = tempDir('charon-static-');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Charon</title>');
  bridge = await startOperatorBridge({ handlers: t.plane.handlers, port: 0, staticDir });
}

const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${bridge.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.secret}`, ...headers },
    body: JSON.stringify(body),
  });

function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('operator bridge', () => {
  it('serves the operator contract to a caller holding the per-launch secret', async () => {
    await setup();
    const res = await call('identities.register', { id: 'builder', owner: 'alice', environment: 'dev' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, value: { id: 'builder', state: 'PROVISIONED' } });
    expect(bridge.url).toBe(`http://localhost:${bridge.port}/#token=${bridge.secret}`);
  });

  it('a caller without the per-launch secret is refused and changes nothing', async () => {
    await setup();
    for (const authorization of ['', 'Bearer wrong', `Bearer ${bridge.secret}x`, bridge.secret]) {
      const res = await call('identities.register', { id: 'evil', owner: 'mallory', environment: 'prod' }, { authorization });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'ERR_UNAUTHENTICATED' } });
    }
    expect(await t.plane.handlers['identities.list']({})).toHaveLength(0);
  });

  it('a page on another origin cannot drive the bridge (cross-origin request refused even with the secret)', async () => {
    await setup();
    const res = await call('identities.register', { id: 'evil', owner: 'mallory', environment: 'prod' }, { origin: 'http://attacker.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'ERR_BAD_ORIGIN' } });
    const rebinding = await raw('/', { host: 'attacker.example' });
    expect(JSON.parse(rebinding.body)).toMatchObject({ error: { code: 'ERR_BAD_HOST' } });
  });

  it('invalid payloads and unknown methods get typed errors', async () => {
    await setup();
    expect(await (await call('identities.register', { id: '../etc', owner: 'a', environment: 'dev' })).json()).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(await (await call('identities.register', { id: 'a', owner: 'a', environment: 'dev', extra: 1 })).json()).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(await (await call('__proto__', {})).json()).toMatchObject({ ok: false, error: { code: 'ERR_NOT_FOUND' } });
    expect(await (await call('identities.get', { id: 'nobody' })).json()).toMatchObject({ ok: false, error: { code: 'ERR_IDENTITY_NOT_FOUND' } });
  });

  it('serves the console with a strict CSP and never a file outside its folder', async () => {
    await setup();
    const host = `127.0.0.1:${bridge.port}`;
    const index = await fetch(`http://${host}/`);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<title>Charon</title>');
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd.js']) {
      const res = await raw(path, { host });
      expect(res.body).not.toContain('root:');
    }
  });
});
