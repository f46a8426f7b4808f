import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { AuditCheckpointRecord } from '../core/records.js';

/**
 * The newest signed checkpoint, kept in a file beside the database too. Someone who rewrites
 * the tail and deletes the checkpoint rows in the database still leaves this one behind.
 */
export class CheckpointAnchor {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  /** Off the main thread (the file system's threadpool): a checkpoint is signed while calls go on. */
  async write(checkpoint: AuditCheckpointRecord): Promise<void> {
    const current = this.read();
    if (current && current.seq >= checkpoint.seq) return;
    const tmp = `${this.#path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
    await rename(tmp, this.#path);
  }

  read(): AuditCheckpointRecord | null {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return null;
    }
    try {
      const value = JSON.parse(text) as AuditCheckpointRecord;
      return typeof value.seq === 'number' && typeof value.jws === 'string' ? value : null;
    } catch {
      return null;
    }
  }
}
