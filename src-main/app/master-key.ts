// The desktop shell chooses how the master key is held; it reaches crypto only through app.
export { electronSafeStorageProvider, fileMasterKeyProvider, type MasterKeyProvider, type SafeStorageLike } from '../crypto/master-key.js';
