#!/usr/bin/env node
// The command line, compiled (`npm run cli -- …`); `npm run cli:dev -- …` runs its sources through tsx.
import { requireFreshBuild } from './built.js';

requireFreshBuild('cli.js');
await import('../dist/cli.js');
