// The baselines: bare Express routes, same Express, same machine, same load generator.
// - GET /baseline answers a small JSON object: what any route costs before it does anything;
// - GET /baseline/answer answers the bytes and headers posted to /baseline/sample (a scan's real
//   answer): what Express costs to send that answer, before anything decides what it says;
// - POST /baseline/insert parses the same JSON body as a filing and stores it with one durable
//   INSERT, on the same database and pool size as the service (PostgreSQL at DATABASE_URL, or
//   an embedded database of its own in BASELINE_DATA_DIR): what any route that must write costs.
import { sql } from 'kysely';
import express from 'express';
import { openStore } from '../../src/store/db.js';

const store = await openStore({
  databaseUrl: process.env.DATABASE_URL || null,
  dataDir: process.env.BASELINE_DATA_DIR ?? 'memory://',
  poolSize: Number(process.env.PG_POOL_SIZE ?? 20),
});
await sql`
  create table if not exists bench_baseline_inserts (
    id bigserial primary key, body jsonb not null, created_at timestamptz not null default now()
  )`.execute(store.db);

const app = express();
app.disable('x-powered-by');
app.get('/baseline', (_req, res) => {
  res.json({ valid: true, filing: { filingNo: '211223-2026-0000001', status: 'filed' } });
});
let sample: { headers: Record<string, string>; body: string } = { headers: {}, body: '' };
app.post('/baseline/sample', express.json({ limit: '100kb' }), (req, res) => {
  sample = req.body as typeof sample;
  res.sendStatus(204);
});
app.get('/baseline/answer', (_req, res) => {
  res.set(sample.headers).send(sample.body);
});
app.post('/baseline/insert', express.json({ limit: '100kb' }), async (req, res) => {
  const row = await sql<{
    id: string;
  }>`insert into bench_baseline_inserts (body) values (${JSON.stringify(req.body)}) returning id`.execute(store.db);
  res.status(201).json({ id: row.rows[0]?.id });
});
const server = app.listen(Number(process.env.PORT ?? 3900), () => process.send?.('ready'));
process.on('SIGTERM', () =>
  server.close(() => {
    void sql`drop table if exists bench_baseline_inserts`
      .execute(store.db)
      .then(() => store.close())
      .then(() => process.exit(0));
  }),
);
