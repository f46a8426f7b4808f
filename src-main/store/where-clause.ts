type Param = string | number;

/** Builds `WHERE a = ? AND b > ?` from the filters that are set; values stay bound parameters. */
export function whereClause(conditions: ReadonlyArray<readonly [sql: string, value: Param | undefined]>): { sql: string; params: Param[] } {
  const set = conditions.filter((c): c is readonly [string, Param] => c[1] !== undefined);
  return { sql: set.length ? `WHERE ${set.map((c) => c[0]).join(' AND ')}` : '', params: set.map((c) => c[1]) };
}
