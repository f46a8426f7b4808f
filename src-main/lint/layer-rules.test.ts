// The layer rules are only worth something if they fire: lint snippets as if they lived in each layer.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layer rules (DESIGN.md §3)', () => {
  it.each([
    ['src-renderer/x.ts', "import { readFileSync } from 'node:fs'; readFileSync('x');"],
    ['src-renderer/x.ts', "import { ControlPlane } from '../src-main/app/control-plane.js'; console.log(ControlPlane);"],
    ['src-renderer/x.ts', "import { ipcRenderer } from 'electron'; console.log(ipcRenderer);"],
    ['src-shared/x.ts', "import { createHash } from 'node:crypto'; console.log(createHash);"],
    ['src-shared/x.ts', "import { SignJWT } from 'jose'; console.log(SignJWT);"],
    ['src-main/core/x.ts', "import { readFileSync } from 'node:fs'; readFileSync('x');"],
    ['src-main/core/x.ts', "import { openSqliteStore } from '../store/sqlite-store.js'; console.log(openSqliteStore);"],
    ['src-main/crypto/x.ts', "import Database from 'better-sqlite3'; console.log(Database);"],
    ['src-main/identity/x.ts', "import { AttestationService } from '../attest/attestation-service.js'; console.log(AttestationService);"],
    ['src-main/http/x.ts', "import { openSqliteStore } from '../store/sqlite-store.js'; console.log(openSqliteStore);"],
    ['src-main/app/x.ts', "import { ipcMain } from 'electron'; console.log(ipcMain);"],
    ['src-main/electron/window.ts', "import { ipcMain } from 'electron'; console.log(ipcMain);"],
  ])('refuses a forbidden import in %s', async (filePath, code) => {
    expect(await ruleIds(filePath, code)).toContain('no-restricted-imports');
  });

  it.each([
    ['src-renderer/x.ts', "import { ERROR_CODES } from '../src-shared/errors.js'; console.log(ERROR_CODES);"],
    ['src-main/crypto/x.ts', "import { SignJWT } from 'jose'; import { CharonError } from '../core/errors.js'; console.log(SignJWT, CharonError);"],
    ['src-main/app/x.ts', "import { openSqliteStore } from '../store/sqlite-store.js'; console.log(openSqliteStore);"],
  ])('allows a permitted import in %s', async (filePath, code) => {
    expect(await ruleIds(filePath, code)).not.toContain('no-restricted-imports');
  });
});
