// The compiled build that `npm start` and the command line run, checked before they load it.
// They never build it themselves: a read-only image, or several processes started at once, must
// both work. `npm ci` builds it (the prepare script); after changing anything under src/, run
// `npm run build` (or `npm run dev`, which runs the sources through tsx).
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Exits with a message saying what to do when dist/ is missing or older than src/. */
export function requireFreshBuild(entry) {
  const built = statSync(`${root}dist/${entry}`, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) {
    console.error(`dist/${entry} is missing: build it with "npm run build" (npm ci does this), or run the sources with "npm run dev"`);
    process.exit(1);
  }
  const sources = readdirSync(`${root}src`, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  // a build with a module missing fails later with a stack trace: say so now
  const missing = sources.find(
    (e) =>
      e.name.endsWith('.ts') &&
      !statSync(`${root}dist/${`${e.parentPath}/${e.name}`.slice(`${root}src/`.length).replace(/\.ts$/, '.js')}`, {
        throwIfNoEntry: false,
      }),
  );
  if (missing) {
    const file = `${missing.parentPath}/${missing.name}`.slice(root.length);
    console.error(`the build in dist/ lacks ${file}: run "npm run build" again`);
    process.exit(1);
  }
  const stale = sources.find((e) => statSync(`${e.parentPath}/${e.name}`).mtimeMs > built);
  if (stale) {
    const file = `${stale.parentPath}/${stale.name}`.slice(root.length);
    console.error(`${file} is newer than the build in dist/: run "npm run build" first, or run the sources with "npm run dev"`);
    process.exit(1);
  }
}
