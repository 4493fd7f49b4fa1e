/** Shared by the client runner (child) and the tests that drive it. */

/** Every Task the fault tests write starts with this, so the checks can tell them from seeded data. */
export const FAULT_TASK_PREFIX = 'sk ';
