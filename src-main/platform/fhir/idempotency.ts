/**
 * The operation ledger: a write carrying a client operation id is recorded with its response in the
 * same transaction as its effect. A replay (the client never saw the answer) gets the first response
 * again without a second effect; the same id with another payload is refused (422), because the
 * client has a bug that would otherwise silently drop one of the two writes.
 */
import { createHash } from 'node:crypto';
import { OPERATION_ID_HEADER, OPERATION_ID_PATTERN } from '../../../src-shared/domain/fhir-sync';
import { badRequest, unprocessable } from './fhir-error';
import type { StorageTx } from '../storage/platform-storage';
import type { FhirResponse } from './fhir-response';
import { canonicalJson } from './canonical-json';

export interface OperationKey {
  operationId: string;
  principal: string;
  requestHash: string;
}

export function requestHash(method: string, target: string, body: unknown, conditions: Array<string | undefined>): string {
  return createHash('sha256')
    .update(`${method} ${target}\n${canonicalJson(body ?? null)}\n${conditions.map((c) => c ?? '').join('\n')}`)
    .digest('hex');
}

export function checkOperationId(value: string, where: string = OPERATION_ID_HEADER): string {
  if (!OPERATION_ID_PATTERN.test(value))
    throw badRequest(
      `${where}: "${value.slice(0, 40)}" is not a valid operation id (8–128 of A-Z a-z 0-9 . _ : -)`,
      undefined,
      'value',
    );
  return value;
}

/** Runs `execute` once per operation id; must be called inside the write transaction of the effect. */
export async function runOnce(
  tx: StorageTx,
  key: OperationKey | undefined,
  execute: () => Promise<FhirResponse>,
  where: string = OPERATION_ID_HEADER,
): Promise<FhirResponse & { replayed: boolean }> {
  if (!key) return { ...(await execute()), replayed: false };
  const recorded = await tx.findOperation(key.operationId);
  if (recorded) {
    if (recorded.requestHash !== key.requestHash || recorded.principal !== key.principal) {
      throw unprocessable(
        `${where}: operation id "${key.operationId}" was already used for a different request (reuse an id only to replay the same write)`,
        undefined,
        'duplicate',
      );
    }
    return {
      status: recorded.status,
      headers: recorded.headers,
      body: recorded.body === null ? null : JSON.parse(recorded.body),
      replayed: true,
    };
  }
  const response = await execute();
  if (response.status >= 200 && response.status < 300) {
    await tx.recordOperation({
      ...key,
      status: response.status,
      headers: response.headers,
      body: response.body === null || response.body === undefined ? null : JSON.stringify(response.body),
    });
  }
  return { ...response, replayed: false };
}
