import { verify, type VerifyKeyObjectInput } from 'node:crypto';
import { availableParallelism } from 'node:os';

/**
 * Signature checks sent to the libuv threadpool: at most one per core. More would only take turns
 * on the same cores, and would hold the threadpool's four threads that file and DNS work also need.
 * JWT-SVID and DPoP checks share these slots.
 */
const SLOTS = availableParallelism();
let pooled = 0;
const queue: (() => void)[] = [];

/**
 * `crypto.verify` in the threadpool, so this thread does other callers' work meanwhile: worth it
 * only when there is such work (a synchronous check is cheaper than the round trip on its own).
 * Resolves false for a signature that does not verify or a key that cannot; never rejects.
 */
export function verifyInThreadpool(algorithm: string | null, data: Buffer, key: VerifyKeyObjectInput, signature: Buffer): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const run = (): void => {
      pooled++;
      try {
        verify(algorithm, data, key, signature, (error, ok) => {
          pooled--;
          queue.shift()?.();
          resolve(!error && ok);
        });
      } catch {
        // A key node:crypto refuses outright throws here rather than calling back.
        pooled--;
        queue.shift()?.();
        resolve(false);
      }
    };
    if (pooled < SLOTS) run();
    else queue.push(run);
  });
}
