export interface InfluxSeries {
  readonly name?: string;
  readonly columns: readonly string[];
  readonly values?: readonly (readonly unknown[])[];
}

/** The answer to one InfluxQL statement of a (possibly multi-statement) query. */
export interface InfluxStatementResult {
  readonly statement_id: number;
  readonly series?: readonly InfluxSeries[];
  readonly error?: string;
  /**
   * Set on the statement when the answer is incomplete. `series[].partial` is deliberately ignored:
   * 1.6 merges its internal 10,000-row chunks into one series and leaves `partial: true` on it
   * although every row is there. The catch: a server with a non-zero `max-row-limit` also marks
   * its truncation only there, so such a server can cut a long window short unnoticed (the
   * default limit is 0, unlimited).
   */
  readonly partial?: boolean;
}

/** Narrow the JSON answer of /query without trusting it. */
export function parseResults(text: string): InfluxStatementResult[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`influxdb query answered non-JSON: ${text.slice(0, 200)}`);
  }
  const obj =
    typeof json === 'object' && json !== null
      ? (json as { results?: unknown; error?: unknown })
      : {};
  if (typeof obj.error === 'string') throw new Error(`influxdb query failed: ${obj.error}`);
  if (!Array.isArray(obj.results))
    throw new Error(`influxdb query answered without results: ${text.slice(0, 200)}`);
  return obj.results.map((r: unknown, i) => {
    if (typeof r !== 'object' || r === null)
      throw new Error(`influxdb query result ${i} is not an object`);
    const { statement_id: id, series } = r as { statement_id?: unknown; series?: unknown };
    if (series !== undefined && !Array.isArray(series))
      throw new Error(`influxdb query result ${i} has malformed series`);
    return { ...(r as InfluxStatementResult), statement_id: typeof id === 'number' ? id : i };
  });
}
