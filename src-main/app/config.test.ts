import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/control-plane.js';
import { configFileSchema, loadConfig } from './config.js';
import { defaultDataDir } from './data-dir.js';

describe('configuration', () => {
  it('the shipped sample config is valid', () => {
    const sample: unknown = JSON.parse(readFileSync(new URL('../../resources/config.sample.json', import.meta.url), 'utf8'));
    expect(configFileSchema.safeParse(sample).success).toBe(true);
  });

  it('a config file with an unknown or bad field is refused with ERR_INVALID_INPUT', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trustDomain: 'Bad Domain' }));
    expect(() => loadConfig(dir)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ listenOnAllInterfaces: true }));
    expect(() => loadConfig(dir)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
  });

  it('flags override the file, and the file overrides defaults', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trustDomain: 'corp.example', ttlCapsSeconds: { prod: 120 } }));
    const config = loadConfig(dir, { agentPort: 0 });
    expect(config.trustDomain).toBe('corp.example');
    expect(config.ttlCapsSeconds).toEqual({ dev: 3600, test: 1800, prod: 120 });
    expect(config.agentPort).toBe(0);
    expect(config.issuer).toBe('spiffe://corp.example/charon/authority');
  });

  it('the default data directory is the desktop app userData folder on each platform', () => {
    expect(defaultDataDir({ HOME: '/home/a' }, 'linux')).toMatch(/\.config\/Charon$/);
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Charon');
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Charon$/);
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Charon$/);
    expect(defaultDataDir({ CHARON_DATA_DIR: '/data' }, 'linux')).toBe('/data');
  });
});

describe('Kubernetes JWKS source', () => {
  it('a cluster JWKS over plain HTTP to another host is refused (keys could be swapped in transit)', () => {
    const dir = tempDir();
    const kubernetes = { issuer: 'https://k8s', audience: 'charon' };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ kubernetes: { ...kubernetes, jwksUrl: 'http://cluster.example/openid/v1/jwks' } }));
    expect(() => loadConfig(dir)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ kubernetes: { ...kubernetes, jwksUrl: 'http://127.0.0.1:6443/openid/v1/jwks' } }));
    expect(loadConfig(dir).kubernetes?.jwksUrl).toBe('http://127.0.0.1:6443/openid/v1/jwks');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ kubernetes: { ...kubernetes, jwksUrl: 'https://cluster.example/openid/v1/jwks' } }));
    expect(loadConfig(dir).kubernetes?.jwksUrl).toBe('https://cluster.example/openid/v1/jwks');
  });
});

describe('team mode configuration', () => {
  it("the README's sample team config (resources/config.team.sample.json) is a valid config.json", () => {
    const sample = JSON.parse(readFileSync(new URL('../../resources/config.team.sample.json', import.meta.url), 'utf8')) as unknown;
    expect(configFileSchema.safeParse(sample).success).toBe(true);
  });

  it('an M-of-N rule needs distinct approvers, at least as many as it requires, one rule per environment; the console name is a DNS name', () => {
    const rule = { environment: 'prod', required: 2, approvers: ['alice', 'bob', 'carol'] };
    expect(configFileSchema.safeParse({ quorum: [rule] }).success).toBe(true);
    expect(configFileSchema.safeParse({ quorum: [{ ...rule, required: 4 }] }).success).toBe(false);
    expect(configFileSchema.safeParse({ quorum: [{ ...rule, approvers: ['alice', 'alice'] }] }).success).toBe(false);
    expect(configFileSchema.safeParse({ quorum: [rule, rule] }).success).toBe(false);
    const console = { address: '0.0.0.0', port: 7444, certFile: 'c.pem', keyFile: 'k.pem' };
    expect(configFileSchema.safeParse({ console: { ...console, name: 'console.team.example.com' } }).success).toBe(true);
    for (const name of ['localhost', '127.0.0.2', 'Console.Example.com', 'x..example.com']) expect(configFileSchema.safeParse({ console: { ...console, name } }).success).toBe(false);
  });

  it('a store that is not a postgres:// URL is refused, from the file or the command line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ store: 'mysql://x' }));
    expect(() => loadConfig(dir)).toThrow(/postgres/);
    expect(() => loadConfig(tempDir(), { store: 'sqlite:///tmp/x.db' })).toThrow(/postgres/);
  });

  it('the loopback host may be another address of 127/8, never one off loopback', () => {
    expect(configFileSchema.safeParse({ host: '127.0.0.2' }).success).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.5', '127.0.0.256', 'example.com']) expect(configFileSchema.safeParse({ host }).success).toBe(false);
  });

  it('a remote listener needs a certificate and a key: there is no plain HTTP one', () => {
    expect(configFileSchema.safeParse({ remote: { address: '0.0.0.0', port: 7443, names: ['a.example'] } }).success).toBe(false);
  });
});
