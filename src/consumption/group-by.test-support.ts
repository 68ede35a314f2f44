import { expect } from 'vitest';

export const t = (iso: string) => Date.parse(iso);
export const minutes = (edges: readonly number[]) =>
  edges.slice(1).map((e, i) => (e - (edges[i] ?? 0)) / 60_000);
export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** `run` (local ISO instants) appears as consecutive edges. */
export function expectRun(edges: readonly number[], run: readonly string[]) {
  const at = edges.indexOf(t(run[0] ?? ''));
  expect(at, `edge ${run[0]}`).toBeGreaterThanOrEqual(0);
  expect(edges.slice(at, at + run.length)).toEqual(run.map(t));
}
