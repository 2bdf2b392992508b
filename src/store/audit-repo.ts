import { sql, type RawBuilder } from 'kysely';
import type { HeadLine, RootFields, Signature } from '../domain/audit-signing.js';
import type { Db } from './db.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  chain: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
}

/**
 * The INSERT that appends events to hash chains, from a query `source` yielding the columns
 * chain, seq, at, actor, action, entity_type, entity_id, payload (jsonb) and prev_hash. The hash
 * covers the previous hash and every column, with the payload in jsonb's normalized text form, so
 * `audit verify` can recompute it from a plain SELECT. Callers hold the chains' locks (see
 * locks.ts); (chain, seq) is unique, so a caller that forgot fails loudly instead of forking.
 */
export function auditInsertFrom(source: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into audit_events (chain, seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash)
    select c.chain, c.seq, c.at, c.actor, c.action, c.entity_type, c.entity_id, c.payload, c.prev_hash,
      encode(sha256(convert_to(concat_ws(E'\n', c.prev_hash, c.chain, c.seq::text,
        floor(extract(epoch from c.at) * 1000000)::bigint::text, c.actor, c.action, c.entity_type, c.entity_id,
        c.payload::text), 'UTF8')), 'hex')
    from (${source}) c
    returning chain, seq, hash`;
}

/** The chain head to append after: joined laterally on a row's `chain`. */
export const chainHead = (chain: RawBuilder<unknown>) =>
  sql`left join lateral (select seq, hash from audit_events where chain = ${chain} order by seq desc limit 1) last on true`;
export const nextSeq = sql`coalesce(last.seq, 0) + 1`;
export const prevHash = sql`coalesce(last.hash, ${GENESIS_HASH})`;

/** One event; `payload` is a jsonb SQL expression. */
function auditInsert(e: Omit<AuditEntry, 'payload'>, payload: RawBuilder<unknown>): RawBuilder<unknown> {
  return auditInsertFrom(sql`
    select ${e.chain}::text as chain, ${nextSeq} as seq, ${e.at}::timestamptz as at, ${e.actor}::text as actor,
      ${e.action}::text as action, ${e.entityType}::text as entity_type, ${e.entityId}::text as entity_id,
      ${payload} as payload, ${prevHash} as prev_hash
    from (select 1) one ${chainHead(sql`${e.chain}`)}`);
}

export const jsonb = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** Appends one event and answers with the chain's new head. */
export async function appendAudit(trx: Db, e: AuditEntry): Promise<HeadLine> {
  const { rows } = await (auditInsert(e, jsonb(e.payload)) as RawBuilder<HeadLine>).execute(trx);
  return rows[0]!;
}

/**
 * Stores chains' new heads with their signatures. A head only moves forward: the caller holds
 * the chain's lock, and a head already further along (never, while locks hold) is kept.
 */
export async function storeSignedHeads(trx: Db, heads: (HeadLine & Signature)[]): Promise<void> {
  if (!heads.length) return;
  await sql`
    insert into audit_heads (chain, seq, hash, key_id, signature, signed_at)
    select x.chain, x.seq, x.hash, x."keyId", x.signature, now()
    from jsonb_to_recordset(${JSON.stringify(heads)}::jsonb) as x(chain text, seq integer, hash text, "keyId" text, signature text)
    on conflict (chain) do update set seq = excluded.seq, hash = excluded.hash, key_id = excluded.key_id,
      signature = excluded.signature, signed_at = excluded.signed_at
    where audit_heads.seq < excluded.seq`.execute(trx);
}

export interface StoredHead extends HeadLine, Signature {}

export async function allHeads(db: Db): Promise<StoredHead[]> {
  return db.selectFrom('audit_heads').select(['chain', 'seq', 'hash', 'key_id as keyId', 'signature']).execute();
}

export interface StoredRoot extends RootFields, Signature {
  root: string;
  createdAt: Date;
  changed: HeadLine[];
}

export async function allRoots(db: Db): Promise<StoredRoot[]> {
  const rows = await db
    .selectFrom('audit_roots')
    .selectAll()
    .select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'))
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    day: r.day,
    prevRoot: r.prev_root,
    headsDigest: r.heads_digest,
    chains: r.chains,
    events: r.events,
    changed: r.changed as HeadLine[],
    root: r.root,
    keyId: r.key_id,
    signature: r.signature,
    createdAt: r.created_at,
  }));
}

export async function insertRoot(trx: Db, r: Omit<StoredRoot, 'createdAt'>, at: Date): Promise<void> {
  await trx
    .insertInto('audit_roots')
    .values({
      seq: r.seq,
      day: r.day,
      created_at: at,
      prev_root: r.prevRoot,
      heads_digest: r.headsDigest,
      chains: r.chains,
      events: r.events,
      changed: JSON.stringify(r.changed),
      root: r.root,
      key_id: r.keyId,
      signature: r.signature,
    })
    .execute();
}

export interface AuditRowForVerify {
  id: number;
  chain: string;
  seq: number;
  at_us: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  payload_text: string;
  prev_hash: string;
  hash: string;
}

/** Reads the trail in chain order, a page at a time, so verification runs in bounded memory. */
export async function* auditRowsInChainOrder(db: Db, pageSize = 5000): AsyncGenerator<AuditRowForVerify> {
  let after: { chain: string; seq: number } | null = null;
  for (;;) {
    const cursor: { chain: string; seq: number } | null = after;
    const page: { rows: AuditRowForVerify[] } = await sql<AuditRowForVerify>`
      select id, chain, seq, floor(extract(epoch from at) * 1000000)::bigint::text as at_us, actor, action,
        entity_type, entity_id, payload::text as payload_text, prev_hash, hash
      from audit_events
      where ${cursor ? sql`(chain, seq) > (${cursor.chain}, ${cursor.seq})` : sql`true`}
      order by chain, seq
      limit ${pageSize}`.execute(db);
    for (const row of page.rows) yield row;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < pageSize) return;
    after = { chain: last.chain, seq: last.seq };
  }
}

/** The day's signed root as a digest publishes it, or null before the day is sealed. */
export async function rootOfDay(db: Db, day: string) {
  const r = await db
    .selectFrom('audit_roots')
    .select(['seq', sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'root', 'key_id as keyId', 'signature', 'chains', 'events'])
    .where('day', '=', day)
    .executeTakeFirst();
  return r ?? null;
}

/** The keys that signed the trail's heads and roots (their ids), newest use first. */
export async function signingKeyIds(db: Db): Promise<string[]> {
  const { rows } = await sql<{ key_id: string }>`
    select key_id from (
      select key_id, max(signed_at) as last from audit_heads group by key_id
      union all
      select key_id, max(created_at) from audit_roots group by key_id) k
    group by key_id order by max(last) desc`.execute(db);
  return rows.map((r) => r.key_id);
}
