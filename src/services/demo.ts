import { AppError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { makeUscc, USCC_ALPHABET } from '../domain/uscc.js';
import { agencyCodeTaken } from '../store/agencies-repo.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import type { Services } from './index.js';

// A small Xifeng-County-like registry (西丰县, division code 211223) for trying the product out.
// Deterministic, so running it twice adds nothing the second time.

const REGION = '211223';
const TOWNS = [
  '西丰镇',
  '平岗镇',
  '郜家店镇',
  '凉泉镇',
  '振兴镇',
  '安民镇',
  '天德镇',
  '房木镇',
  '柏榆乡',
  '陶然乡',
  '钓鱼乡',
  '更刻乡',
  '明德乡',
  '和隆乡',
  '营厂乡',
  '金星乡',
  '成平乡',
  '松树乡',
];
const TRADES = [
  { word: '鹿业', industry: '畜牧业' },
  { word: '农业', industry: '农业' },
  { word: '食品', industry: '食品制造' },
  { word: '木业', industry: '木材加工' },
  { word: '建材', industry: '建材' },
  { word: '商贸', industry: '批发零售' },
  { word: '餐饮', industry: '餐饮' },
  { word: '化工', industry: '化学原料' },
  { word: '物流', industry: '道路运输' },
  { word: '药业', industry: '医药制造' },
];
const SUFFIXES = ['有限公司', '有限责任公司', '股份有限公司', '专业合作社'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '华', '鹏'];

const AGENCIES = [
  {
    code: 'XF-SCJG',
    name: '西丰县市场监督管理局',
    items: [
      ['SCJG-001', '食品生产经营许可条件检查', '《食品安全法》第一百一十条'],
      ['SCJG-002', '特种设备使用单位安全检查', '《特种设备安全法》第五十七条'],
      ['SCJG-003', '计量器具使用检查', '《计量法》第二十二条'],
      ['SCJG-004', '产品质量监督抽查', '《产品质量法》第十五条'],
    ],
  },
  {
    code: 'XF-YJGL',
    name: '西丰县应急管理局',
    items: [
      ['YJGL-001', '安全生产条件检查', '《安全生产法》第六十五条'],
      ['YJGL-002', '危险化学品经营单位检查', '《危险化学品安全管理条例》第六条'],
      ['YJGL-003', '工贸企业粉尘防爆检查', '《工贸企业粉尘防爆安全规定》第二十七条'],
    ],
  },
  {
    code: 'XF-STHJ',
    name: '铁岭市生态环境局西丰分局',
    items: [
      ['STHJ-001', '排污许可执行情况检查', '《排污许可管理条例》第二十八条'],
      ['STHJ-002', '危险废物贮存检查', '《固体废物污染环境防治法》第二十七条'],
    ],
  },
  {
    code: 'XF-XFJY',
    name: '西丰县消防救援大队',
    items: [
      ['XFJY-001', '消防安全检查', '《消防法》第五十三条'],
      ['XFJY-002', '公众聚集场所投入使用前检查', '《消防法》第十五条'],
    ],
  },
  {
    code: 'XF-SW',
    name: '国家税务总局西丰县税务局',
    items: [['SW-001', '发票使用情况检查', '《发票管理办法》第三十条']],
  },
] as const;

/** mulberry32: a tiny seeded PRNG, enough to make the same demo data on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoResult {
  agencies: { id: string; code: string; name: string; key: string | null }[];
  enterprisesCreated: number;
  enterprisesTotal: number;
  supervisorKey: string | null;
  enterpriseSample: { uscc: string; name: string; key: string | null } | null;
}

export async function seedDemo(services: Services, actor: Principal, enterpriseCount = 300): Promise<DemoResult> {
  // Separate streams: whether the agencies already exist must not shift the enterprise codes.
  let rnd = prng(211223);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const db = services.ctx.db;
  const year = services.ctx.clock.now().getUTCFullYear();
  const agencies: DemoResult['agencies'] = [];

  for (const [n, a] of AGENCIES.entries()) {
    const fresh = !(await agencyCodeTaken(db, a.code));
    if (fresh) {
      const created = await services.registry.createAgency(actor, {
        code: a.code,
        name: a.name,
        region: REGION,
        items: a.items.map(([code, name, basis]) => ({ code, name, basis })),
      });
      const people = 4 + (n % 3);
      for (let i = 0; i < people; i++) {
        // one inspector per agency with a credential that has run out, to show the rule working
        const validUntil = i === people - 1 ? `${year - 1}-12-31` : `${year + 3}-12-31`;
        await services.registry.addInspector(actor, created.id, {
          name: pick(SURNAMES) + pick(GIVEN),
          credentialNo: `LN2112${String(n + 1).padStart(2, '0')}${String(1000 + i * 37).padStart(6, '0')}`,
          validUntil,
        });
      }
      const key = await services.keys.create(actor, { role: 'agency', name: `${a.name} 备案员`, agencyId: created.id });
      agencies.push({ id: created.id, code: a.code, name: a.name, key: key.key });
    } else {
      const row = await db.selectFrom('agencies').select(['id']).where('code', '=', a.code).executeTakeFirstOrThrow();
      agencies.push({ id: row.id, code: a.code, name: a.name, key: null });
    }
  }

  rnd = prng(2112230);
  let created = 0;
  let sample: DemoResult['enterpriseSample'] = null;
  for (let i = 0; i < enterpriseCount; i++) {
    const body = Array.from({ length: 9 }, () => USCC_ALPHABET[Math.floor(rnd() * 31)]).join('');
    const uscc = makeUscc(i % 10 === 0 ? '92' : '91', REGION, body);
    const trade = pick(TRADES);
    const name = `西丰县${pick(TOWNS)}${pick(['兴旺', '宏达', '鑫源', '丰泽', '鹿鸣', '森林', '绿野', '金穗', '永安', '富民'])}${trade.word}${pick(SUFFIXES)}`;
    const r = rnd();
    const riskClass = r < 0.35 ? 'A' : r < 0.75 ? 'B' : r < 0.93 ? 'C' : 'D';
    const noDisturb = rnd() < 0.2 && riskClass === 'A';
    // every draw happens before this point, so existing rows never shift the stream
    if (await findEnterprise(db, uscc)) continue;
    try {
      await services.registry.createEnterprise(actor, { uscc, name, region: REGION, industry: trade.industry, riskClass, noDisturb });
      created++;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
    }
    if (!sample) sample = { uscc, name, key: null };
  }

  let supervisorKey: string | null = null;
  if (agencies.some((a) => a.key)) {
    supervisorKey = (await services.keys.create(actor, { role: 'supervisor', name: '西丰县营商环境建设局', regions: [REGION] })).key;
    if (sample) sample.key = (await services.keys.create(actor, { role: 'enterprise', name: sample.name, uscc: sample.uscc })).key;
  }
  const total = Number(
    (await db.selectFrom('enterprises').select(db.fn.countAll<number>().as('n')).where('region', '=', REGION).executeTakeFirstOrThrow()).n,
  );
  return { agencies, enterprisesCreated: created, enterprisesTotal: total, supervisorKey, enterpriseSample: sample };
}
