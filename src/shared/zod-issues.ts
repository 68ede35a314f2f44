/** What a zod issue carries that people read: where in the input, and what is wrong there. */
export interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * One issue as `path.to.field: message`, or the message alone when it concerns the whole value, so
 * that configuration errors, API 400s and rejected MQTT messages all name a field the same way.
 */
export function zodIssueLine(issue: ZodIssueLike): string {
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/**
 * Every issue on one line, `; ` between them: what an error message or a problem `detail` holds.
 */
export function describeZodIssues(issues: readonly ZodIssueLike[]): string {
  return issues.map(zodIssueLine).join('; ');
}
