// A module of src-main/test-support (one that imports only Node's own modules), transpiled here:
// the bench uses the tests' own helpers rather than copies of them.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export async function importTestSupport(name) {
  const source = readFileSync(new URL(`../../src-main/test-support/${name}.ts`, import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
}
