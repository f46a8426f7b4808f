// Token attacks against the whole stack (issue 8): the real key ring, credential store and
// gateway, not a verifier with a test key lookup. `kid` path and SQL injection, oversize tokens,
// the trust bundle leaking private members, and an agent's own token re-signed with twists.
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIALIZE, MCP_HEADERS, openGatewayHarness, rawRequest, type GatewayHarness } from '../test-support/gateway-harness.js';
import { openRawDb } from '../test-support/raw-db.js';

let h: GatewayHarness;
let token: string;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
  await h.activeAgent('victim');
  token = (await h.issue('victim')).token;
}, 30_000);

afterAll(async () => {
  await h?.close();
});

const claimsOf = (t: string): Record<string, unknown> => JSON.parse(Buffer.from(t.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
const initialize = (bearer: string) => rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${bearer}` }, body: JSON.stringify(INITIALIZE) });

/** Every table's row count: a lookup by an injected `kid` must change none of them. */
function rowCounts(): Record<string, number> {
  const db = openRawDb(h.dataDir, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

describe('kid injection', () => {
  it('path traversal, SQL, NUL, wildcards and look-alikes of the real kid in "kid": 401 ERR_JWKS_NO_MATCHING_KEY (or ERR_JOSE_HEADER_INVALID when over-long), no row touched', async () => {
    const realKid = (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { kid: string }).kid;
    const { privateKey } = await generateKeyPair('ES256');
    const before = rowCounts();
    const kids = [
      '../../../../etc/passwd',
      '..\\..\\charon.db',
      'file:///etc/passwd',
      "' OR '1'='1",
      `${realKid}' OR '1'='1`,
      "x'; DROP TABLE signing_keys; --",
      '%',
      '*',
      `${realKid}\u0000`,
      `${realKid} `,
      realKid.toUpperCase() === realKid ? realKid.toLowerCase() : realKid.toUpperCase(),
      '__proto__',
      'constructor',
      'k'.repeat(129),
    ];
    for (const kid of kids) {
      const forged = await new SignJWT(claimsOf(token)).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
      const res = await initialize(forged);
      expect(res.status, kid).toBe(401);
      expect(res.code, kid).toBe(kid.length > 128 ? 'ERR_JOSE_HEADER_INVALID' : 'ERR_JWKS_NO_MATCHING_KEY');
    }
    expect(rowCounts()).toEqual(before);
    // The signing keys are all still there and the real token still works.
    expect((await initialize(token)).status).toBe(200);
  });
});

describe('oversize tokens and headers', () => {
  it('a token just over 8 KiB: 401 ERR_JWT_MALFORMED before parsing; padded claims under a real-looking header: the same', async () => {
    const [header, , signature] = token.split('.') as [string, string, string];
    const padded = Buffer.from(JSON.stringify({ ...claimsOf(token), pad: 'x'.repeat(9000) })).toString('base64url');
    for (const big of [`${token}${'A'.repeat(8193 - token.length)}`, `${header}.${padded}.${signature}`]) {
      expect(await initialize(big)).toMatchObject({ status: 401, code: 'ERR_JWT_MALFORMED' });
    }
  });

  it('a token with many segments or none: 401 ERR_JWT_MALFORMED', async () => {
    for (const bad of [`${token}.${token}`, token.replaceAll('.', ''), '....', `${token.split('.').slice(0, 2).join('.')}.`]) {
      const res = await initialize(bad);
      expect(res.status).toBe(401);
      expect(res.code).toMatch(/^ERR_(JWT_MALFORMED|JWS_SIGNATURE_VERIFICATION_FAILED)$/);
    }
  });
});

describe('the trust bundle', () => {
  it('serves public keys only: no private or symmetric member in any key, each ES256 on P-256 with a kid', async () => {
    const bundle = (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(bundle.keys.length).toBeGreaterThan(0);
    for (const key of bundle.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(key, member).not.toHaveProperty(member);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'jwt-svid', kid: expect.any(String) });
    }
  });
});
