import { benchPhases } from './filing-phases.js';
import { benchHttp } from './http.js';
import { benchJobs } from './jobs.js';
import { benchRules } from './rules.js';
import { benchScale } from './scale.js';
import { benchSoak } from './soak.js';
import { benchStartup } from './startup.js';

const benches: Record<string, (argv: string[]) => Promise<void>> = {
  http: benchHttp,
  jobs: benchJobs,
  phases: benchPhases,
  rules: benchRules,
  scale: benchScale,
  soak: benchSoak,
  startup: benchStartup,
};

const [name, ...rest] = process.argv.slice(2);
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
await bench(rest);
process.exit(0);
