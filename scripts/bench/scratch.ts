import pg from 'pg';

/**
 * A schema of its own in the database at `databaseUrl`, for one bench run, dropped afterwards:
 * every run starts from the same empty database (filings left by earlier runs would make each
 * run slower than the last, and the baseline's table starts empty), and nothing of the bench is
 * left behind. Needs the CREATE privilege on the database, which its owner has.
 */
export async function scratchSchema(databaseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } catch (err) {
    await client.end();
    throw new Error(`the bench needs a schema of its own in that database (create schema ${schema}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      try {
        await client.query(`drop schema ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
