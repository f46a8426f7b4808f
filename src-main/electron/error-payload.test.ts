import { describe, expect, it } from 'vitest';
import { CharonError } from '../core/errors.js';
import { toErrorPayload } from './error-payload.js';

describe('toErrorPayload', () => {
  it('keeps the code and message of a typed error', () => {
    expect(toErrorPayload(new CharonError('ERR_ILLEGAL_TRANSITION', 'Illegal lifecycle transition REVOKED → ACTIVE'))).toEqual({
      code: 'ERR_ILLEGAL_TRANSITION',
      message: 'Illegal lifecycle transition REVOKED → ACTIVE',
    });
  });

  it('accepts any object with a known code (errors from another bundle)', () => {
    expect(toErrorPayload({ code: 'ERR_STORE_BUSY', message: 'busy' })).toEqual({ code: 'ERR_STORE_BUSY', message: 'busy' });
  });

  it.each([
    ['a plain Error', new Error('ENOENT /secret/path')],
    ['a Node error code that is not ours', Object.assign(new Error('open failed'), { code: 'ENOENT' })],
    ['an ERR_INTERNAL with details', new CharonError('ERR_INTERNAL', 'stack: at foo (/src/x.ts:1)')],
    ['a string', 'boom'],
    ['null', null],
  ])('turns %s into a generic ERR_INTERNAL', (_name, error) => {
    expect(toErrorPayload(error)).toEqual({ code: 'ERR_INTERNAL', message: 'Internal error; see the control plane log.' });
  });
});
