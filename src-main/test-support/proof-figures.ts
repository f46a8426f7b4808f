// The proof suites (issue 8) write what they tried into test-results/proof/<suite>.json, so the
// README's security figures are the ones a real run produced (npm test collects them).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const DIR = fileURLToPath(new URL('../../test-results/proof/', import.meta.url));

export function writeProofFigures(suite: string, figures: Record<string, unknown>): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${suite}.json`), `${JSON.stringify({ suite, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}

/** Heap in use after a full collection (the gc function is exposed for this through a v8 flag). */
export function settledHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
