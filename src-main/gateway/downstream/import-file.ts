import { readFile, stat } from 'node:fs/promises';
import { CharonError } from '../../core/errors.js';
import { parseClientConfig, type ParsedClientConfig } from '../../../src-shared/client-config.js';

/** Client config files are small; anything bigger is the wrong file. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads and parses an MCP client's config file; an unreadable or malformed file is bad input. */
export async function readClientConfig(path: string): Promise<ParsedClientConfig> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CharonError('ERR_INVALID_INPUT', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return parseClientConfig(text);
  } catch (error) {
    throw new CharonError('ERR_INVALID_INPUT', `${path} is not an MCP client config: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
