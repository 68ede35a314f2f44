/** Placeholder until the revenue measurement is written. */
export async function measureRevenue(
  _contracts: number,
  _seed: number,
  _log: (msg: string) => void,
): Promise<number | null> {
  return null;
}
