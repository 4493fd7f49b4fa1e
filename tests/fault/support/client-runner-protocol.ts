/** Shared by the client runner (child) and the tests that drive it. */

/** Every Task the fault tests write starts with this, so the checks can tell them from seeded data. */
export const FAULT_TASK_PREFIX = 'sk ';

/** Every document the attachment fault tests add has a title starting with this. */
export const BLOB_FAULT_TITLE = 'blob-fault';

/** Their size: four and a half chunks, so each upload or download takes five chunk requests. */
export const BLOB_FAULT_BYTES = 4 * 1024 * 1024 + 512 * 1024;
