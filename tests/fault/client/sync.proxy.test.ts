/**
 * Issue 4, acceptance 4 — the sync protocol (ARCHITECTURE §6) through a faulty network.
 *
 * Two devices of the same nurse (two data dirs) write Tasks concurrently and sync, each through its own
 * fault-injecting proxy (tests/fault/support/fault-proxy.ts): lost answers after commit, duplicated
 * requests, held answers and answers held until the client's watchdog gives up, 500/503 and a 401 in
 * the middle of a batch. They sync until quiet, then through a clean connection, resolving conflicts as
 * a person would ("keep mine"), until both are idle.
 *
 * Faults are placed on requests, from a seeded deck per device, so every kind is injected whatever the
 * machine's speed; the writes step on the device's own phase signals (tests/fault/support/phase-signals.ts),
 * never on a sleep.
 */
import type { Task } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { Prng } from '../../../src-main/platform/seed/prng';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { FAULT_TASK_PREFIX } from '../support/client-runner-protocol';
import { FAULTS, FaultProxy, type Fault } from '../support/fault-proxy';
import { PhaseSignals } from '../support/phase-signals';
import { PlatformProbe } from '../support/platform-probe';
import { checkPlatformAgainstLog, WriteLog, type PlatformCheck } from '../support/write-log';

const SEED = Number(process.env.FAULT_SEED ?? 4242);
const ROUNDS = 12;
const WRITES_PER_ROUND = 4;
const SHARED_TASKS = 6;

let platform: TestPlatform;
interface Device {
  name: string;
  core: Core;
  proxy: FaultProxy;
  signals: PhaseSignals;
}
const devices: Device[] = [];
const log = new WriteLog();
const prng = new Prng(SEED);
/** Conflicts seen in the quarantine, with whether both versions were there. */
const conflictsSeen: { device: string; entityKey: string; hasLocal: boolean; hasServer: boolean }[] = [];
const resolvedOps = new Set<string>();
let platformCheck: PlatformCheck;
const timings = { faultyMs: 0, cleanMs: 0 };
let cleanRounds = 0;

function taskOf(description: string, id?: string): Task {
  return {
    resourceType: 'Task',
    ...(id ? { id } : {}),
    status: 'requested',
    intent: 'order',
    description,
    for: { reference: 'Patient/demo-patient' },
  };
}

function cachedTasks(core: Core) {
  return core.sessions
    .require()
    .store.resources.listByType<Task>('Task', { limit: 100_000 })
    .filter((t) => t.resource.description?.startsWith(FAULT_TASK_PREFIX));
}

/** One local write, logged as acknowledged once the call returned. */
function localWrite(device: Device, description: string, create = prng.chance(0.25)): void {
  const session = device.core.sessions.require();
  const existing = cachedTasks(device.core);
  if (existing.length === 0 || create) {
    const id = crypto.randomUUID();
    log.intent(`Task/${id}`, description, device.name);
    session.writes.create(taskOf(description, id));
    log.ack(`Task/${id}`, description);
  } else {
    const target = prng.pick(existing);
    log.intent(`Task/${target.id}`, description, device.name);
    session.writes.update({ ...target.resource, description } as Task & { id: string }, String(target.versionId));
    log.ack(`Task/${target.id}`, description);
  }
}

/** What a person does with each open conflict: looks at both versions and keeps their own. */
async function resolveConflicts(device: Device): Promise<number> {
  const conflicts = await device.core.desk.sync.conflicts({});
  if (!conflicts.ok) throw new Error(JSON.stringify(conflicts.error));
  for (const conflict of conflicts.value) {
    conflictsSeen.push({
      device: device.name,
      entityKey: conflict.entityKey,
      hasLocal: conflict.local != null,
      hasServer: conflict.server != null,
    });
    const resolved = await device.core.desk.sync.resolve({ opId: conflict.opId, choice: 'mine' });
    if (!resolved.ok) throw new Error(`resolve ${conflict.opId}: ${JSON.stringify(resolved.error)}`);
    resolvedOps.add(conflict.opId);
  }
  return conflicts.value.length;
}

/** Faults injected over both devices' proxies. */
const injectedCount = (fault: Fault | 'late') => devices.reduce((sum, d) => sum + d.proxy.counts[fault], 0);

async function sync(core: Core) {
  const status = await core.desk.sync.now({});
  if (!status.ok) throw new Error(JSON.stringify(status.error));
  return status.value;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  for (const [index, name] of ['laptop', 'desktop'].entries()) {
    const proxy = new FaultProxy({
      upstream: new URL(platform.url).origin,
      seed: SEED + index,
      // One deck: 19 requests, 11 of them faulty.
      weights: { pass: 8, drop: 2, duplicate: 2, delay: 2, stall: 1, error500: 1, error503: 1, unauthorized: 2 },
      maxStalls: 1,
    });
    await proxy.start();
    proxy.enabled = false; // logins and the shared starting point go through a clean connection
    // A short watchdog: a stall ends when the client gives up on it, so it must give up soon.
    const core = createTestClient(proxy.fhirUrl, undefined, { requestTimeoutMs: 3_000 });
    await loginAs(core, 'nurse');
    const signals = new PhaseSignals();
    signals.instrument(core.sessions.require());
    devices.push({ name, core, proxy, signals });
  }
  const [laptop, desktop] = devices as [Device, Device];
  for (let i = 0; i < SHARED_TASKS; i += 1) localWrite(laptop, `${FAULT_TASK_PREFIX}shared ${i}`, true);
  expect((await sync(laptop.core)).pending).toBe(0);
  await sync(desktop.core);
  expect(cachedTasks(desktop.core)).toHaveLength(SHARED_TASKS);

  // Both devices write and sync at the same time through their faulty proxies.
  for (const device of devices) device.proxy.enabled = true;
  const faultyStarted = performance.now();
  await Promise.all(
    devices.map(async (device) => {
      for (let round = 0; round < ROUNDS; round += 1) {
        for (let k = 0; k < WRITES_PER_ROUND; k += 1) {
          // Sometimes let the worker (nudged by the write) settle an operation before the next write — or,
          // if a fault stopped its push (it then waits out a backoff), one more sync run end.
          const settled = prng.chance(0.5) ? device.signals.next('push:op-acked') : null;
          localWrite(device, `${FAULT_TASK_PREFIX}${device.name} r${round} w${k}`);
          if (settled) await Promise.race([settled, device.core.sessions.require().worker.nudge()]);
        }
        await sync(device.core);
        if (prng.chance(0.3)) await resolveConflicts(device);
      }
      // Until quiet: nothing left to send except what waits in the quarantine for a person.
      for (let attempt = 0; attempt < 40; attempt += 1) {
        const status = await sync(device.core);
        const session = device.core.sessions.require();
        const quarantined = new Set(session.store.quarantine.list().map((q) => q.entityKey));
        const sendable = session.store.outbox.listUnacked(100_000).filter((op) => !quarantined.has(op.entityKey));
        if (sendable.length === 0 && status.connectivity === 'online') break;
      }
    }),
  );
  timings.faultyMs = performance.now() - faultyStarted;

  // Then a clean connection: resolve, sync both, until both are idle and have pulled each other's last writes.
  for (const device of devices) device.proxy.enabled = false;
  const cleanStarted = performance.now();
  for (cleanRounds = 1; cleanRounds <= 20; cleanRounds += 1) {
    let open = 0;
    for (const device of devices) open += await resolveConflicts(device);
    const statuses = [];
    for (const device of devices) statuses.push(await sync(device.core));
    for (const device of devices) statuses.push(await sync(device.core));
    if (open === 0 && statuses.every((s) => s.pending === 0 && s.conflicts === 0 && s.connectivity === 'online')) break;
  }
  timings.cleanMs = performance.now() - cleanStarted;
  platformCheck = await checkPlatformAgainstLog(await PlatformProbe.login(platform.url), log, FAULT_TASK_PREFIX, {
    ordered: false,
  });
}, 240_000);

afterAll(async () => {
  for (const device of devices) {
    await device.core.close();
    await device.proxy.stop();
  }
  await platform?.stop();
  const injected = FAULTS.map((f) => `${f}=${injectedCount(f)}`).join(' ');
  const byRequest = new Map<string, number>();
  for (const device of devices) for (const [k, v] of device.proxy.byRequest) byRequest.set(k, (byRequest.get(k) ?? 0) + v);
  console.info(
    `[sync.proxy] seed ${SEED}: faults ${injected} late=${injectedCount('late')}; by request ${JSON.stringify(Object.fromEntries(byRequest))}; ` +
      `${log.acked.length} acknowledged writes on ${log.entities().size} Tasks, ${platformCheck?.versions ?? '?'} platform versions; ` +
      `${conflictsSeen.length} conflicts resolved; faulty phase ${Math.round(timings.faultyMs)} ms, clean phase ${Math.round(timings.cleanMs)} ms (${cleanRounds} rounds)`,
  );
});

describe('sync through a faulty network (nothing lost, nothing twice, no silent overwrite)', () => {
  it('the proxy injected every kind of fault', () => {
    for (const fault of FAULTS) expect(injectedCount(fault), fault).toBeGreaterThan(0);
    expect(log.acked.length).toBeGreaterThanOrEqual(ROUNDS * WRITES_PER_ROUND * 2);
  });

  it('every acknowledged local write is on the platform exactly once', () => {
    expect(platformCheck.violations).toEqual([]);
  });

  it('each Task ends on the latest write of one of the devices, never on an older one', async () => {
    const probe = await PlatformProbe.login(platform.url);
    const problems: string[] = [];
    for (const [entityKey, writes] of log.entities()) {
      const latestPerDevice = new Set(
        ['laptop', 'desktop'].map((d) => writes.filter((w) => w.by === d).at(-1)?.description).filter((d) => d !== undefined),
      );
      const current = platformCheck.current.get(entityKey.split('/')[1]!)?.description;
      if (!current || !latestPerDevice.has(current)) {
        const history = (await probe.history<Task>('Task', entityKey.split('/')[1]!)).map((t) => t.description);
        problems.push(
          `${entityKey}: platform shows "${current}", expected one of ${JSON.stringify([...latestPerDevice])}; history ${JSON.stringify(history)}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('a conflict reaches the quarantine with both versions, and nothing else stays in the outbox', () => {
    expect(conflictsSeen.filter((c) => !c.hasLocal || !c.hasServer)).toEqual([]);
    for (const device of devices) {
      const store = device.core.sessions.require().store;
      expect(store.outbox.countUnacked(), `${device.name} outbox`).toBe(0);
      expect(store.quarantine.list(), `${device.name} open conflicts`).toEqual([]);
    }
  });

  it("both devices' caches converge to the platform and pass integrity_check", () => {
    const expected = [...platformCheck.current.values()]
      .map((t) => ({ id: t.id!, versionId: Number(t.meta!.versionId), description: t.description }))
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const device of devices) {
      const store = device.core.sessions.require().store;
      expect(store.integrityCheck(), device.name).toEqual({ ok: true, problems: [] });
      const cached = cachedTasks(device.core)
        .map((t) => ({ id: t.id, versionId: t.versionId, description: t.resource.description }))
        .sort((a, b) => a.id.localeCompare(b.id));
      expect(cached, device.name).toEqual(expected);
    }
  });
});
