import { describe, expect, it } from 'vitest';
import { errorText } from './error-text.js';
import { OperatorCallError } from './operator-client.js';

describe('errorText', () => {
  it('a cancelled passkey prompt reads as cancelled, not ERR_INTERNAL', () => {
    expect(errorText(new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError')).code).toBe('ERR_PASSKEY_CANCELLED');
    expect(errorText(new DOMException('aborted', 'AbortError')).code).toBe('ERR_PASSKEY_CANCELLED');
    expect(errorText(Object.assign(new Error('Authentication ceremony was sent an abort signal'), { code: 'ERROR_CEREMONY_ABORTED' })).code).toBe('ERR_PASSKEY_CANCELLED');
  });

  it('keeps an operator error code and calls anything else internal', () => {
    expect(errorText(new OperatorCallError('ERR_APPROVAL_REQUIRED', 'needs a passkey', 'grants.create'))).toEqual({ code: 'ERR_APPROVAL_REQUIRED', message: 'needs a passkey' });
    expect(errorText(new TypeError('boom'))).toEqual({ code: 'ERR_INTERNAL', message: 'boom' });
  });
});
