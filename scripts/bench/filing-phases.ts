// Sequential filings in-process against DATABASE_URL, with the time of each SQL statement, to see
// where a filing's latency goes without any concurrency. npm run bench -- phases
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startRuntime } from '../../src/runtime.js';
import type { Principal } from '../../src/domain/principal.js';
import { loadRegistry } from './registry.js';

export async function benchPhases(argv: string[]): Promise<void> {
  const n = Number(argv[argv.indexOf('--count') + 1] || 500);
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', SCHEDULER: 'off' });
  const timings = new Map<string, number[]>();
  let recording = false;
  const onQuery = (sql: string, ms: number) => {
    if (!recording) return;
    const key = sql.replace(/\s+/g, ' ').slice(0, 60);
    const list = timings.get(key) ?? [];
    list.push(ms);
    timings.set(key, list);
  };
  const rt = await startRuntime(config, pino({ level: 'silent' }), { onQuery });
  try {
    const reg = await loadRegistry(rt.store.db, 5000);
    const agency = reg.agencies[0]!;
    const principal: Principal = { keyId: 'bench', role: 'agency', name: 'b', agencyId: agency.id, uscc: null, regions: [] };
    const HOUR = 3_600_000;
    const body = (i: number) => ({
      enterpriseUscc: reg.usccs[i % reg.usccs.length]!,
      type: 'routine' as const,
      itemCodes: [agency.itemCodes[0]!],
      inspectorIds: agency.inspectorIds.slice(0, 2),
      plannedStart: new Date(Date.now() + 48 * HOUR).toISOString(),
      plannedEnd: new Date(Date.now() + 56 * HOUR).toISOString(),
    });
    for (let i = 0; i < 50; i++) await rt.services.filings.file(principal, body(i));
    recording = true;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await rt.services.filings.file(principal, body(i + 50));
    const total = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`${n} sequential filings: ${(total / n).toFixed(2)} ms each (${((n * 1000) / total).toFixed(0)}/s on one connection)`);
    recording = false;
    for (const [q, ms] of timings) {
      const sorted = [...ms].sort((a, b) => a - b);
      const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
      const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
      console.log(`${mean.toFixed(2).padStart(6)} ms mean  ${p50.toFixed(2).padStart(6)} ms p50  ${String(ms.length).padStart(5)}x  ${q}`);
    }
  } finally {
    await rt.close();
  }
}
