import { AppError } from '../domain/errors.js';
import { RISK_CLASSES, type RiskClass } from '../domain/filing.js';
import { fillBoth } from '../domain/i18n.js';
import { messages } from '../domain/messages.js';
import { isRegion } from '../domain/region.js';
import { MEANINGFUL_PATTERN } from '../domain/text.js';
import { validateUscc } from '../domain/uscc.js';
import type { EnterpriseRecord } from '../store/enterprises-repo.js';
import { said, shown, type ImportReason, type RegisterImport } from './register-import.js';

/** A line as it is registered. */
export type EnterpriseRow = Omit<EnterpriseRecord, 'createdAt'>;

const MEANINGFUL = new RegExp(MEANINGFUL_PATTERN, 'u');
const YES = new Set(['true', '1', 'yes', 'y', '是']);
const NO = new Set(['', 'false', '0', 'no', 'n', '否']);

type Column = 'uscc' | 'name' | 'region' | 'industry' | 'riskClass' | 'noDisturb';
const refused = (reason: ImportReason) => ({ refused: reason });

/** `import enterprises FILE.csv`: the county's enterprises, checked as POST /enterprises checks one. */
export const enterpriseImport: RegisterImport<Column, EnterpriseRow> = {
  columns: {
    uscc: ['uscc', '统一社会信用代码', '信用代码'],
    name: ['name', '名称', '企业名称'],
    region: ['region', '区划代码', '行政区划代码', '所在区划'],
    industry: ['industry', '行业'],
    riskClass: ['riskclass', 'risk_class', '风险等级', '信用风险等级'],
    noDisturb: ['nodisturb', 'no_disturb', '无事不扰'],
  },
  required: ['uscc', 'name', 'region'],
  action: 'enterprises.imported',
  key: (row) => row.uscc,

  parse(get) {
    let uscc: string;
    try {
      uscc = validateUscc(get('uscc'));
    } catch (err) {
      if (err instanceof AppError) return refused(said('uscc', { problem: fillBoth(messages[err.messageKey], err.params) }));
      throw err;
    }
    // the checks of the API's schema (Text, Region), so that a line and a POST are refused alike
    const name = get('name');
    if (!name || [...name].length > 200) return refused(said('name_length'));
    if (!MEANINGFUL.test(name)) return refused(said('name_invisible'));
    const region = get('region');
    if (!/^\d{6}$/.test(region)) return refused(said('region_digits', { region: shown(region) }));
    if (!isRegion(region)) return refused(said('region_unknown', { region: shown(region) }));
    const industry = get('industry');
    if ([...industry].length > 100) return refused(said('industry_length'));
    if (industry && !MEANINGFUL.test(industry)) return refused(said('industry_invisible'));
    const risk = get('riskClass').toUpperCase();
    if (risk && !(RISK_CLASSES as readonly string[]).includes(risk)) return refused(said('risk_class', { value: shown(risk) }));
    const quiet = get('noDisturb').toLowerCase();
    if (!YES.has(quiet) && !NO.has(quiet)) return refused(said('no_disturb', { value: shown(quiet) }));
    const row = {
      uscc,
      name,
      region,
      industry: industry || null,
      riskClass: (risk || null) as RiskClass | null,
      noDisturb: YES.has(quiet),
    };
    return { row };
  },

  async insert(trx, batch) {
    const out: Awaited<ReturnType<RegisterImport<Column, EnterpriseRow>['insert']>> = { stored: [], refused: [] };
    const usccs = batch.map((b) => b.row.uscc);
    const exists = new Set((await trx.selectFrom('enterprises').select('uscc').where('uscc', 'in', usccs).execute()).map((r) => r.uscc));
    const fresh = batch.filter((b) => {
      if (!exists.has(b.row.uscc)) return true;
      out.refused.push({ line: b.line, reason: said('already_registered', { value: b.row.uscc }) });
      return false;
    });
    if (!fresh.length) return out;
    const inserted = await trx
      .insertInto('enterprises')
      .values(
        fresh.map(({ row }) => ({
          uscc: row.uscc,
          name: row.name,
          region: row.region,
          industry: row.industry,
          risk_class: row.riskClass,
          no_disturb: row.noDisturb,
        })),
      )
      .onConflict((oc) => oc.column('uscc').doNothing())
      .returning('uscc')
      .execute();
    const done = new Set(inserted.map((r) => r.uscc));
    for (const b of fresh) {
      if (done.has(b.row.uscc)) out.stored.push(b.row.uscc);
      else out.refused.push({ line: b.line, reason: said('registered_meanwhile', { value: b.row.uscc }) });
    }
    return out;
  },
};
