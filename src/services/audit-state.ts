import { sql } from 'kysely';
import { checkFingerprint, checkKeyFingerprint, type AuditKeyring, type Signature } from '../domain/audit-signing.js';
import type { AuditRowForVerify } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import type { AuditProblem } from './audit-verify.js';

// What the trail says the audited rows should be, compared with what the tables hold: a filing
// moved, a violation dismissed or a key planted in its table, behind the trail's back, is named.

interface FilingClaim {
  uscc: string;
  /** when it was filed (the event's time, in microseconds) */
  atUs: string;
  agencyId: string | null;
  verifyCode: string | null;
  itemCodes: string[] | null;
  inspectorIds: string[] | null;
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
  regions: string[] | null;
  expiresAt: number | null | undefined;
  revoked: boolean;
}
interface EnterpriseClaim {
  name: string | null;
  region: string | null;
  riskClass: string | null | undefined;
  noDisturb: boolean | undefined;
}
interface InspectorClaim {
  agencyId: string;
  name: string | null;
  validUntil: string | null;
  credential: Signature | null;
  revoked: boolean;
}
interface AgencyClaim {
  code: string | null;
  name: string | null;
  region: string | null;
  active: boolean;
  /** printed on its notices (migration 0021): none until given at creation or changed */
  address: string | null;
  phone: string | null;
}

interface AccountClaim {
  login: string | null;
  keyId: string | null;
  /** null: no password set by the trail */
  password: Signature | null;
  /** null: no code issued, or the last one spent */
  code: Signature | null;
}

export interface ExpectedState {
  add(row: AuditRowForVerify): void;
  filings: Map<string, FilingClaim>;
  violations: Map<string, string>;
  keys: Map<string, KeyClaim>;
  draws: Map<string, { planId: string; seedHash: string }>;
  enterprises: Map<string, EnterpriseClaim>;
  inspectors: Map<string, InspectorClaim>;
  agencies: Map<string, AgencyClaim>;
  accounts: Map<string, AccountClaim>;
}

type Json = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const texts = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null);
const signature = (v: unknown): Signature | null => {
  const s = v as Partial<Signature> | null | undefined;
  return typeof s?.keyId === 'string' && typeof s.signature === 'string' ? { keyId: s.keyId, signature: s.signature } : null;
};
const instant = (v: unknown): number | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? null : t;
};

export function expectedStateFrom(): ExpectedState {
  const filings = new Map<string, FilingClaim>();
  const violations = new Map<string, string>();
  const keys = new Map<string, KeyClaim>();
  const draws = new Map<string, { planId: string; seedHash: string }>();
  const enterprises = new Map<string, EnterpriseClaim>();
  const inspectors = new Map<string, InspectorClaim>();
  const agencies = new Map<string, AgencyClaim>();
  const accounts = new Map<string, AccountClaim>();
  const payload = (row: AuditRowForVerify) => JSON.parse(row.payload_text) as Json;
  return {
    filings,
    violations,
    keys,
    draws,
    enterprises,
    inspectors,
    agencies,
    accounts,
    add(row) {
      const id = row.entity_id;
      switch (row.action) {
        case 'filing.filed': {
          const p = payload(row);
          const body = (p.body ?? {}) as Json;
          filings.set(id, {
            uscc: row.chain.replace(/^enterprise:/, ''),
            atUs: row.at_us,
            agencyId: text(p.agencyId),
            verifyCode: text(p.verifyCode),
            itemCodes: texts(body.itemCodes),
            inspectorIds: texts(body.inspectorIds),
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
          keys.set(id, {
            fingerprint: signature(p.fingerprint),
            role: text(p.role) ?? '',
            agencyId: text(p.agencyId),
            uscc: text(p.uscc),
            regions: texts(p.regions),
            expiresAt: p.expiresAt === undefined ? undefined : instant(p.expiresAt),
            revoked: false,
          });
          return;
        }
        case 'account.created': {
          const p = payload(row);
          accounts.set(id, { login: text(p.login), keyId: text(p.keyId), password: null, code: null });
          return;
        }
        case 'account.activation_issued': {
          const a = accounts.get(id);
          const p = payload(row);
          if (!a) return;
          // a new key after a revocation clears the password (accounts-repo setActivationCode)
          if (text(p.keyId) !== a.keyId) a.password = null;
          a.keyId = text(p.keyId);
          a.code = signature(p.codeFingerprint);
          return;
        }
        case 'account.password_set': {
          const a = accounts.get(id);
          if (!a) return;
          a.password = signature(payload(row).passwordFingerprint);
          a.code = null;
          return;
        }
        case 'key.revoked': {
          const k = keys.get(id);
          if (k) k.revoked = true;
          return;
        }
        case 'enterprise.registered': {
          const p = payload(row);
          enterprises.set(id, {
            name: text(p.name),
            region: text(p.region),
            riskClass: p.riskClass === undefined ? undefined : text(p.riskClass),
            noDisturb: typeof p.noDisturb === 'boolean' ? p.noDisturb : undefined,
          });
          return;
        }
        case 'enterprise.updated': {
          const e = enterprises.get(id);
          if (!e) return;
          const p = payload(row) as Record<string, { to?: unknown } | undefined>;
          if (p.name) e.name = text(p.name.to);
          if (p.region) e.region = text(p.region.to);
          if (p.riskClass) e.riskClass = text(p.riskClass.to);
          if (p.noDisturb && typeof p.noDisturb.to === 'boolean') e.noDisturb = p.noDisturb.to;
          return;
        }
        case 'inspector.added': {
          const p = payload(row);
          inspectors.set(id, {
            agencyId: row.chain.replace(/^agency:/, ''),
            name: text(p.name),
            validUntil: text(p.validUntil),
            credential: signature(p.credential),
            revoked: false,
          });
          return;
        }
        case 'inspector.revoked': {
          const i = inspectors.get(id);
          // a revocation also ends the credential the day before: its date is the register's now
          if (i) Object.assign(i, { revoked: true, validUntil: null });
          return;
        }
        case 'agency.created': {
          const p = payload(row);
          agencies.set(id, {
            code: text(p.code),
            name: text(p.name),
            region: text(p.region),
            active: true,
            address: text(p.address),
            phone: text(p.phone),
          });
          return;
        }
        case 'agency.contact_changed': {
          const a = agencies.get(id);
          if (!a) return;
          const p = payload(row) as Record<string, { to?: unknown } | undefined>;
          if (p.address) a.address = text(p.address.to);
          if (p.phone) a.phone = text(p.phone.to);
          return;
        }
        case 'agency.activated':
        case 'agency.deactivated': {
          const a = agencies.get(id);
          if (a) a.active = row.action === 'agency.activated';
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

const sameList = (a: readonly string[] | null, b: readonly string[]) => a === null || a.join('\n') === b.join('\n');
const sameSet = (a: readonly string[] | null, b: readonly string[]) => a === null || [...a].sort().join('\n') === [...b].sort().join('\n');

export async function stateProblems(db: Db, ring: AuditKeyring, expected: ExpectedState): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const state = (entity: string, reason: string) => problems.push({ kind: 'state', entity, reason });
  const changed = (entity: string, name: string, differs: string[]) => {
    if (differs.length) state(entity, `${name} was changed behind the trail's back: ${differs.join('; ')}`);
  };
  /** what the trail knows of and the table no longer holds */
  const deleted = (what: string, entity: string, ids: Iterable<string>, seen: Set<string>) => {
    for (const id of ids)
      if (!seen.has(id)) state(`${entity}:${id}`, `${what} ${id} is on the trail but gone from its table: it was deleted`);
  };

  // keys first: a planted key is the change that matters most
  const seenKeys = new Set<string>();
  for await (const k of pages((after) =>
    db
      .selectFrom('api_keys')
      .select(['id', 'key_hash', 'role', 'agency_id', 'uscc', 'regions', 'email', 'expires_at', 'revoked_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    seenKeys.add(k.id);
    const e = expected.keys.get(k.id);
    if (!e) {
      state(`api_key:${k.id}`, `API key ${k.id} (${k.role}) has no key.created event: it was planted in the database`);
      continue;
    }
    const differs: string[] = [];
    if (e.role !== k.role) differs.push(`role ${k.role}, the trail says ${e.role}`);
    if ((e.agencyId ?? null) !== (k.agency_id ?? null)) differs.push(`agency ${k.agency_id}, the trail says ${e.agencyId}`);
    if ((e.uscc ?? null) !== (k.uscc ?? null)) differs.push(`enterprise ${k.uscc}, the trail says ${e.uscc}`);
    if (!sameSet(e.regions, k.regions))
      differs.push(`regions ${k.regions.join(',') || '(all)'}, the trail says ${e.regions?.join(',') || '(all)'}`);
    if (e.expiresAt !== undefined && e.expiresAt !== (k.expires_at?.getTime() ?? null))
      differs.push(
        `expiry ${k.expires_at?.toISOString() ?? 'none'}, the trail says ${e.expiresAt ? new Date(e.expiresAt).toISOString() : 'none'}`,
      );
    const fp = e.fingerprint ? checkKeyFingerprint(ring, e.fingerprint, k.key_hash) : 'ok';
    if (fp === 'bad') differs.push('its secret was replaced');
    if (fp === 'unknown_key')
      differs.push(`its secret's fingerprint is signed with key ${e.fingerprint?.keyId}, which is not this audit key nor a retired one`);
    if (e.revoked !== (k.revoked_at !== null))
      differs.push(e.revoked ? 'revoked by the trail, active in the table' : 'revoked without an event');
    changed(`api_key:${k.id}`, `API key ${k.id}`, differs);
  }
  deleted('API key', 'api_key', expected.keys.keys(), seenKeys);

  // accounts next: a password or activation code swapped in the table signs someone in as the enterprise
  const seenAccounts = new Set<string>();
  for await (const a of pages((after) =>
    db
      .selectFrom('accounts')
      .select(['id', 'login', 'key_id', 'password_hash', 'code_hash', 'code_spent_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    seenAccounts.add(a.id);
    const e = expected.accounts.get(a.id);
    if (!e) {
      state(`account:${a.id}`, `account ${a.id} (${a.login}) has no account.created event: it was planted in the database`);
      continue;
    }
    const differs: string[] = [];
    if (e.login !== a.login) differs.push(`login ${a.login}, the trail says ${e.login}`);
    if (e.keyId !== a.key_id) differs.push(`key ${a.key_id}, the trail says ${e.keyId}`);
    const secret = (what: string, fp: Signature | null, purpose: string, value: string | null) => {
      if (value === null) return;
      if (!fp) return differs.push(`${what} set without an event`);
      const check = checkFingerprint(ring, fp, purpose, value);
      if (check === 'bad') differs.push(`its ${what} was replaced`);
      if (check === 'unknown_key')
        differs.push(`its ${what}'s fingerprint is signed with key ${fp.keyId}, which is not this audit key nor a retired one`);
    };
    secret('password', e.password, 'account password', a.password_hash);
    secret('activation code', e.code, 'activation code', a.code_spent_at === null ? a.code_hash : null);
    changed(`account:${a.id}`, `account ${a.id}`, differs);
  }
  deleted('account', 'account', expected.accounts.keys(), seenAccounts);

  const seenFilings = new Set<string>();
  for await (const f of pages((after) =>
    db
      .selectFrom('filings')
      .select([
        'id',
        'filing_no',
        'enterprise_uscc',
        'agency_id',
        'verify_code',
        'type',
        'status',
        'planned_start',
        'planned_end',
        'item_codes',
        'inspector_ids',
        sql<string>`floor(extract(epoch from filed_at) * 1000000)::bigint::text`.as('filed_us'),
      ])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    seenFilings.add(f.id);
    const e = expected.filings.get(f.id);
    const name = `filing ${f.filing_no} (${f.id})`;
    if (!e) {
      state(`filing:${f.id}`, `${name} has no filing.filed event: it was written behind the trail's back`);
      continue;
    }
    const differs: string[] = [];
    if (e.uscc !== f.enterprise_uscc) differs.push(`enterprise ${f.enterprise_uscc}, the trail says ${e.uscc}`);
    if (e.agencyId !== null && e.agencyId !== f.agency_id) differs.push(`agency ${f.agency_id}, the trail says ${e.agencyId}`);
    if (e.verifyCode !== null && e.verifyCode !== f.verify_code) differs.push('its verification code');
    if (e.atUs !== f.filed_us) differs.push('the time it was filed');
    if (e.plannedStart !== null && e.plannedStart !== f.planned_start.getTime())
      differs.push(`planned start ${f.planned_start.toISOString()}, the trail says ${new Date(e.plannedStart).toISOString()}`);
    if (e.plannedEnd !== null && e.plannedEnd !== f.planned_end.getTime())
      differs.push(`planned end ${f.planned_end.toISOString()}, the trail says ${new Date(e.plannedEnd).toISOString()}`);
    if (e.type !== null && e.type !== f.type) differs.push(`type ${f.type}, the trail says ${e.type}`);
    if (!sameList(e.itemCodes, f.item_codes)) differs.push(`items ${f.item_codes.join(',')}, the trail says ${e.itemCodes?.join(',')}`);
    if (!sameList(e.inspectorIds, f.inspector_ids)) differs.push('its officers');
    if (e.status !== f.status) differs.push(`status ${f.status}, the trail says ${e.status}`);
    changed(`filing:${f.id}`, name, differs);
  }
  deleted('filing', 'filing', expected.filings.keys(), seenFilings);

  const seenViolations = new Set<string>();
  for await (const v of pages((after) =>
    db.selectFrom('violations').select(['id', 'status']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
  )) {
    seenViolations.add(v.id);
    // a violation a filing or an arrival raised has no event of its own until its status changes
    const want = expected.violations.get(v.id) ?? 'open';
    if (want !== v.status)
      state(`violation:${v.id}`, `violation ${v.id} is "${v.status}", the trail says "${want}": it was changed behind the trail's back`);
  }
  deleted('violation', 'violation', expected.violations.keys(), seenViolations);

  const seenDraws = new Set<string>();
  for await (const d of pages((after) =>
    db.selectFrom('draws').select(['id', 'plan_id', 'seed_hash']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
  )) {
    seenDraws.add(d.id);
    const e = expected.draws.get(d.id);
    if (!e) state(`draw:${d.id}`, `draw ${d.id} has no draw.made event: it was written behind the trail's back`);
    else if (e.planId !== d.plan_id || e.seedHash !== d.seed_hash)
      state(`draw:${d.id}`, `draw ${d.id} differs from its draw.made event (plan or seed hash): it was changed behind the trail's back`);
  }
  deleted('draw', 'draw', expected.draws.keys(), seenDraws);

  // the registers: rows added by a bulk import have one event for the import, so only rows with
  // events of their own are compared (and missed when deleted)
  const seenEnterprises = new Set<string>();
  for await (const e of pages((after) =>
    db
      .selectFrom('enterprises')
      .select(['uscc as id', 'name', 'region', 'risk_class', 'no_disturb'])
      .where('uscc', '>', after)
      .orderBy('uscc')
      .limit(PAGE)
      .execute(),
  )) {
    seenEnterprises.add(e.id);
    const c = expected.enterprises.get(e.id);
    if (!c) continue;
    const differs: string[] = [];
    if (c.name !== null && c.name !== e.name) differs.push(`name "${e.name}", the trail says "${c.name}"`);
    if (c.region !== null && c.region !== e.region) differs.push(`region ${e.region}, the trail says ${c.region}`);
    if (c.riskClass !== undefined && c.riskClass !== e.risk_class)
      differs.push(`risk class ${e.risk_class}, the trail says ${c.riskClass}`);
    if (c.noDisturb !== undefined && c.noDisturb !== e.no_disturb)
      differs.push(`no-disturb ${e.no_disturb}, the trail says ${c.noDisturb}`);
    changed(`enterprise:${e.id}`, `enterprise ${e.id}`, differs);
  }
  deleted('enterprise', 'enterprise', expected.enterprises.keys(), seenEnterprises);

  const seenInspectors = new Set<string>();
  for await (const i of pages((after) =>
    db
      .selectFrom('inspectors')
      .select(['id', 'agency_id', 'name', 'credential_no', sql<string>`to_char(valid_until, 'YYYY-MM-DD')`.as('valid_until'), 'revoked_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    seenInspectors.add(i.id);
    const c = expected.inspectors.get(i.id);
    if (!c) continue;
    const differs: string[] = [];
    if (c.agencyId !== i.agency_id) differs.push(`agency ${i.agency_id}, the trail says ${c.agencyId}`);
    if (c.name !== null && c.name !== i.name) differs.push(`name "${i.name}", the trail says "${c.name}"`);
    if (c.validUntil !== null && c.validUntil !== i.valid_until)
      differs.push(`valid until ${i.valid_until}, the trail says ${c.validUntil}`);
    if (c.credential && checkFingerprint(ring, c.credential, 'credential', i.credential_no) !== 'ok') differs.push('its credential number');
    if (c.revoked !== (i.revoked_at !== null))
      differs.push(c.revoked ? 'revoked by the trail, valid in the table' : 'revoked without an event');
    changed(`inspector:${i.id}`, `inspector ${i.id}`, differs);
  }
  deleted('inspector', 'inspector', expected.inspectors.keys(), seenInspectors);

  const seenAgencies = new Set<string>();
  for await (const a of pages((after) =>
    db
      .selectFrom('agencies')
      .select(['id', 'code', 'name', 'region', 'active', 'address', 'phone'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute(),
  )) {
    seenAgencies.add(a.id);
    const c = expected.agencies.get(a.id);
    if (!c) continue;
    const differs: string[] = [];
    if (c.code !== null && c.code !== a.code) differs.push(`code ${a.code}, the trail says ${c.code}`);
    if (c.name !== null && c.name !== a.name) differs.push(`name "${a.name}", the trail says "${c.name}"`);
    if (c.region !== null && c.region !== a.region) differs.push(`region ${a.region}, the trail says ${c.region}`);
    if (c.active !== a.active) differs.push(a.active ? 'active, the trail says deactivated' : 'deactivated without an event');
    if (c.address !== a.address) differs.push(`address "${a.address ?? ''}", the trail says "${c.address ?? ''}"`);
    if (c.phone !== a.phone) differs.push(`phone "${a.phone ?? ''}", the trail says "${c.phone ?? ''}"`);
    changed(`agency:${a.id}`, `agency ${a.id}`, differs);
  }
  deleted('agency', 'agency', expected.agencies.keys(), seenAgencies);
  return problems;
}
