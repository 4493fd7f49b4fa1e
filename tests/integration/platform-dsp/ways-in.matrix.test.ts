/**
 * Issue 9, acceptance 2: the DSP table holds on every way in. A generated matrix
 *   callers (ways-in-world.ts: every role, each in one relation to the DSP, the holder, another
 *   patient, two DSP assistants)
 * × ways in (ways-in-probes.ts: read, vread, _history, search, _include, $changes, Binary (its JSON and its bytes),
 *   transaction entry, batch entry, conditional create, conditional update)
 * × document state (N, R, V, hidden, the caller's own document) × DSP open / closed,
 * plus the write column (a new document) per caller × open / closed.
 *
 * The expected outcome of every cell is the PURE decideDspAccess of the DspRequest built from the
 * world's description, mapped onto the way as ARCHITECTURE §5 and src-main/platform/DSP.md say:
 * - one resource (read, vread, _history, Binary, its bytes): the decision's status; allowed → the content (a Binary's JSON
 *   names its blob by hash; its bytes are the content).
 * - search, _include, $changes: the document is there, with its content, iff allowed (in `$changes`
 *   also iff the DSP is in the caller's feed); a caller the table refuses by role (row 5 — decided
 *   on the listing, whatever the DSP's state) is refused the whole search (403); else 200.
 * - a conditional lookup (If-None-Exist, a transaction or batch entry's ifNoneExist, a conditional
 *   update) is the caller's own search: found (allowed) → 200 with it; refused by role → 403;
 *   left out → as if nothing matched: a NEW document, decided by the write column (201 or its status).
 *   A conditional update of a found document is a write on it: the table's write decision, then the
 *   append-only rule (the holder amends only what they wrote: 403; anything else than entered-in-error: 409).
 * - refused: nothing of the document in any body or header (no text, content, Binary, id outside
 *   the echoes of the request); rules 6 and 7 ("no hint it exists") answer exactly as for ids
 *   that never existed.
 * - every decision on the document is exactly one AuditEvent in the holder's access log, with the
 *   decision's outcome and rule number.
 *
 * One platform; the world is set up once; each round runs one cell per caller, in parallel, and
 * then reads the new events of the access log (so each caller's events are its cell's). No timers.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobOf } from '../../../src-shared/domain/attachments';
import { decideDspAccess, type DspDecision } from '../../../src-main/platform/dsp/dsp-decision';
import { startTestPlatform, type Json, type TestPlatform } from '../platform/platform-harness';
import { mustSimulate } from './dsp-harness';
import {
  changesFeed,
  changesObservation,
  firstDifference,
  leaksOf,
  neverExisting,
  normalized,
  probe,
  WAYS,
  type Observation,
  type Target,
  type Way,
  updateNamingId,
} from './ways-in-probes';
import {
  addAccounts,
  arrangeRelations,
  CALLERS,
  DOC_STATES,
  dspRequest,
  FIXTURE_AUTHOR,
  label,
  login,
  newDocument,
  PATIENT_ID,
  PATIENT_REF,
  putBinary,
  writeSharedDocuments,
  type Caller,
  type Doc,
  type DocState,
  type World,
} from './ways-in-world';

type Phase = 'open' | 'closed';
const PHASES: readonly Phase[] = ['open', 'closed'];

/** Newest access-log events read after each round; a round writes far fewer (checked). */
const LOG_WINDOW = 400;

interface Cell {
  key: string;
  title: string;
  phase: Phase;
  way: Way | 'create';
  state?: DocState;
  caller: Caller;
}

/** An audited decision: allowed or not, and the table's row (null: any row). */
interface Verdict {
  allowed: boolean;
  row: number | null;
}

/** An AuditEvent as read back: its outcome and the rule numbers its description names. */
interface Audited {
  allowed: boolean;
  rows: number[];
}

interface Expected {
  status: number;
  /** The document (or its Binary) comes back with its content. */
  shown: boolean;
  /** The table lets the caller read the document: when false, nothing of it may reach the caller. */
  mayRead: boolean;
  /** Rules 6 and 7: answered exactly as for a document that never existed. */
  noHint: boolean;
  decisions: Verdict[];
  /** Why, for the failure message. */
  because: string;
}

interface CellResult {
  expected?: Expected;
  observed?: Observation;
  /** The same probe on ids that never existed (rules 6 and 7). */
  oracle?: { target: Target; observed: Observation };
  audited?: Audited[];
  error?: string;
}

// ── The matrix ──

/** The world as described before it is set up (the presence grant is still valid): which cells exist. */
const AS_DESCRIBED = { presenceGrantUntil: '9999-12-31T00:00:00Z', closed: false };

/** Who the write column lets add a document to the open DSP: they write their own document (state `author`). */
const AUTHORS = new Set(
  CALLERS.filter((c) => decideDspAccess(dspRequest(AS_DESCRIBED, c, 'write', undefined)).allowed).map((c) => c.name),
);

const CELLS: Cell[] = [];
for (const phase of PHASES) {
  for (const caller of CALLERS)
    CELLS.push({ key: `${phase}|create|${caller.name}`, title: `${caller.name} adds a document`, phase, way: 'create', caller });
  for (const way of WAYS) {
    for (const state of DOC_STATES) {
      for (const caller of CALLERS) {
        if (state === 'author' && !AUTHORS.has(caller.name)) continue;
        CELLS.push({
          key: `${phase}|${way}|${state}|${caller.name}`,
          title: `${caller.name} (${caller.relation}) × ${state === 'author' ? 'own document (V, hidden)' : state}`,
          phase,
          way,
          state,
          caller,
        });
      }
    }
  }
}

/**
 * Beyond the matrix: an update (conditional or plain) whose body carries the id of a document the
 * table hides from the caller (rules 6 and 7, DSP open) must answer as for an id that never existed.
 */
const NAMING_ID_CELLS = CALLERS.flatMap((caller) =>
  (['hidden', 'V'] as const)
    .filter((state) => {
      const shared = { author: FIXTURE_AUTHOR.userRef, hidden: state === 'hidden', level: state === 'V' ? 'V' : 'N' } as Doc;
      const decision = decideDspAccess(dspRequest(AS_DESCRIBED, caller, 'read', shared));
      return !decision.allowed && decision.status === 404;
    })
    .flatMap((state) =>
      (['conditional', 'direct'] as const).map((form) => ({
        caller,
        state,
        form,
        title: `${form === 'conditional' ? 'PUT DocumentReference?_id=…' : 'PUT DocumentReference/<id>'}: ${caller.name} (${caller.relation}) × ${state}`,
      })),
    ),
);
const namingId = new Map<string, { status: number; leaks: string[] } | { error: string }>();

const results = new Map<string, CellResult>();
let env: TestPlatform;
let world: World;
let elapsedMs = 0;

function verdict(decision: DspDecision): Verdict {
  return { allowed: decision.allowed, row: decision.row };
}

function explain(decision: DspDecision): string {
  return decision.allowed ? `rule ${decision.row} allows (${decision.grant})` : `rule ${decision.row}: ${decision.reason}`;
}

/** Whether the caller's `$changes` carries this DSP's documents at all (DSP.md "$changes scope"). */
function inFeed(caller: Caller, doc: Doc): boolean {
  return caller.relation !== 'none' || doc.author === caller.userRef;
}

/** The outcome the table specifies for one cell, on the way the cell goes in. */
function expectationOf(cell: Cell, doc: Doc | undefined): Expected {
  const now = new Date();
  const { caller } = cell;
  const addition = decideDspAccess(dspRequest(world, caller, 'write', undefined, now));
  const asNewDocument = (): Pick<Expected, 'status' | 'because'> => ({
    status: addition.allowed ? 201 : addition.status,
    because: `nothing matched, so a new document: ${explain(addition)}`,
  });
  if (cell.way === 'create') {
    return {
      ...asNewDocument(),
      shown: false,
      mayRead: true,
      noHint: false,
      // An allowed write is audited as the write it is (no rule number); a refused one names its rule.
      decisions: [{ allowed: addition.allowed, row: addition.allowed ? null : addition.row }],
    };
  }
  const read = decideDspAccess(dspRequest(world, caller, 'read', doc, now));
  const listing = decideDspAccess(dspRequest({ ...world, closed: false }, caller, 'read', undefined, now));
  // Refused outright (not answered empty): by role (rule 5), or a closed DSP named by a professional (rule 3).
  const byRole = !read.allowed && ((!listing.allowed && listing.row === 5) || (world.closed && read.row === 3));
  const base = { mayRead: read.allowed, noHint: !read.allowed && read.status === 404, decisions: [verdict(read)] };
  const because = explain(read);
  switch (cell.way) {
    case 'read':
    case 'vread':
    case 'history':
    case 'binary':
    case 'binary-content':
      return { ...base, status: read.allowed ? 200 : read.status, shown: read.allowed, because };
    case 'search':
    case 'include':
      return { ...base, status: byRole ? 403 : 200, shown: read.allowed, because: byRole ? `${because} (by role)` : because };
    case 'changes': {
      const carried = inFeed(caller, doc!);
      return {
        ...base,
        status: 200,
        shown: read.allowed && carried,
        decisions: carried ? [verdict(read)] : [],
        because: carried ? because : `not in the caller's feed (${because})`,
      };
    }
    case 'transaction':
    case 'batch':
    case 'conditional-create':
      if (byRole) return { ...base, status: 403, shown: false, because: `${because} (by role)` };
      if (read.allowed) return { ...base, status: 200, shown: true, because: `found: ${because}` };
      return { ...base, ...asNewDocument(), shown: false };
    case 'conditional-update': {
      if (byRole) return { ...base, status: 403, shown: false, because: `${because} (by role)` };
      if (!read.allowed) return { ...base, ...asNewDocument(), shown: false };
      const write = decideDspAccess(dspRequest(world, caller, 'write', doc, now));
      if (!write.allowed)
        return {
          ...base,
          status: write.status,
          shown: false,
          decisions: [verdict(read), verdict(write)],
          because: explain(write),
        };
      if (write.grant === 'personal-area' && doc!.author !== caller.userRef)
        return {
          ...base,
          status: 403,
          shown: false,
          decisions: [verdict(read), { allowed: false, row: 2 }],
          because: 'the holder amends only what they wrote',
        };
      return { ...base, status: 409, shown: false, because: `${explain(write)}, but a DSP document is never overwritten` };
    }
  }
}

// ── The access log, read after each round ──

class AccessLog {
  private readonly seen = new Set<string>();

  constructor(private readonly token: string) {}

  /** Events recorded since the last call (the window is checked to reach back to events already seen). */
  async fresh(): Promise<Json[]> {
    const result = await env.request('GET', `/fhir/Patient/${PATIENT_ID}/$access-log?_count=${LOG_WINDOW}`, {
      token: this.token,
    });
    if (result.status !== 200) throw new Error(`$access-log: ${result.status} ${JSON.stringify(result.json)}`);
    const events: Json[] = (result.json.entry ?? []).map((e: Json) => e.resource);
    const fresh = events.filter((e) => !this.seen.has(e.id));
    if (this.seen.size > 0 && events.length === LOG_WINDOW && fresh.length === events.length)
      throw new Error(`more than ${LOG_WINDOW} access-log events in one round: widen LOG_WINDOW`);
    for (const e of fresh) this.seen.add(e.id);
    return fresh;
  }
}

const whatOf = (event: Json): string[] =>
  ((event.entity ?? []) as Json[]).map((e) => e.what?.reference as string | undefined).filter((w): w is string => !!w);

/** The caller's events of the round about the target: naming it (or its Binary), or naming only the patient and types. */
function eventsAbout(events: Json[], caller: Caller, target: Target | undefined): Audited[] {
  return events
    .filter((event) => event.agent?.[0]?.who?.reference === caller.userRef)
    .filter((event) => {
      const what = whatOf(event);
      if (target === undefined) return what.includes(PATIENT_REF);
      const names = (ref: string) => what.some((w) => w === ref || w.startsWith(`${ref}/`));
      if (names(`DocumentReference/${target.id}`) || names(`Binary/${target.binaryId}`)) return true;
      return what.includes(PATIENT_REF) && what.every((w) => w === PATIENT_REF || !w.includes('/'));
    })
    .map((event) => ({
      allowed: event.outcome === '0',
      // A search or `$changes` page is one event for all it showed (or left out): the rules of all its documents.
      rows: [...String(event.outcomeDesc ?? '').matchAll(/DSP rule (\d+)/g)].map((m) => Number(m[1])),
    }));
}

const sha256Of = (base64: string) => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');

// ── Running a round ──

function docOf(cell: Cell): Doc {
  const doc =
    cell.state === 'author' ? world.own.get(cell.caller.name) : world.shared.get(cell.state as Exclude<DocState, 'author'>);
  if (!doc) throw new Error(`no ${cell.state} document for ${cell.caller.name}`);
  return doc;
}

async function runCell(cell: Cell): Promise<void> {
  const result: CellResult = {};
  results.set(cell.key, result);
  try {
    const token = world.tokens.get(cell.caller.name)!;
    if (cell.way === 'create') {
      result.expected = expectationOf(cell, undefined);
      const { body, doc } = newDocument('author', cell.caller.userRef);
      const created = await env.request('POST', '/fhir/DocumentReference', { token, body });
      result.observed = { status: created.status, bodies: [created.json], headers: [] };
      if (cell.phase === 'open' && created.status === 201) world.own.set(cell.caller.name, { ...doc, id: created.json.id });
      return;
    }
    const doc = docOf(cell);
    result.expected = expectationOf(cell, doc);
    result.observed = await probe(env, token, cell.way as Exclude<Way, 'changes'>, doc);
    if (result.expected.noHint) {
      const target = neverExisting();
      result.oracle = { target, observed: await probe(env, token, cell.way as Exclude<Way, 'changes'>, target) };
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
}

async function round(cells: Cell[], log: AccessLog): Promise<void> {
  await Promise.all(cells.map(runCell));
  const events = await log.fresh();
  for (const cell of cells)
    results.get(cell.key)!.audited = eventsAbout(events, cell.caller, cell.way === 'create' ? undefined : docOf(cell));
}

/** `$changes`: one feed per caller, every document state read from it. */
async function changesRound(phase: Phase, log: AccessLog): Promise<void> {
  const cells = CELLS.filter((c) => c.phase === phase && c.way === 'changes');
  await Promise.all(
    CALLERS.map(async (caller) => {
      const mine = cells.filter((c) => c.caller === caller);
      try {
        const expected = new Map(mine.map((c) => [c.key, expectationOf(c, docOf(c))]));
        const entries = await changesFeed(env, world.tokens.get(caller.name)!);
        for (const cell of mine)
          results.set(cell.key, { expected: expected.get(cell.key)!, observed: changesObservation(entries, docOf(cell)) });
      } catch (error) {
        for (const cell of mine) results.set(cell.key, { error: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  const events = await log.fresh();
  for (const cell of cells) {
    const result = results.get(cell.key)!;
    if (!result.error) result.audited = eventsAbout(events, cell.caller, docOf(cell));
  }
}

async function runPhase(phase: Phase, log: AccessLog): Promise<void> {
  await round(
    CELLS.filter((c) => c.phase === phase && c.way === 'create'),
    log,
  );
  if (phase === 'open') {
    // Each author's own document: its Binary, then the holder makes it V and hides it (only rule 4 still opens it).
    for (const [name, doc] of world.own) {
      await putBinary(env, world.tokens.get(name)!, doc);
      await label(world, doc, 'V', true);
    }
    await log.fresh();
  }
  for (const way of WAYS) {
    if (way === 'changes') {
      await changesRound(phase, log);
      continue;
    }
    for (const state of DOC_STATES)
      await round(
        CELLS.filter((c) => c.phase === phase && c.way === way && c.state === state),
        log,
      );
  }
}

beforeAll(async () => {
  const started = Date.now();
  env = await startTestPlatform({ seed: 'demo', patients: 1, docsPerPatient: 1 });
  await addAccounts(env, [...CALLERS, FIXTURE_AUTHOR]);
  const tokens = new Map<string, string>();
  await Promise.all([...CALLERS, FIXTURE_AUTHOR].map(async (c) => tokens.set(c.name, await login(env, c))));
  world = { env, tokens, shared: new Map(), own: new Map(), presenceGrantUntil: null, closed: false };
  await arrangeRelations(world);
  await writeSharedDocuments(world, tokens.get(FIXTURE_AUTHOR.name)!);
  const log = new AccessLog(tokens.get('holder')!);
  await log.fresh();
  await runPhase('open', log);
  await Promise.all(
    NAMING_ID_CELLS.map(async ({ caller, state, form, title }) => {
      try {
        const token = tokens.get(caller.name)!;
        const doc = world.shared.get(state)!;
        const here = await updateNamingId(env, token, doc, form);
        namingId.set(title, { status: here.status, leaks: leaksOf(here, doc) });
      } catch (error) {
        namingId.set(title, { error: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  await log.fresh();
  await mustSimulate(env, tokens.get('holder')!, PATIENT_ID, 'close-dsp');
  world.closed = true;
  await log.fresh();
  await runPhase('closed', log);
  elapsedMs = Date.now() - started;
}, 180_000);

afterAll(() => env?.stop());

// ── The assertions, one per cell ──

const describeVerdicts = (verdicts: Verdict[]) =>
  verdicts.length === 0
    ? 'none'
    : verdicts.map((v) => `${v.allowed ? 'allowed' : 'refused'}${v.row === null ? '' : ` (rule ${v.row})`}`).join(', ');

const describeAudited = (audited: Audited[]) =>
  audited.length === 0
    ? 'none'
    : audited.map((a) => `${a.allowed ? 'allowed' : 'refused'}${a.rows.length ? ` (rule ${a.rows.join('/')})` : ''}`).join(', ');

/** Each expected decision must be one event (same outcome, naming its rule), and every event one decision. */
function auditProblems(expected: Verdict[], audited: Audited[]): string[] {
  const left = [...audited];
  const missing: Verdict[] = [];
  for (const want of expected) {
    const i = left.findIndex((got) => got.allowed === want.allowed && (want.row === null || got.rows.includes(want.row)));
    if (i < 0) missing.push(want);
    else left.splice(i, 1);
  }
  if (missing.length === 0 && left.length === 0) return [];
  return [`access log: ${describeAudited(audited)}; expected exactly ${describeVerdicts(expected)}`];
}

function problemsOf(cell: Cell): string[] {
  const result = results.get(cell.key);
  if (!result) return ['not run'];
  if (result.error) return [`error: ${result.error}`];
  const { expected, observed } = result;
  if (!expected || !observed) return ['not run'];
  const problems: string[] = [];
  if (observed.status !== expected.status)
    problems.push(`status ${observed.status}, expected ${expected.status} (${expected.because})`);
  if (observed.httpStatus !== undefined && cell.way === 'batch' && observed.httpStatus !== 200)
    problems.push(`batch answered HTTP ${observed.httpStatus}, expected 200 with the entry's outcome`);
  if (cell.way !== 'create') {
    const doc = docOf(cell);
    const returned = observed.returned;
    if (expected.shown) {
      const complete =
        cell.way === 'binary'
          ? blobOf(returned)?.sha256 === sha256Of(doc.binaryB64)
          : cell.way === 'binary-content'
            ? returned?.content === doc.binaryB64
            : returned?.description === doc.marker && returned?.content?.some((c: Json) => c.attachment?.data === doc.dataB64);
      if (!complete)
        problems.push(
          `the ${cell.way.startsWith('binary') ? 'Binary' : 'document'} did not come back with its content (${expected.because})`,
        );
    } else if (returned !== undefined) {
      problems.push(`the document came back (${expected.because})`);
    }
    if (!expected.mayRead) {
      const leaks = leaksOf(observed, doc);
      if (leaks.length > 0) problems.push(`leaks ${leaks.join(', ')} (${expected.because})`);
    }
    if (expected.noHint && result.oracle) {
      const here = normalized(observed, doc);
      const never = normalized(result.oracle.observed, result.oracle.target);
      if (here !== never)
        problems.push(`answers unlike for an id that never existed: ${firstDifference(here, never)} (${expected.because})`);
    }
  }
  problems.push(...auditProblems(expected.decisions, result.audited ?? []));
  return problems;
}

describe('every way into the DSP gives what the decision table decides, and logs it once', () => {
  it('covers every row of the table, on every way, open and closed', () => {
    const reads = new Set<number>();
    const statuses = new Set<string>();
    for (const cell of CELLS) {
      const expected = results.get(cell.key)?.expected;
      if (!expected) continue;
      if (cell.way !== 'create' && expected.decisions[0]) reads.add(expected.decisions[0].row!);
      statuses.add(`${cell.way}:${expected.status}`);
    }
    expect([...reads].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const s of ['read:200', 'read:403', 'read:404', 'binary:404', 'create:201', 'create:403', 'create:409'])
      expect(statuses).toContain(s);
    expect(CELLS.length).toBeGreaterThan(1000);
    console.info(`ways-in matrix: ${CELLS.length} cells in ${(elapsedMs / 1000).toFixed(1)} s`);
  });

  /*
   * Known limit (src-main/platform/DSP.md): ids are chosen by the client (PUT is update-as-create, so an
   * offline write can be replayed), and one id names one resource; so a PUT carrying the id of a document
   * the caller may not see cannot answer like a PUT to an unused id (that one creates: 201). What it must
   * hold: the answer is a refusal, and nothing of the document comes back — no text, content, Binary or
   * labels; the id is all the caller brought.
   */
  describe('an update naming the id of a document the caller may not see (rules 6, 7) gets nothing of it', () => {
    // Generated `it`s rather than it.each: vitest shortens interpolated titles, and a cell's title is its address.
    for (const { title } of NAMING_ID_CELLS) {
      it(title, () => {
        const result = namingId.get(title);
        expect(result && 'error' in result ? result.error : undefined).toBeUndefined();
        const { status, leaks } = result as { status: number; leaks: string[] };
        expect([404, 409]).toContain(status);
        expect(leaks.filter((leak) => leak !== 'its id')).toEqual([]);
      });
    }
  });

  for (const phase of PHASES) {
    describe(`DSP ${phase}`, () => {
      for (const way of ['create', ...WAYS] as const) {
        const cells = CELLS.filter((c) => c.phase === phase && c.way === way);
        describe(way === 'create' ? 'write column: a new document' : way, () => {
          for (const cell of cells) {
            it(cell.title, () => {
              const problems = problemsOf(cell);
              expect(problems, problems.join(' · ')).toEqual([]);
            });
          }
        });
      }
    });
  }
});
