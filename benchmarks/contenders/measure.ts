/** What every listing contender prints (one JSON line). */
export interface ListingResult {
  records: number;
  requests: number;
  ms: number;
  firstMs: number;
  peakRssMB: number;
}

/** Settings every contender reads from its environment. */
export const env = {
  baseUrl: process.env.BENCH_BASE_URL ?? '',
  apiKey: process.env.BENCH_API_KEY ?? 'emulatorkey',
  records: Number(process.env.BENCH_RECORDS ?? 0),
  perPage: Number(process.env.BENCH_PER_PAGE ?? 1000),
};

/** Times a listing run and prints its result; fails when the record count is not the expected one. */
export async function measure(run: (onRecord: () => void) => Promise<number>): Promise<void> {
  const t0 = performance.now();
  let firstMs = -1;
  let records = 0;
  const requests = await run(() => {
    if (records++ === 0) firstMs = performance.now() - t0;
  });
  const ms = performance.now() - t0;
  if (records !== env.records) throw new Error(`expected ${env.records} records, got ${records}`);
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const result: ListingResult = { records, requests, ms: Math.round(ms), firstMs: Math.round(firstMs), peakRssMB };
  console.log(JSON.stringify(result));
}
