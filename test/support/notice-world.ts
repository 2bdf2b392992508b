import { expect } from 'chai';
import { harness } from './harness.js';
import { admin, createEnterprise, createKey, file, shanghaiAt, unique } from './fixtures.js';

// A filing as large as the 检查告知书 is made for (four items, four officers), with an agency
// that gave its address and phone: what the notice tests and the print test file.

const HOUR = 3_600_000;

export interface NoticeItem {
  code: string;
  name: string;
  basis: string;
}

export const NOTICE_ITEMS: NoticeItem[] = ['SAFE-01', 'SAFE-02', 'FIRE-01', 'FIRE-02'].map((code) => ({
  code,
  name: `事项 ${code}`,
  basis: '依据',
}));

export interface NoticeWorld {
  agencyId: string;
  agencyKey: string;
  inspectorIds: string[];
  /** the officers' credential numbers, in full */
  credentials: string[];
  uscc: string;
  enterpriseKey: string;
  region: string;
  filingId: string;
  verifyCode: string;
  /** the visit's planned start: the day after tomorrow, 9:00 in Shanghai (until 17:00) */
  start: Date;
}

/** A credential number that is nobody else's, as the register stores it (upper case, no separators). */
export const uniqueCredential = (): string =>
  `LN${unique('')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')}`.slice(0, 20);

export async function noticeWorld(opts: { contact?: boolean; items?: NoticeItem[]; enterpriseName?: string } = {}): Promise<NoticeWorld> {
  const h = await harness();
  const items = opts.items ?? NOTICE_ITEMS;
  const created = await h
    .api()
    .post('/api/v1/agencies')
    .set(admin)
    .send({
      code: unique('AGN'),
      name: `测试执法局 ${unique('')}`,
      region: '110101',
      items,
      ...(opts.contact === false ? {} : { address: '北京市东城区示例街 8 号', phone: '010-6512 3456' }),
    });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const agencyId = created.body.id as string;
  const agencyKey = await createKey({ role: 'agency', agencyId });
  const credentials = [uniqueCredential(), uniqueCredential(), uniqueCredential(), uniqueCredential()];
  const inspectorIds: string[] = [];
  for (const [i, credentialNo] of credentials.entries()) {
    const res = await h
      .api()
      .post(`/api/v1/agencies/${agencyId}/inspectors`)
      .set(admin)
      .send({ name: `执法员${i + 1}`, credentialNo, validUntil: '2099-12-31' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    inspectorIds.push(res.body.id as string);
  }
  const uscc = await createEnterprise('110101', { riskClass: 'D', ...(opts.enterpriseName ? { name: opts.enterpriseName } : {}) });
  const enterpriseKey = await createKey({ role: 'enterprise', uscc });
  const w = { agencyId, agencyKey, inspectorIds, uscc, enterpriseKey, region: '110101' };
  const start = shanghaiAt(2, 9);
  const filed = await file(w, {
    itemCodes: items.map((i) => i.code),
    plannedStart: start.toISOString(),
    plannedEnd: new Date(start.getTime() + 8 * HOUR).toISOString(),
  });
  expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
  return { ...w, credentials, filingId: filed.body.filing.id as string, verifyCode: filed.body.filing.verifyCode as string, start };
}
