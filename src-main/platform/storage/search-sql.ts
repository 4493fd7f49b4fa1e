/**
 * Translates a parsed FHIR search (and a user's `$changes` scope) into one SQL statement over the
 * version table and the index tables, for SQLite and PostgreSQL alike: what differs between them is
 * the small `SqlDialect` below, so a search parameter behaves the same on both. Visibility is "as of
 * snapshot S" (version committed at or before S and not superseded by then), and paging is a keyset on
 * (sort key, seq): together they make a page sequence that neither skips nor repeats a row while other
 * clients write. Statements use `?` placeholders; PostgreSQL numbers them (postgres-storage.ts).
 */
import type { Criterion, DateValue, SearchRequest, TokenValue } from '../fhir/search-query';
import type { ChangeFilter } from './platform-storage';
import { CURRENT } from './sqlite-schema';

export type SqlValue = string | number | string[];

export interface SqlDialect {
  /**
   * The column by which index rows point at their version: SQLite's `seq`; PostgreSQL's `rid`, a row
   * id that never changes, because there `seq` is handed out at commit (postgres-schema.ts).
   */
  rowKey: 'seq' | 'rid';
  /** SQLite's unary "+" (do not drive from this column's index); PostgreSQL's planner needs no hint. */
  noIndex(expression: string): string;
  /** `expression IN (values)` with the list bound as one parameter (a GP's scope names thousands of patients). */
  inList(expression: string, values: string[], params: SqlValue[]): string;
}

export const SQLITE_DIALECT: SqlDialect = {
  rowKey: 'seq',
  noIndex: (expression) => `+${expression}`,
  // One JSON parameter, not one "?" per value: SQLite refuses expression trees deeper than 1,000.
  inList: (expression, values, params) => {
    params.push(JSON.stringify(values));
    return `${expression} IN (SELECT value FROM json_each(?))`;
  },
};

export interface SqlQuery {
  sql: string;
  params: SqlValue[];
}

function tokenCondition(value: TokenValue, params: SqlValue[]): string {
  if (value.code !== undefined && value.system !== undefined) {
    params.push(value.code, value.system);
    return '(code = ? AND system = ?)';
  }
  if (value.code !== undefined) {
    params.push(value.code);
    return 'code = ?';
  }
  params.push(value.system ?? '');
  return 'system = ?';
}

/** FHIR date comparison of an indexed range [lowCol, highCol] with a search value (R4 §3.1.1.4.2). */
function dateCondition(value: DateValue, lowCol: string, highCol: string, params: SqlValue[]): string {
  switch (value.prefix) {
    case 'eq':
      params.push(value.low, value.high);
      return `(${lowCol} >= ? AND ${highCol} <= ?)`;
    case 'ne':
      params.push(value.low, value.high);
      return `NOT (${lowCol} >= ? AND ${highCol} <= ?)`;
    case 'lt':
      params.push(value.low);
      return `${lowCol} < ?`;
    case 'le':
      params.push(value.high);
      return `${lowCol} <= ?`;
    case 'gt':
      params.push(value.high);
      return `${highCol} > ?`;
    case 'ge':
      params.push(value.low);
      return `${highCol} >= ?`;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `seq IN (matches in one index table)`; pushes the subquery's own (type, param) onto `head`. */
function indexSubquery(
  dialect: SqlDialect,
  table: string,
  type: string,
  param: string,
  conditions: string[],
  head: SqlValue[],
): string {
  head.push(type, param);
  const key = dialect.rowKey;
  return `v.${key} IN (SELECT ${key} FROM ${table} WHERE type = ? AND param = ? AND (${conditions.join(' OR ')}))`;
}

/** A parameter name inlined into SQL (a partial index applies only to a literal, never to a bound value). */
function literalParam(param: string): string {
  if (!/^[_a-z][_a-z0-9-]*$/.test(param)) throw new Error(`audience parameter "${param}" cannot be inlined into SQL`);
  return `'${param}'`;
}

/**
 * A version (`v`) is visible to `principals` when it has no audience rows (the idx_reference_audience
 * partial index answers that per row), or when one of them is in its audience.
 */
function audienceCondition(dialect: SqlDialect, param: string, principals: string[], params: SqlValue[]): string {
  const name = literalParam(param);
  params.push(...principals);
  const key = dialect.rowKey;
  return (
    `(NOT EXISTS (SELECT 1 FROM idx_reference a WHERE a.${key} = v.${key} AND a.param = ${name}) ` +
    `OR EXISTS (SELECT 1 FROM idx_reference a WHERE a.${key} = v.${key} AND a.param = ${name} AND a.target IN (${principals.map(() => '?').join(', ')})))`
  );
}

function criterionSql(dialect: SqlDialect, type: string, criterion: Criterion, params: SqlValue[]): string {
  // Parameters of the subquery head (type, param) must precede its value conditions.
  const values: SqlValue[] = [];
  const head: SqlValue[] = [];
  let sql: string;
  switch (criterion.kind) {
    case 'id':
      values.push(...criterion.values);
      sql = `v.id IN (${criterion.values.map(() => '?').join(', ')})`;
      break;
    case 'lastUpdated':
      sql = `(${criterion.values.map((v) => dateCondition(v, 'v.last_updated_ms', 'v.last_updated_ms', values)).join(' OR ')})`;
      break;
    case 'token':
      sql = indexSubquery(
        dialect,
        'idx_token',
        type,
        criterion.param,
        criterion.values.map((v) => tokenCondition(v, values)),
        head,
      );
      break;
    case 'string': {
      const conditions = criterion.values.map((v) => {
        if (criterion.match === 'exact') {
          values.push(v);
          return 'value = ?';
        }
        if (criterion.match === 'contains') {
          values.push(`%${escapeLike(v)}%`);
          return "value LIKE ? ESCAPE '\\'";
        }
        // Prefix match as a range, so the (type, param, value) index serves it.
        values.push(v, `${v}\uffff`);
        return '(value >= ? AND value < ?)';
      });
      sql = indexSubquery(dialect, 'idx_string', type, criterion.param, conditions, head);
      break;
    }
    case 'reference':
      sql = indexSubquery(
        dialect,
        'idx_reference',
        type,
        criterion.param,
        criterion.values.map(() => 'target = ?'),
        head,
      );
      values.push(...criterion.values);
      break;
    case 'date':
      sql = indexSubquery(
        dialect,
        'idx_date',
        type,
        criterion.param,
        criterion.values.map((v) => dateCondition(v, 'low', 'high', values)),
        head,
      );
      break;
    case 'audience':
      if (criterion.everyRowHasOne) {
        sql = indexSubquery(dialect, 'idx_reference', type, criterion.param, ['target = ?'], head);
        values.push(criterion.principal);
      } else {
        sql = audienceCondition(dialect, criterion.param, [criterion.principal], values);
      }
      break;
  }
  params.push(...head, ...values);
  return sql;
}

const SORT_COLUMN = { _seq: 'v.seq', _id: 'v.id', _lastUpdated: 'v.last_updated_ms' } as const;

/** SELECT of up to `count + 1` rows (the extra row tells whether another page exists). */
export function buildSearchSql(dialect: SqlDialect, request: SearchRequest, snapshot: number, columns: string): SqlQuery {
  const params: SqlValue[] = [];
  const where: string[] = [];
  const indexDriven = request.criteria.some((c) => c.kind !== 'lastUpdated' && !(c.kind === 'audience' && !c.everyRowHasOne));
  // With selective criteria, the unary "+" keeps SQLite from walking every row of the type in
  // sort order and probing each one; it drives from the index-table matches instead.
  where.push(`${indexDriven ? dialect.noIndex('v.type') : 'v.type'} = ?`);
  params.push(request.resourceType);
  // Sorting by another key: "+" stops SQLite from walking the (type, seq) index and sorting
  // everything afterwards; the (type, last_updated_ms, seq) / (type, id, version) index gives the order.
  where.push(`${request.sort.key === '_seq' ? 'v.seq' : dialect.noIndex('v.seq')} <= ?`, 'v.superseded_at > ?', 'v.deleted = 0');
  params.push(snapshot, snapshot);
  for (const criterion of request.criteria) where.push(criterionSql(dialect, request.resourceType, criterion, params));

  const column = SORT_COLUMN[request.sort.key];
  const op = request.sort.descending ? '<' : '>';
  const dir = request.sort.descending ? 'DESC' : 'ASC';
  if (request.page) {
    const { key, seq } = request.page.after;
    if (request.sort.key === '_seq') {
      where.push(`v.seq ${op} ?`);
      params.push(seq);
    } else {
      where.push(`(${column} ${op} ? OR (${column} = ? AND v.seq ${op} ?))`);
      params.push(key, key, seq);
    }
  }
  const orderBy = request.sort.key === '_seq' ? `v.seq ${dir}` : `${column} ${dir}, v.seq ${dir}`;
  params.push(request.count + 1);
  return { sql: `SELECT ${columns} FROM resource_version v WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ?`, params };
}

/**
 * The current versions committed after `after` that a user's `$changes` scope lets through, in commit
 * order: up to `limit + 1` rows (the extra row tells whether another page exists); null when the scope
 * lets nothing through.
 */
export function buildChangesSql(
  dialect: SqlDialect,
  filter: ChangeFilter,
  after: number,
  limit: number,
  columns: string,
): SqlQuery | null {
  const key = dialect.rowKey;
  const params: SqlValue[] = [after];
  const allowed: string[] = [];
  const list = (values: string[]) => values.map(() => '?').join(', ');
  if (filter.allOfTypes.length > 0) {
    allowed.push(`v.type IN (${list(filter.allOfTypes)})`);
    params.push(...filter.allOfTypes);
  }
  if (filter.createdBy.length > 0) {
    allowed.push(`v.created_by IN (${list(filter.createdBy)})`);
    params.push(...filter.createdBy);
  }
  if (filter.resources.length > 0) allowed.push(dialect.inList(`(v.type || '/' || v.id)`, filter.resources, params));
  const audience = filter.audience;
  if (audience && audience.principals.length > 0) {
    for (const type of audience.types) {
      params.push(type, audience.param, ...audience.principals);
      allowed.push(
        `v.${key} IN (SELECT ${key} FROM idx_reference WHERE type = ? AND param = ? AND target IN (${list(audience.principals)}))`,
      );
    }
  }
  const dsp = filter.dsp;
  if (dsp && dsp.patients.length > 0) {
    const documents = (into: SqlValue[]) =>
      `SELECT ${key} FROM idx_reference WHERE type = 'DocumentReference' AND param = 'patient' AND ${dialect.inList('target', dsp.patients, into)}`;
    allowed.push(`(v.type = 'DocumentReference' AND v.${key} IN (${documents(params)}))`);
    params.push(dsp.documentParam);
    allowed.push(
      `(v.type = 'Binary' AND v.${key} IN (SELECT ${key} FROM idx_reference WHERE type = 'Binary' AND param = ? AND target IN (` +
        `SELECT 'DocumentReference/' || d.id FROM resource_version d WHERE d.type = 'DocumentReference' AND d.superseded_at = ${CURRENT} AND d.${key} IN (${documents(params)}))))`,
    );
  }
  if (filter.consentActors && filter.consentActors.length > 0) {
    allowed.push(
      `(v.type = 'Consent' AND v.${key} IN (SELECT ${key} FROM idx_reference WHERE type = 'Consent' AND param = 'actor' AND target IN (${list(filter.consentActors)})))`,
    );
    params.push(...filter.consentActors);
  }
  const authors = filter.authoredDocumentPatients;
  if (authors && authors.length > 0) {
    allowed.push(
      `(v.type = 'Patient' AND ('Patient/' || v.id) IN (SELECT p.target FROM idx_reference p WHERE p.type = 'DocumentReference' AND p.param = 'patient' AND p.${key} IN (` +
        `SELECT a.${key} FROM idx_reference a WHERE a.type = 'DocumentReference' AND a.param = 'author' AND ${dialect.inList('a.target', authors, params)})))`,
    );
  }
  const care = filter.careRecords;
  if (care && care.patients.length > 0 && care.types.length > 0) {
    const types = dialect.inList('type', care.types, params);
    const patients = dialect.inList('target', care.patients, params);
    allowed.push(`v.${key} IN (SELECT ${key} FROM idx_reference WHERE ${types} AND param = 'patient' AND ${patients})`);
  }
  if (allowed.length === 0) return null;
  let excluded = '';
  if (filter.excludedTypes.length > 0) {
    excluded = ` AND v.type NOT IN (${list(filter.excludedTypes)})`;
    params.push(...filter.excludedTypes);
  }
  if (audience) {
    // A message is never let in by another rule unless its audience includes the caller.
    params.push(...audience.types);
    const types = list(audience.types);
    const principals = audience.principals.length > 0 ? audience.principals : [''];
    excluded += ` AND (v.type NOT IN (${types}) OR ${audienceCondition(dialect, audience.param, principals, params)})`;
  }
  params.push(limit + 1);
  return {
    sql: `SELECT ${columns} FROM resource_version v
         WHERE v.superseded_at = ${CURRENT} AND v.seq > ? AND (${allowed.join(' OR ')})${excluded}
         ORDER BY v.seq LIMIT ?`,
    params,
  };
}
