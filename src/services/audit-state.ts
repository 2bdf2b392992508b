import { checkKeyFingerprint, type AuditKeyring, type Signature } from '../domain/audit-signing.js';
import type { AuditRowForVerify } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import type { AuditProblem } from './audit-verify.js';

// What the trail says the audited rows should be, compared with what the tables hold: a filing
// moved, a violation dismissed or a key planted in its table, behind the trail's back, is named.

interface FilingClaim {
  uscc: string;
  plannedStart: number | null;
  plannedEnd: number | null;
  type: string | null;
  status: string;
}
interface KeyClaim {
  /** keys made before fingerprints were recorded have none */
  fingerprint: Signature | null;
  role: string;
  agencyId: string | null;
  uscc: string | null;
  revoked: boolean;
}

export interface ExpectedState {
  add(row: AuditRowForVerify): void;
  filings: Map<string, FilingClaim>;
  violations: Map<string, string>;
  keys: Map<string, KeyClaim>;
  draws: Map<string, { planId: string; seedHash: string }>;
}

type Json = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const instant = (v: unknown): number | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? null : t;
};

export function expectedStateFrom(): ExpectedState {
  const filings = new Map<string, FilingClaim>();
  const violations = new Map<string, string>();
  const keys = new Map<string, KeyClaim>();
  const draws = new Map<string, { planId: string; seedHash: string }>();
  const payload = (row: AuditRowForVerify) => JSON.parse(row.payload_text) as Json;
  return {
    filings,
    violations,
    keys,
    draws,
    add(row) {
      const id = row.entity_id;
      switch (row.action) {
        case 'filing.filed': {
          const body = (payload(row).body ?? {}) as Json;
          filings.set(id, {
            uscc: row.chain.replace(/^enterprise:/, ''),
            plannedStart: instant(body.plannedStart),
            plannedEnd: instant(body.plannedEnd),
            type: text(body.type),
            status: 'filed',
          });
          return;
        }
        case 'filing.arrived': {
          const f = filings.get(id);
          if (f?.status === 'filed') f.status = 'in_progress';
          return;
        }
        case 'filing.completed':
        case 'filing.cancelled': {
          const f = filings.get(id);
          if (f) f.status = row.action === 'filing.completed' ? 'completed' : 'cancelled';
          return;
        }
        case 'violation.raised':
        case 'violation.reported':
          if (!violations.has(id)) violations.set(id, 'open');
          return;
        case 'violation.status_changed': {
          const to = text(payload(row).to);
          if (to) violations.set(id, to);
          return;
        }
        case 'key.created': {
          const p = payload(row);
          const fp = p.fingerprint as Partial<Signature> | undefined;
          keys.set(id, {
            fingerprint:
              typeof fp?.keyId === 'string' && typeof fp.signature === 'string' ? { keyId: fp.keyId, signature: fp.signature } : null,
            role: text(p.role) ?? '',
            agencyId: text(p.agencyId),
            uscc: text(p.uscc),
            revoked: false,
          });
          return;
        }
        case 'key.revoked': {
          const k = keys.get(id);
          if (k) k.revoked = true;
          return;
        }
        case 'draw.committed':
        case 'draw.made': {
          const p = payload(row);
          draws.set(id, { planId: text(p.planId) ?? '', seedHash: text(p.seedHash) ?? '' });
          return;
        }
      }
    },
  };
}

const PAGE = 5000;

/** Reads a table a page at a time, in id order, so that a large one is checked in bounded memory. */
async function* pages<T extends { id: string }>(read: (after: string) => Promise<T[]>): AsyncGenerator<T> {
  let after = '';
  for (;;) {
    const rows = await read(after);
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}

export async function stateProblems(db: Db, ring: AuditKeyring, expected: ExpectedState): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const state = (entity: string, reason: string) => problems.push({ kind: 'state', entity, reason });

  // keys first: a planted key is the change that matters most
  for await (const k of pages((after) =>
    db
      .selectFrom('api_keys')
      .select(['id', 'key_hash', 'role', 'agency_id', 'uscc', 'revoked_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    const e = expected.keys.get(k.id);
    if (!e) {
      state(`api_key:${k.id}`, `API key ${k.id} (${k.role}) has no key.created event: it was planted in the database`);
      continue;
    }
    const differs: string[] = [];
    if (e.role !== k.role) differs.push(`role ${k.role}, the trail says ${e.role}`);
    if ((e.agencyId ?? null) !== (k.agency_id ?? null)) differs.push(`agency ${k.agency_id}, the trail says ${e.agencyId}`);
    if ((e.uscc ?? null) !== (k.uscc ?? null)) differs.push(`enterprise ${k.uscc}, the trail says ${e.uscc}`);
    if (e.fingerprint && checkKeyFingerprint(ring, e.fingerprint, k.key_hash) !== 'ok') differs.push('its secret was replaced');
    if (e.revoked !== (k.revoked_at !== null))
      differs.push(e.revoked ? 'revoked by the trail, active in the table' : 'revoked without an event');
    if (differs.length) state(`api_key:${k.id}`, `API key ${k.id} was changed behind the trail's back: ${differs.join('; ')}`);
  }

  for await (const f of pages((after) =>
    db
      .selectFrom('filings')
      .select(['id', 'filing_no', 'enterprise_uscc', 'type', 'status', 'planned_start', 'planned_end'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    const e = expected.filings.get(f.id);
    const name = `filing ${f.filing_no} (${f.id})`;
    if (!e) {
      state(`filing:${f.id}`, `${name} has no filing.filed event: it was written behind the trail's back`);
      continue;
    }
    const differs: string[] = [];
    if (e.uscc !== f.enterprise_uscc) differs.push(`enterprise ${f.enterprise_uscc}, the trail says ${e.uscc}`);
    if (e.plannedStart !== null && e.plannedStart !== f.planned_start.getTime())
      differs.push(`planned start ${f.planned_start.toISOString()}, the trail says ${new Date(e.plannedStart).toISOString()}`);
    if (e.plannedEnd !== null && e.plannedEnd !== f.planned_end.getTime())
      differs.push(`planned end ${f.planned_end.toISOString()}, the trail says ${new Date(e.plannedEnd).toISOString()}`);
    if (e.type !== null && e.type !== f.type) differs.push(`type ${f.type}, the trail says ${e.type}`);
    if (e.status !== f.status) differs.push(`status ${f.status}, the trail says ${e.status}`);
    if (differs.length) state(`filing:${f.id}`, `${name} was changed behind the trail's back: ${differs.join('; ')}`);
  }

  for await (const v of pages((after) =>
    db.selectFrom('violations').select(['id', 'status']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
  )) {
    // a violation a filing or an arrival raised has no event of its own until its status changes
    const want = expected.violations.get(v.id) ?? 'open';
    if (want !== v.status)
      state(`violation:${v.id}`, `violation ${v.id} is "${v.status}", the trail says "${want}": it was changed behind the trail's back`);
  }

  for await (const d of pages((after) =>
    db.selectFrom('draws').select(['id', 'plan_id', 'seed_hash']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
  )) {
    const e = expected.draws.get(d.id);
    if (!e) state(`draw:${d.id}`, `draw ${d.id} has no draw.made event: it was written behind the trail's back`);
    else if (e.planId !== d.plan_id || e.seedHash !== d.seed_hash)
      state(`draw:${d.id}`, `draw ${d.id} differs from its draw.made event (plan or seed hash): it was changed behind the trail's back`);
  }
  return problems;
}
