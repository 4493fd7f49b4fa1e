/** A version written out of turn: another transaction wrote the resource first (both storages throw it). */
export class StorageConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConflictError';
  }
}
