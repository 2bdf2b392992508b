import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Prometheus metrics of one runtime, in a registry of its own (a test process runs several).
export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    http: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    filings: new Counter({
      name: 'filings_total',
      help: 'filing decisions by outcome (allow, warn, block)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ruleEvaluation: new Histogram({
      name: 'rule_evaluation_seconds',
      help: 'time to evaluate the active rule sets for one filing',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'job_runs_total',
      help: 'job runs by job and outcome (succeeded, failed, skipped: the period had run)',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'job_run_duration_seconds',
      help: 'job run time by job',
      labelNames: ['job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 120],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'digest_deliveries_total',
      help: 'digest and urgent-violation deliveries by channel (mail, webhook, dingtalk, wecom) and outcome (sent, failed)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    reads: new Counter({
      name: 'replica_reads_total',
      help:
        'reads that decide nothing (scans), with DATABASE_READ_URL or several hosts set, by where they were answered: standby, ' +
        'primary (the standby had not replayed the change yet), standby_primary_down (no primary answered: marked possibly behind)',
      labelNames: ['from'],
      registers: [registry],
    }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
