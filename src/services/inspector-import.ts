import { createAjv } from '../domain/ajv.js';
import { maskCredential, newId, normalizeCredential } from '../domain/codes.js';
import { InspectorCreate, type InspectorCreateBody } from '../domain/schemas.js';
import { inspectorFieldNames as fieldNames } from '../domain/messages.js';
import { sql } from 'kysely';
import { said, shown, type ImportReason, type RegisterImport } from './register-import.js';

// `import inspectors FILE.csv`: the county's credential register (执法证, issued through the
// justice bureau), loaded by the bureau, never by the agencies whose officers it certifies.

type Column = 'agency' | 'name' | 'credentialNo' | 'validUntil';
export interface InspectorRow extends InspectorCreateBody {
  agencyCode: string;
}

// the API's own schema: a line and a POST /agencies/:id/inspectors are refused alike
const validInspector = createAjv().compile(InspectorCreate);
const refused = (reason: ImportReason) => ({ refused: reason });

export const inspectorImport: RegisterImport<Column, InspectorRow> = {
  columns: {
    agency: ['agency', 'agencycode', 'agency_code', '执法主体编码', '执法主体代码', '单位编码'],
    name: ['name', '姓名'],
    credentialNo: ['credentialno', 'credential_no', 'credential', '执法证号', '执法证件号'],
    validUntil: ['validuntil', 'valid_until', '有效期至', '有效期'],
  },
  required: ['agency', 'name', 'credentialNo', 'validUntil'],
  action: 'inspectors.imported',
  // one credential belongs to one officer, however it is spelt
  key: (row) => normalizeCredential(row.credentialNo),
  // reports never print a credential number in full
  label: (row) => maskCredential(normalizeCredential(row.credentialNo)),

  parse(get) {
    const body = { name: get('name'), credentialNo: get('credentialNo'), validUntil: get('validUntil') };
    if (!validInspector(body)) {
      const path = (validInspector.errors?.[0]?.instancePath ?? '').slice(1);
      const field: keyof typeof fieldNames = path === 'credentialNo' || path === 'validUntil' ? path : 'name';
      // a credential number is not printed in full, even a wrong one
      const value = field === 'credentialNo' ? maskCredential(get('credentialNo')) : shown(get(field));
      return refused(said('inspector_field', { field: fieldNames[field], value }));
    }
    const agencyCode = get('agency');
    if (!agencyCode) return refused(said('agency_missing'));
    return { row: { ...body, agencyCode } };
  },

  async insert(trx, batch, at) {
    const out: { stored: string[]; refused: { line: number; reason: ImportReason }[] } = { stored: [], refused: [] };
    const codes = [...new Set(batch.map((b) => b.row.agencyCode))];
    const agencies = new Map(
      (await trx.selectFrom('agencies').select(['id', 'code', 'active']).where('code', 'in', codes).execute()).map((a) => [a.code, a]),
    );
    const credentials = batch.map((b) => normalizeCredential(b.row.credentialNo));
    const taken = new Set(
      (
        await sql<{ c: string }>`select upper(regexp_replace(credential_no, '[^0-9A-Za-z]', '', 'g')) as c from inspectors
          where upper(regexp_replace(credential_no, '[^0-9A-Za-z]', '', 'g')) = any(${credentials})`.execute(trx)
      ).rows.map((r) => r.c),
    );
    const fresh = batch.flatMap((b) => {
      const agency = agencies.get(b.row.agencyCode);
      const agencyId = agency?.id;
      const credentialNo = normalizeCredential(b.row.credentialNo);
      if (!agencyId) out.refused.push({ line: b.line, reason: said('agency_unknown', { value: shown(b.row.agencyCode) }) });
      else if (!agency.active) out.refused.push({ line: b.line, reason: said('agency_inactive', { value: shown(b.row.agencyCode) }) });
      else if (taken.has(credentialNo))
        out.refused.push({ line: b.line, reason: said('already_registered', { value: maskCredential(credentialNo) }) });
      else
        return [
          {
            id: newId('insp'),
            agency_id: agencyId,
            name: b.row.name,
            credential_no: credentialNo,
            valid_until: b.row.validUntil,
            created_at: at,
          },
        ];
      return [];
    });
    if (!fresh.length) return out;
    // registered meanwhile through the API: the unique index says so, and the line is refused
    const inserted = await trx
      .insertInto('inspectors')
      .values(fresh)
      .onConflict((oc) => oc.doNothing())
      .returning('credential_no')
      .execute();
    const done = new Set(inserted.map((r) => r.credential_no));
    batch.forEach((b) => {
      const c = normalizeCredential(b.row.credentialNo);
      if (done.has(c)) out.stored.push(c);
      else if (fresh.some((f) => f.credential_no === c))
        out.refused.push({ line: b.line, reason: said('registered_meanwhile', { value: maskCredential(c) }) });
    });
    return out;
  },
};
