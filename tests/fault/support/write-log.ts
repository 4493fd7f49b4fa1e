/**
 * What the fault tests promised the user: every local write they attempted (INTENT) and every one the
 * client acknowledged (ACK), in order, per entity. Every write carries a unique description, so the
 * platform's `_history` shows exactly which writes arrived and how often.
 */
import type { Task } from 'fhir/r4';
import type { PlatformProbe } from './platform-probe';

export interface LoggedWrite {
  entityKey: string;
  description: string;
  acked: boolean;
  /** Who wrote it (a run number or a client name); only informative. */
  by: string;
}

export class WriteLog {
  readonly writes: LoggedWrite[] = [];

  intent(entityKey: string, description: string, by: string): void {
    this.writes.push({ entityKey, description, acked: false, by });
  }

  ack(entityKey: string, description: string): void {
    const write = this.writes.find((w) => w.entityKey === entityKey && w.description === description);
    if (!write) throw new Error(`ACK without INTENT: ${entityKey} ${description}`);
    write.acked = true;
  }

  get acked(): LoggedWrite[] {
    return this.writes.filter((w) => w.acked);
  }

  entities(): Map<string, LoggedWrite[]> {
    const byEntity = new Map<string, LoggedWrite[]>();
    for (const write of this.writes) byEntity.set(write.entityKey, [...(byEntity.get(write.entityKey) ?? []), write]);
    return byEntity;
  }

  /**
   * The descriptions the entity may show now, if the local writes are final: its last acknowledged
   * write, or a write attempted after it that may have committed before a SIGKILL hid its ACK.
   */
  static admissibleLatest(writes: readonly LoggedWrite[]): Set<string> {
    const lastAcked = writes.map((w) => w.acked).lastIndexOf(true);
    return new Set(writes.slice(Math.max(lastAcked, 0)).map((w) => w.description));
  }
}

export interface PlatformCheck {
  violations: string[];
  /** Versions in `_history` over all logged entities. */
  versions: number;
  /** The platform's current Tasks with the test's prefix. */
  current: Map<string, Task>;
}

/**
 * "Nothing lost, nothing twice": checks the platform against the log.
 * - `ordered`: one writer per entity, so the history must follow the log's order and end on the
 *   entity's latest write (the SIGKILL test); with several writers only membership is checked.
 */
export async function checkPlatformAgainstLog(
  probe: PlatformProbe,
  log: WriteLog,
  prefix: string,
  options: { ordered: boolean },
): Promise<PlatformCheck> {
  const violations: string[] = [];
  const current = new Map([...(await probe.current<Task>('Task'))].filter(([, t]) => t.description?.startsWith(prefix)));
  let versions = 0;
  const seenAnywhere = new Map<string, string>(); // description → entity it was found in

  for (const [entityKey, writes] of log.entities()) {
    const id = entityKey.split('/')[1]!;
    const acked = writes.filter((w) => w.acked);
    const onPlatform = current.get(id);
    if (!onPlatform) {
      if (acked.length > 0) violations.push(`${entityKey}: ${acked.length} acknowledged write(s) but not on the platform`);
      continue;
    }
    const history = (await probe.history<Task>('Task', id)).map((t) => t.description ?? '');
    versions += history.length;
    const attempted = writes.map((w) => w.description);
    for (const description of history) {
      const other = seenAnywhere.get(description);
      if (other !== undefined && other !== entityKey) violations.push(`"${description}" is in ${entityKey} and in ${other}`);
      seenAnywhere.set(description, entityKey);
      if (!attempted.includes(description))
        violations.push(`${entityKey}: platform has "${description}", which was never written to it`);
    }
    const counts = new Map<string, number>();
    for (const description of history) counts.set(description, (counts.get(description) ?? 0) + 1);
    for (const [description, n] of counts)
      if (n > 1) violations.push(`${entityKey}: "${description}" is ${n} versions in _history (a replay made a new version)`);
    for (const write of acked)
      if (!counts.has(write.description))
        violations.push(`${entityKey}: acknowledged "${write.description}" (by ${write.by}) is missing from _history`);
    if (history.length > writes.length)
      violations.push(`${entityKey}: ${history.length} versions for ${writes.length} attempted writes`);
    if (options.ordered) {
      const positions = history.map((d) => attempted.indexOf(d));
      if (positions.some((p, i) => i > 0 && p <= positions[i - 1]!))
        violations.push(`${entityKey}: versions out of write order: ${JSON.stringify(history)}`);
      const latest = WriteLog.admissibleLatest(writes);
      if (!latest.has(onPlatform.description ?? '')) {
        violations.push(
          `${entityKey}: platform shows "${onPlatform.description}", expected one of ${JSON.stringify([...latest])}`,
        );
      }
    }
  }
  for (const id of current.keys()) {
    if (!log.entities().has(`Task/${id}`)) violations.push(`Task/${id} is on the platform but was never written`);
  }
  return { violations, versions, current };
}
