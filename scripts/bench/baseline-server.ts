// The baseline: a bare Express JSON route, same Express, same machine, same load generator.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/baseline', (_req, res) => {
  res.json({ valid: true, filing: { filingNo: '211223-2026-0000001', status: 'filed' } });
});
const server = app.listen(Number(process.env.PORT ?? 3900), () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
