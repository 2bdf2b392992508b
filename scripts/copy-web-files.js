// The pages' templates and static files are not TypeScript: the build copies them beside the
// compiled code that reads them (dist/web/views, dist/web/assets).
import { cpSync, rmSync } from 'node:fs';

for (const dir of ['views', 'assets']) {
  rmSync(`dist/web/${dir}`, { recursive: true, force: true });
  cpSync(`src/web/${dir}`, `dist/web/${dir}`, { recursive: true });
}
