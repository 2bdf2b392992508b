import type { Command } from 'commander';
import type { Lang } from '../domain/i18n.js';

// The command line's help in Chinese. The command modules describe themselves in English; under
// a Chinese locale the program, once built, takes these texts instead, by command path and by
// option. A command without an entry keeps its English, so a new command is never left mute.
// Environment variables and option names stay as typed (DATA_DIR, --date): they are what an
// operator writes.

interface HelpText {
  description: string;
  /** by the option's long flag (--date) */
  options?: Record<string, string>;
  /** by the argument's name */
  args?: Record<string, string>;
}

const HELP_ZH: Record<string, HelpText> = {
  '': { description: '涉企检查备案系统命令行', options: { '--version': '显示版本号' } },
  migrate: {
    description: '执行数据库迁移（服务启动时也会执行）',
    options: { '--grant': 'PostgreSQL：以数据表所有者身份执行，再只授予服务自身的角色所需的权限（见 docs/operations.md）' },
  },
  keys: { description: '接口密钥' },
  'keys create': {
    description: '创建接口密钥，只显示这一次',
    options: {
      '--role': '角色：admin（管理员）、supervisor（监督机构）、agency（执法主体）、enterprise（企业）、hotline（热线平台）',
      '--name': '密钥给谁或做什么用',
      '--agency': '执法主体编号（角色为 agency 时）',
      '--uscc': '企业统一社会信用代码（角色为 enterprise 时）',
      '--regions': '辖区行政区划代码前缀，以逗号分隔（角色为 supervisor 时）',
      '--email': '每日摘要的收件邮箱（角色为 supervisor 时）',
      '--expires': '密钥到期时间，ISO 8601 格式（如 2027-01-01T00:00:00+08:00）',
    },
  },
  'keys list': { description: '列出密钥（从不显示密钥本身），新建的在前', options: { '--all': '包括已吊销和已过期的密钥' } },
  'keys revoke': { description: '立即吊销密钥（所有进程随即拒绝）', args: { id: '密钥编号' } },
  jobs: { description: '定时任务' },
  'jobs run': {
    description: '立即运行 digest（每日摘要）、sweep（巡查）或 draw（抽取）；已运行过的时段不再重复运行（与定时任务相同）',
    args: { job: '任务名称' },
    options: { '--date': 'digest：摘要的日期（默认为 TZ_REGION 时区的昨天）；draw：抽取的日期' },
  },
  draws: { description: '双随机抽取' },
  'draws verify': { description: '按记录的种子和总体重新抽取，核对是否一致，并作为公开核验结果保存', args: { id: '抽取编号' } },
  backup: { description: '把内置数据库（DATA_DIR）写入文件；须先停止服务', args: { file: '备份文件' } },
  restore: { description: '把备份恢复到 DATA_DIR（该目录须为空或不存在）', args: { file: '备份文件' } },
  audit: { description: '审计记录' },
  'audit adopt': { description: '升级到签名链头后执行一次：哈希无误时，为此前写入的各条链的链头签名' },
  'audit rotate': { description: '更换密钥后（新的 AUDIT_KEY，旧密钥停用）：核验审计记录，再用新密钥为每个链头重新签名' },
  'audit verify': {
    description: '不信任数据库地核验审计记录：每个哈希、签名的链头和每日根（AUDIT_KEY），以及备案、问题线索、密钥和抽取与其事件是否一致',
    options: { '--against': '邮件发送或下载的每日摘要（其审计根）：数据库须仍保存当天的根' },
  },
  rules: { description: '规则集' },
  'rules check': { description: '校验文件夹中的规则集（默认 RULES_DIR）', args: { dir: '规则集文件夹' } },
  'rules test': { description: '用 RULES_DIR 中的规则集运行 DIR 中的规则样例（默认 RULES_DIR/tests）', args: { dir: '样例文件夹' } },
  import: { description: '批量导入本县名录（UTF-8 编码的 CSV，一次事务）' },
  'import enterprises': {
    description:
      '导入企业（表头：uscc,name,region[,industry,riskClass,noDisturb]，或对应的中文列名）；列出被拒绝的行及原因；出现致命问题时不导入任何内容',
    args: { file: 'CSV 文件' },
  },
  'import inspectors': {
    description:
      '导入执法证名录（表头：agency,name,credentialNo,validUntil；agency 为执法主体编码）；列出被拒绝的行及原因；出现致命问题时不导入任何内容',
    args: { file: 'CSV 文件' },
  },
  demo: { description: '演示数据' },
  'demo seed': {
    description: '载入一个类似西丰县的小型名录：执法主体及其检查事项和执法人员、数百家企业和密钥',
    options: { '--enterprises': '企业数量' },
  },
};

/** Commander's own words in its help, and ours. */
const HEADINGS: [RegExp, string][] = [
  [/^Usage: /gm, '用法：'],
  [/^Options:/gm, '选项：'],
  [/^Commands:/gm, '命令：'],
  [/^Arguments:/gm, '参数：'],
  [/display help for command/g, '显示命令帮助'],
  [/\(default: /g, '（默认：'],
  // commander's errors: the option or command stays as typed
  [/^error: required option '([^']+)' not specified/gm, '错误：缺少必需的选项 $1'],
  [/^error: missing required argument '([^']+)'/gm, '错误：缺少必需的参数 $1'],
  [/^error: option '([^']+)' argument missing/gm, '错误：选项 $1 缺少取值'],
  [/^error: option '([^']+)' argument '([^']*)' is invalid\./gm, '错误：选项 $1 的取值“$2”无效。'],
  [/^error: unknown option '([^']+)'/gm, '错误：没有选项 $1'],
  [/^error: unknown command '([^']+)'/gm, '错误：没有命令 $1'],
  [
    /^error: too many arguments(?: for '([^']+)')?\. Expected (\d+) arguments? but got (\d+)\./gm,
    '错误：参数过多，应为 $2 个，实际 $3 个。',
  ],
  [/\(Did you mean (?:one of )?([^?]+)\?\)/g, '（是否想输入 $1？）'],
  [/Allowed choices are ([^\n]+)\./g, '可选值：$1。'],
];

/** The help of a built program in Chinese (a zh locale); in English it is left as written. */
export function localizeHelp(program: Command, lang: Lang): void {
  if (lang === 'en') return;
  const walk = (cmd: Command, path: string) => {
    const zh = HELP_ZH[path];
    if (zh) {
      cmd.description(zh.description);
      for (const o of cmd.options) {
        const said = o.long ? zh.options?.[o.long] : undefined;
        if (said) o.description = said;
      }
      for (const a of cmd.registeredArguments) {
        const said = zh.args?.[a.name()];
        if (said) a.description = said;
      }
    }
    cmd.helpOption('-h, --help', '显示命令帮助');
    if (cmd.commands.length) cmd.helpCommand('help [command]', '显示命令帮助');
    for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`.trim());
  };
  walk(program, '');
}

/** Help text as written out: commander's headings in Chinese under a zh locale. */
export function localizeHelpText(text: string, lang: Lang): string {
  if (lang === 'en') return text;
  let out = text;
  for (const [re, zh] of HEADINGS) out = out.replace(re, zh);
  // commander closes "(default: …)" with a half-width parenthesis
  return out.replace(/（默认：([^)\n]*)\)/g, '（默认：$1）');
}
