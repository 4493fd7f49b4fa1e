/**
 * Translates a parsed FHIR search into one SQL statement over the version table and the index
 * tables. Visibility is "as of snapshot S" (version committed at or before S and not superseded by
 * then), and paging is a keyset on (sort key, seq): together they make a page sequence that neither
 * skips nor repeats a row while other clients write.
 */
import type { Criterion, DateValue, SearchRequest, TokenValue } from '../fhir/search-query';

type SqlValue = string | number;

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
function indexSubquery(table: string, type: string, param: string, conditions: string[], head: SqlValue[]): string {
  head.push(type, param);
  return `v.seq IN (SELECT seq FROM ${table} WHERE type = ? AND param = ? AND (${conditions.join(' OR ')}))`;
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
export function audienceCondition(param: string, principals: string[], params: SqlValue[]): string {
  const name = literalParam(param);
  params.push(...principals);
  return (
    `(NOT EXISTS (SELECT 1 FROM idx_reference a WHERE a.seq = v.seq AND a.param = ${name}) ` +
    `OR EXISTS (SELECT 1 FROM idx_reference a WHERE a.seq = v.seq AND a.param = ${name} AND a.target IN (${principals.map(() => '?').join(', ')})))`
  );
}

function criterionSql(type: string, criterion: Criterion, params: SqlValue[]): string {
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
      sql = indexSubquery('idx_string', type, criterion.param, conditions, head);
      break;
    }
    case 'reference':
      sql = indexSubquery(
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
        'idx_date',
        type,
        criterion.param,
        criterion.values.map((v) => dateCondition(v, 'low', 'high', values)),
        head,
      );
      break;
    case 'audience':
      if (criterion.everyRowHasOne) {
        sql = indexSubquery('idx_reference', type, criterion.param, ['target = ?'], head);
        values.push(criterion.principal);
      } else {
        sql = audienceCondition(criterion.param, [criterion.principal], values);
      }
      break;
  }
  params.push(...head, ...values);
  return sql;
}

const SORT_COLUMN = { _seq: 'v.seq', _id: 'v.id', _lastUpdated: 'v.last_updated_ms' } as const;

/** SELECT of up to `count + 1` rows (the extra row tells whether another page exists). */
export function buildSearchSql(request: SearchRequest, snapshot: number, columns: string): SqlQuery {
  const params: SqlValue[] = [];
  const where: string[] = [];
  const indexDriven = request.criteria.some((c) => c.kind !== 'lastUpdated' && !(c.kind === 'audience' && !c.everyRowHasOne));
  // With selective criteria, the unary "+" keeps SQLite from walking every row of the type in
  // sort order and probing each one; it drives from the index-table matches instead.
  where.push(indexDriven ? '+v.type = ?' : 'v.type = ?');
  params.push(request.resourceType);
  // Sorting by another key: "+" stops SQLite from walking the (type, seq) index and sorting
  // everything afterwards; the (type, last_updated_ms, seq) / (type, id, version) index gives the order.
  where.push(request.sort.key === '_seq' ? 'v.seq <= ?' : '+v.seq <= ?', 'v.superseded_at > ?', 'v.deleted = 0');
  params.push(snapshot, snapshot);
  for (const criterion of request.criteria) where.push(criterionSql(request.resourceType, criterion, params));

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
