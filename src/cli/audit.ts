import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { AuditKeyError, loadAuditKeyring } from '../services/audit-keyring.js';
import { adoptUnsignedChains } from '../services/audit.js';
import { problemLines, verifyAuditTrail, type AuditVerification, type PublishedRoot } from '../services/audit-verify.js';
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
    .command('verify')
    .description(
      'check the trail without trusting the database: every hash, the signed chain heads and daily roots (AUDIT_KEY), ' +
        'and the filings, violations, keys and draws against their events',
    )
    .option('--against <digest.json>', "a digest as mailed or downloaded (its auditRoot): the database must still hold that day's root")
    .action(async (opts: { against?: string }) => {
      const against = opts.against ? await publishedRoot(io, opts.against) : undefined;
      const ring = io.runtime?.auditKeyring ?? keyringOrExit(io);
      const r = await withRuntime((rt) => verifyAuditTrail(rt.store.db, ring, against ? { against } : {}));
      report(io, r, against);
    });
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
  const root = rootInJson(text) ?? rootInMail(text);
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

/** The root's line in a mailed digest (text or HTML), as digest-render writes it. */
function rootInMail(text: string): PublishedRoot | null {
  const m =
    /audit root #(\d+) \((\d{4}-\d{2}-\d{2})\): ([0-9a-f]{64}) · (\d+) chains, (\d+) events · key ([0-9a-f]+) · signature ([0-9a-f]{64})/.exec(
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
