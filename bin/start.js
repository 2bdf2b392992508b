#!/usr/bin/env node
// `npm start`: the compiled server (docs/performance.md: it starts faster and smaller than the
// sources through tsx). It runs the build as it is and refuses one older than src/.
import { requireFreshBuild } from './built.js';

requireFreshBuild('server.js');
await import('../dist/server.js');
