import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Temp folders a test makes are removed after the run (the root afterAll hook), whatever the
// outcome, so that no run leaves rules-* or data-* folders behind.
const made: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ifl-${prefix}-`));
  made.push(dir);
  return dir;
}

/** A path in a fresh temp folder that does not exist yet (e.g. a DATA_DIR a process creates). */
export async function tempPath(prefix: string, name: string): Promise<string> {
  return join(await tempDir(prefix), name);
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}
