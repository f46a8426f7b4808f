// Real second processes for tests of cross-process atomicity, without a build: transpiles the
// given TypeScript modules and every module they import (relative imports) into a temporary
// directory that plain `node` can run. Type-only transpilation (no type check): tsc checks the
// same files in the normal build.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TranspiledTree {
  /** Directory mirroring the repository layout: `src-main/store/database.ts` → `<dir>/src-main/store/database.js`. */
  readonly dir: string;
  remove(): void;
}

/** `entries` are repository-relative paths of .ts files. */
export function transpileForChild(entries: readonly string[]): TranspiledTree {
  const dir = mkdtempSync(join(tmpdir(), 'charon-child-'));
  // Packages (better-sqlite3, …) resolve through the repository's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const pending = entries.map((e) => resolve(ROOT, e));
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop() as string;
    if (done.has(source)) continue;
    done.add(source);
    const text = readFileSync(source, 'utf8');
    for (const match of text.matchAll(/from\s+'(\.{1,2}\/[^']+)\.js'/g)) pending.push(resolve(dirname(source), `${match[1]}.ts`));
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: source,
    });
    const target = join(dir, relative(ROOT, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
