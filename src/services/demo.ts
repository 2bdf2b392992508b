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
const SUFFIXES = ['有限公司', '有限责任公司', '股份有限公司'];
const WORDS = ['兴旺', '宏达', '鑫源', '丰泽', '鹿鸣', '森林', '绿野', '金穗', '永安', '富民'];
/** 个体工商户: a shop named after its keeper (张记面馆, 李氏五金店) */
const SHOPS = [
  { word: '面馆', industry: '餐饮' },
  { word: '饺子馆', industry: '餐饮' },
  { word: '烧烤店', industry: '餐饮' },
  { word: '五金店', industry: '批发零售' },
  { word: '小卖部', industry: '批发零售' },
  { word: '农资经销部', industry: '批发零售' },
  { word: '鹿茸专卖店', industry: '批发零售' },
  { word: '理发店', industry: '居民服务' },
  { word: '汽车修理部', industry: '机动车维修' },
  { word: '粮油加工坊', industry: '食品制造' },
];
/** 农民专业合作社: a village's growers or breeders */
const COOPS = [
  { word: '玉米种植专业合作社', industry: '农业' },
  { word: '食用菌种植专业合作社', industry: '农业' },
  { word: '中药材种植专业合作社', industry: '农业' },
  { word: '蔬菜种植专业合作社', industry: '农业' },
  { word: '梅花鹿养殖专业合作社', industry: '畜牧业' },
  { word: '肉牛养殖专业合作社', industry: '畜牧业' },
  { word: '林蛙养殖专业合作社', industry: '畜牧业' },
];

/**
 * The registration type (positions 1-2 of a credit code, GB 32100-2015) by what the registrant
 * is: 91 a company, 92 an individual business (个体工商户), 93 a farmers' cooperative (农民专业合作社).
 * In a county like Xifeng, about one in five registrants is a shop and one in ten a cooperative.
 */
export type DemoKind = 'company' | 'individual' | 'cooperative';
export const DEMO_PREFIX: Record<DemoKind, string> = { company: '91', individual: '92', cooperative: '93' };
const kindOf = (i: number): DemoKind => (i % 10 === 0 || i % 10 === 5 ? 'individual' : i % 10 === 3 ? 'cooperative' : 'company');

/** GB 11714's check character of an organization code's 8 characters (positions 9-17 of a credit code). */
function orgCodeCheck(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8[i] as string, 36) * (weights[i] as number);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}
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
  const names = new Set<string>();
  const distinctName = (variant: (k: number) => string): string => {
    let name = variant(0);
    for (let k = 1; names.has(name) && k < 40; k++) name = variant(k);
    // every variant taken (a registry of thousands): numbered, as a second shop of the same name is
    for (let n = 2; names.has(name); n++) name = `${variant(0)}（${n}）`;
    names.add(name);
    return name;
  };
  for (let i = 0; i < enterpriseCount; i++) {
    // an organization code as registrations since 2015 have it: "MA", six characters, its own check
    const org = `MA${Array.from({ length: 6 }, () => USCC_ALPHABET[Math.floor(rnd() * 31)]).join('')}`;
    const kind = kindOf(i);
    const uscc = makeUscc(DEMO_PREFIX[kind], REGION, org + orgCodeCheck(org));
    const town = pick(TOWNS);
    const keeper = Math.floor(rnd() * SURNAMES.length);
    const style = rnd() < 0.5 ? '记' : '氏';
    const trade = kind === 'individual' ? pick(SHOPS) : kind === 'cooperative' ? pick(COOPS) : pick(TRADES);
    const word = Math.floor(rnd() * WORDS.length);
    const suffix = pick(SUFFIXES);
    // one registrant per name, as in a registry (a name is how the form finds an enterprise): on a
    // clash, the next keeper or trade name, without another draw
    const name = distinctName((k) =>
      kind === 'individual'
        ? `西丰县${town}${SURNAMES[(keeper + k) % SURNAMES.length]}${style}${trade.word}`
        : kind === 'cooperative'
          ? `西丰县${town}${WORDS[(word + k) % WORDS.length]}${trade.word}`
          : `西丰县${town}${WORDS[(word + k) % WORDS.length]}${trade.word}${suffix}`,
    );
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
