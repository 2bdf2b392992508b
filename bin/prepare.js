// `npm ci` runs this (the prepare script): it builds dist/ when the compiler is installed. A
// production install (`npm ci --omit=dev` in a copy that carries its build) has no compiler, and
// keeps the dist/ it was given instead of deleting it on the way to a build that cannot run.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  console.error('prepare: TypeScript is not installed (a production install): dist/ is kept as it is');
  process.exit(0);
}
execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { stdio: 'inherit' });
