// A module of src-main/test-support (one that imports only Node's own modules and its neighbours
// there), transpiled here: the bench uses the tests' own helpers rather than copies of them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export async function importTestSupport(name) {
  const dir = mkdtempSync(join(tmpdir(), 'charon-bench-support-'));
  const emitted = new Set();
  const emit = (module) => {
    if (emitted.has(module)) return;
    emitted.add(module);
    const source = readFileSync(new URL(`../../src-main/test-support/${module}.ts`, import.meta.url), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(dir, `${module}.js`), outputText);
    for (const [, neighbour] of outputText.matchAll(/from '\.\/([\w-]+)\.js'/g)) emit(neighbour);
  };
  emit(name);
  try {
    return await import(pathToFileURL(join(dir, `${name}.js`)).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
