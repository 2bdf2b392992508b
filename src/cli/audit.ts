import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { AuditKeyError, loadAuditKeyring } from '../services/audit-keyring.js';
import { adoptUnsignedChains, resignHeads } from '../services/audit.js';
import { problemLines, verifyAuditTrail, type AuditVerification, type PublishedRoot } from '../services/audit-verify.js';
import { openStore, pendingMigrations, type Db } from '../store/db.js';
import { ExitCode, type Cli, type CliIo } from './shared.js';

export function registerAudit(program: Command, { io, withRuntime }: Cli): void {
  const audit = program.command('audit').description('audit trail');
  audit
    .command('adopt')
    .description('once, after upgrading to signed heads: sign the heads of chains written before, if their hashes hold')
    .action(async () => {
      const ring = io.runtime?.auditKeyring ?? keyringOrExit(io);
      const adopted = await withRuntime(async (rt) => {
        const r = await verifyAuditTrail(rt.store.db, ring);
        const links = r.problems.filter((p) => p.kind === 'chain');
        if (links.length) {
          for (const line of problemLines(links)) io.err(`  - ${line}`);
          io.err('chains whose hashes do not hold are not signed: find out what happened first');
          throw new ExitCode(1);
        }
        return adoptUnsignedChains(rt.store.db);
      });
      io.out(`signed the heads of ${adopted} chain(s) written before heads were signed`);
    });
  audit
    .command('rotate')
    .description(
      'after a key rotation (a new AUDIT_KEY, the old one retired): check the trail, then sign every head again with the new key',
    )
    .action(async () => {
      const ring = io.runtime?.auditKeyring ?? keyringOrExit(io);
      const signed = await withRuntime(async (rt) => {
        const r = await verifyAuditTrail(rt.store.db, ring, { retiredHeads: true });
        if (!r.ok) {
          for (const line of problemLines(r.problems)) io.err(`  - ${line}`);
          io.err('the trail does not hold: nothing was signed again; find out what happened first');
          throw new ExitCode(1);
        }
        return resignHeads(rt.store.db, ring);
      });
      io.out(`signed ${signed} chain head(s) again with audit key ${ring.current.id}; retired keys now check only what they signed before`);
    });
  audit
    .command('verify')
    .description(
      'check the trail without trusting the database: every hash, the signed chain heads and daily roots (AUDIT_KEY), ' +
        'and the filings, violations, keys and draws against their events',
    )
    .option('--against <digest.json>', "a digest as mailed or downloaded (its auditRoot): the database must still hold that day's root")
    .action(async (opts: { against?: string }) => {
      const against = opts.against ? await publishedRoot(io, opts.against) : undefined;
      const ring = io.runtime?.auditKeyring ?? keyringOrExit(io);
      const check = (db: Db) => verifyAuditTrail(db, ring, against ? { against } : {});
      // a check writes nothing: no migrations, no bootstrap key, no new database where none was
      const r = io.runtime ? await check(io.runtime.store.db) : await readOnly(io, check);
      report(io, r, against);
    });
}

/** The configured database as it is, for reading: refused when there is none, or when it is older than this version. */
async function readOnly<T>(io: CliIo, fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'PG_VERSION'))) {
    io.err(`no embedded database at ${resolve(config.dataDir)} (DATA_DIR): nothing to check`);
    throw new ExitCode(2);
  }
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const pending = await pendingMigrations(store.db);
    if (pending.length) {
      io.err(`the database is older than this version (${pending.length} migrations to apply): run \`migrate\` first, then check`);
      throw new ExitCode(2);
    }
    return await fn(store.db);
  } finally {
    await store.close();
  }
}

function keyringOrExit(io: CliIo) {
  try {
    return loadAuditKeyring(loadConfig(), { create: false });
  } catch (err) {
    if (!(err instanceof AuditKeyError)) throw err;
    io.err(`${err.message}; the trail cannot be checked without the key that signed it`);
    throw new ExitCode(2);
  }
}

/** A digest's JSON (GET /api/v1/digests/:date, or the mail's attachment), or a bare root. */
async function publishedRoot(io: CliIo, file: string): Promise<PublishedRoot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    io.err(`${file}: ${(err as Error).message}`);
    throw new ExitCode(2);
  }
  const root = rootInJson(text) ?? rootInMail(text) ?? rootInMail(quotedPrintable(text));
  if (!root) {
    io.err(`${file} holds no audit root (a digest's JSON with "auditRoot", or the mail with its "audit root #…" line)`);
    throw new ExitCode(2);
  }
  return root;
}

/** A digest's JSON (GET /api/v1/digests/:date), or a bare root. */
function rootInJson(text: string): PublishedRoot | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const holder = doc as { auditRoot?: unknown };
  const root = (holder.auditRoot ?? doc) as Partial<PublishedRoot>;
  return typeof root.seq === 'number' &&
    typeof root.root === 'string' &&
    typeof root.signature === 'string' &&
    typeof root.keyId === 'string'
    ? (root as PublishedRoot)
    : null;
}

/** A mail as a mailbox keeps it (.eml): quoted-printable soft breaks and escapes undone. */
const quotedPrintable = (text: string) =>
  Buffer.from(
    text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');

/** The root's line in a mailed digest (text or HTML), as digest-render writes it. */
function rootInMail(text: string): PublishedRoot | null {
  const m =
    /audit root #(\d+) \((\d{4}-\d{2}-\d{2})\): ([0-9a-f]{64})\D+?(\d+) chains, (\d+) events\D+?key ([0-9a-f]+)\D+?signature ([0-9a-f]{64})/.exec(
      text,
    );
  if (!m) return null;
  const [, seq, day, root, chains, events, keyId, signature] = m;
  return { seq: Number(seq), day: day!, root: root!, chains: Number(chains), events: Number(events), keyId: keyId!, signature: signature! };
}

function report(io: CliIo, r: AuditVerification, against: PublishedRoot | undefined): void {
  const matched = against ? `; the mailed root ${against.seq} (${against.day}) matches` : '';
  if (r.ok) {
    io.out(`audit trail intact: ${r.events} events in ${r.chains} chains, ${r.roots} signed daily roots${matched}`);
    return;
  }
  io.err(`audit trail BROKEN: ${r.problems.length === 10_000 ? 'at least 10,000' : r.problems.length} problem(s)`);
  for (const line of problemLines(r.problems)) io.err(`  - ${line}`);
  throw new ExitCode(1);
}
