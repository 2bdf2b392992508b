import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { newId } from '../../src/domain/codes.js';
import { makeUscc, USCC_ALPHABET } from '../../src/domain/uscc.js';
import { hashKey } from '../../src/services/keys.js';
import type { Db } from '../../src/store/db.js';

// A realistic registry loaded in bulk, straight into the tables the service uses: a county's
// agencies with published items and certified inspectors, and tens of thousands of enterprises.

const HOUR = 3_600_000;

/**
 * New filings over the registry, round robin over agencies and enterprises, two days ahead and
 * eight hours long, passing every default rule until an enterprise's cap is reached.
 */
export function filingMaker(reg: BenchRegistry, extra: Record<string, unknown> = {}): () => { key: string; body: string } {
  let n = 0;
  return () => {
    const agency = reg.agencies[n % reg.agencies.length]!;
    const uscc = reg.usccs[n % reg.usccs.length]!;
    const start = new Date(Date.now() + 48 * HOUR + (n % 1000) * 60_000);
    n++;
    return {
      key: agency.key,
      body: JSON.stringify({
        enterpriseUscc: uscc,
        type: 'routine',
        itemCodes: [agency.itemCodes[n % agency.itemCodes.length]],
        inspectorIds: [agency.inspectorIds[n % 10], agency.inspectorIds[(n + 1) % 10]],
        plannedStart: start.toISOString(),
        plannedEnd: new Date(start.getTime() + 8 * HOUR).toISOString(),
        ...extra,
      }),
    };
  };
}

export interface BenchRegistry {
  adminKey: string;
  agencies: { id: string; key: string; inspectorIds: string[]; itemCodes: string[] }[];
  usccs: string[];
}

const REGIONS = ['211221', '211223', '211224', '211281', '211282', '211202', '211204'];

export async function loadRegistry(db: Db, enterprises: number): Promise<BenchRegistry> {
  const adminKey = `bench_admin_${randomBytes(12).toString('hex')}`;
  await db
    .insertInto('api_keys')
    .values({ id: newId('key'), key_hash: hashKey(adminKey), role: 'admin', name: 'bench admin', agency_id: null, uscc: null, regions: [] })
    .execute();
  const agencies: BenchRegistry['agencies'] = [];
  for (let a = 0; a < 8; a++) {
    const id = newId('ag');
    const itemCodes = Array.from({ length: 12 }, (_, i) => `B${a}-${String(i).padStart(3, '0')}`);
    await db
      .insertInto('agencies')
      .values({
        id,
        code: `BENCH-${a}-${randomBytes(3).toString('hex')}`,
        name: `基准执法局 ${a}`,
        region: '211200', // the city (Tieling): its jurisdiction covers every county of the bench's enterprises
      })
      .execute();
    await db
      .insertInto('agency_item_records')
      .values(itemCodes.map((code) => ({ agency_id: id, code, name: `事项 ${code}`, basis: '依据' })))
      .execute();
    const inspectorIds = Array.from({ length: 10 }, () => newId('insp'));
    await db
      .insertInto('inspectors')
      .values(
        inspectorIds.map((iid, i) => ({
          id: iid,
          agency_id: id,
          name: `执法员${i}`,
          credential_no: `LN${a}${randomBytes(5).toString('hex')}`,
          valid_until: '2099-12-31',
        })),
      )
      .execute();
    const key = `bench_agency_${randomBytes(12).toString('hex')}`;
    await db
      .insertInto('api_keys')
      .values({ id: newId('key'), key_hash: hashKey(key), role: 'agency', name: `bench ${a}`, agency_id: id, uscc: null, regions: [] })
      .execute();
    agencies.push({ id, key, inspectorIds, itemCodes });
  }
  const usccs: string[] = [];
  const batch = 2000;
  for (let done = 0; done < enterprises; done += batch) {
    const rows = [];
    for (let i = done; i < Math.min(enterprises, done + batch); i++) {
      const region = REGIONS[i % REGIONS.length] as string;
      const body = Array.from(randomBytes(9), (b) => USCC_ALPHABET[b % 31]).join('');
      const uscc = makeUscc('91', region, body);
      usccs.push(uscc);
      rows.push({
        uscc,
        name: `企业${i}`,
        region,
        industry: '制造业',
        risk_class: (['A', 'B', 'C', 'D'] as const)[i % 4] ?? null,
        no_disturb: false,
      });
    }
    await db
      .insertInto('enterprises')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await sql`analyze`.execute(db);
  return { adminKey, agencies, usccs };
}
