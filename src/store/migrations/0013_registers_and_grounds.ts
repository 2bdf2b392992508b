import { sql, type Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// Issue 17 (loopholes, round two): the registers an agency does not keep.
// - the hotline platform's key (role `hotline`) registers complaint tickets;
// - an agency may belong to another (a bureau and its squad are one system for caps);
// - the grounds register: the tickets, referrals, leads and campaigns a visit outside the plan
//   rests on, each of which grounds at most max_visits filings per agency; a filing names the
//   ground it used (filed content: never changed afterwards);
// - filing_facts reads the grounds a filing cites and every agency's system.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table api_keys drop constraint api_keys_role_check;
    alter table api_keys add constraint api_keys_role_check check (role in ('admin', 'supervisor', 'agency', 'enterprise', 'hotline'));

    alter table agencies add column parent_agency_id text references agencies(id);
    create index agencies_parent on agencies (parent_agency_id) where parent_agency_id is not null;

    create table grounds (
      id text primary key,
      kind text not null check (kind in ('complaint', 'referral', 'monitoring', 'accident', 'assignment', 'campaign')),
      reference text not null check (length(reference) between 1 and 100),
      enterprise_uscc text references enterprises(uscc),
      region text,
      agency_ids text[] not null default '{}',
      level text check (level in ('higher', 'local')),
      title text,
      valid_from date not null,
      valid_to date not null,
      max_visits int not null default 1 check (max_visits between 1 and 100),
      status text not null check (status in ('verified', 'unverified', 'rejected')),
      status_note text,
      status_changed_at timestamptz,
      status_changed_by text,
      registered_by text not null,
      registered_role text not null,
      registered_at timestamptz not null,
      check ((kind = 'campaign') = (enterprise_uscc is null)),
      check ((kind = 'campaign') = (level is not null)),
      check ((enterprise_uscc is null) = (region is null)),
      check (valid_to >= valid_from)
    );
    create unique index grounds_once on grounds (kind, reference, coalesce(enterprise_uscc, ''));
    create index grounds_reference on grounds (reference);
    create index grounds_enterprise on grounds (enterprise_uscc, kind) where enterprise_uscc is not null;

    alter table filings add column ground_id text references grounds(id);
    create index filings_ground on filings (ground_id, agency_id) where ground_id is not null;
  `.execute(db);
  // filing_facts takes one more argument: the old signature goes, applyFunctions makes the new one
  await sql`drop function filing_facts(int[], text[], text[], text[], text[], text[], timestamptz[], timestamptz[],
    text[], text[], int)`.execute(db);
  await applyFunctions(db);
}

export async function down(): Promise<void> {
  // forward only, as every migration of this service
}
