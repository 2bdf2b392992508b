import type { Static } from '@sinclair/typebox';
import type {
  AgencyCreate,
  EnterpriseCreate,
  FilingCreate,
  InspectorCreate,
  KeyCreate,
  ReportCreate,
  ResultCreate,
} from '../../domain/schemas.js';

// Typical request bodies of the main operations, shown in /openapi.json and /docs. Typed by the
// schemas, and each is validated against its schema by the tests, so an example cannot drift.

const uscc = '91211223MA0XY1234E';

export const examples = {
  ground: {
    kind: 'complaint' as const,
    reference: '12345-20261202-000123',
    enterpriseUscc: '91211223MA0XYW123P',
    title: '群众反映该企业夜间违规排放',
  },
  agency: {
    code: 'XF-SCJG',
    name: '西丰县市场监督管理局',
    region: '211223',
    items: [{ code: 'FOOD-01', name: '食品经营许可情况检查', basis: '《中华人民共和国食品安全法》第三十五条' }],
    address: '西丰县西丰镇示例路 1 号',
    phone: '024-1234 5678',
  } satisfies Static<typeof AgencyCreate>,
  inspector: { name: '张三', credentialNo: '21122300123', validUntil: '2028-12-31' } satisfies Static<typeof InspectorCreate>,
  enterprise: { uscc, name: '西丰县示例食品有限公司', region: '211223', industry: '食品销售', riskClass: 'B' } satisfies Static<
    typeof EnterpriseCreate
  >,
  key: {
    role: 'agency',
    name: '市场监管局备案专员',
    agencyId: 'agency id from POST /api/v1/agencies',
    expiresAt: '2027-12-31T23:59:59+08:00',
  } satisfies Static<typeof KeyCreate>,
  filing: {
    enterpriseUscc: uscc,
    type: 'case',
    itemCodes: ['FOOD-01'],
    inspectorIds: ['inspector id', 'another inspector id'],
    plannedStart: '2026-12-01T09:00:00+08:00',
    plannedEnd: '2026-12-01T12:00:00+08:00',
    reason: '12345 热线反映销售过期食品',
    trigger: { kind: 'complaint', reference: '12345-20261130-0042' },
  } satisfies Static<typeof FilingCreate>,
  result: {
    conductedAt: '2026-12-01T10:30:00+08:00',
    outcome: 'no_issues',
    summary: '现场检查食品经营许可及进货查验记录，未发现问题',
  } satisfies Static<typeof ResultCreate>,
  report: {
    kind: 'unfiled_inspection',
    occurredAt: '2026-12-02T14:00:00+08:00',
    agencyName: '西丰县某执法单位',
    description: '两名执法人员到店检查，出示不了备案核验码',
    hotline: { line: '12345', ticket: '12345-20261202-0107' },
  } satisfies Static<typeof ReportCreate>,
};
