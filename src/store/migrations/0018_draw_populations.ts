import { sql, type Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// A draw's recorded population is stored once per distinct text, keyed by its SHA-256, and a
// draw names it by that hash: a daily plan over an unchanged directory, or two agencies drawing
// from the same region, no longer store the same megabytes again with every draw. The check made
// when a draw is made (`verification`) is kept with it, so the public check of a draw is a read,
// not a re-run of the draw.
//
// Existing draws move their population text here under the hash of the text itself (not the hash
// the draw claims), so a population altered before this migration still fails its check.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table draw_populations (
      -- SHA-256 (hex) of population, as UTF-8
      hash text primary key,
      -- the exact JSON text of [[uscc, stratum], ...] sorted by uscc
      population text not null
    );
    alter table draws
      add column population_ref text references draw_populations(hash),
      add column verification jsonb;
    insert into draw_populations (hash, population)
      select distinct on (h) h, population
      from (select encode(sha256(convert_to(population, 'UTF8')), 'hex') as h, population from draws where population is not null) x
      order by h;
    update draws set population_ref = encode(sha256(convert_to(population, 'UTF8')), 'hex') where population is not null;
    alter table draws drop column population;
  `.execute(db);
  // the new table is audited: it refuses TRUNCATE like the others (functions.ts)
  await applyFunctions(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table draws add column population text;
    update draws d set population = p.population from draw_populations p where p.hash = d.population_ref;
    alter table draws drop column population_ref, drop column verification;
    drop table draw_populations;
  `.execute(db);
}
