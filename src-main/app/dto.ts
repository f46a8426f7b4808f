import type { CredentialDto, IdentityDto } from '../../src-shared/dto.js';
import type { CredentialRecord, IdentityRecord } from '../core/records.js';

export const identityDto = (r: IdentityRecord): IdentityDto => ({ ...r, selectors: [...r.selectors], scopes: [...r.scopes] });
export const credentialDto = (r: CredentialRecord): CredentialDto => ({ ...r });
