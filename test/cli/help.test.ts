import { expect } from 'chai';
import { cli } from '../support/cli.js';

/** Runs the CLI with the locale variables set as given (and the others unset), then restores them. */
async function withLocale(vars: Record<string, string>, ...argv: string[]) {
  const names = ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const;
  const saved = names.map((n) => [n, process.env[n]] as const);
  for (const n of names) delete process.env[n];
  Object.assign(process.env, vars);
  try {
    return await cli(...argv);
  } finally {
    for (const [n, v] of saved)
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
  }
}

const help = (r: { out: string; err: string }) => `${r.out}\n${r.err}`;

describe('command line help in the terminal’s language', () => {
  it('under LANG=zh_CN.UTF-8 the program, its commands and options are described in Chinese', async () => {
    const top = help(await withLocale({ LANG: 'zh_CN.UTF-8' }, '--help'));
    expect(top).to.include('用法：').and.include('选项：').and.include('命令：');
    expect(top).to.include('涉企检查备案系统命令行').and.include('接口密钥').and.include('显示命令帮助');
    expect(top).not.to.match(/Usage:|Options:|display help/);
    const create = help(await withLocale({ LANG: 'zh_CN.UTF-8' }, 'keys', 'create', '--help'));
    expect(create).to.include('创建接口密钥，只显示这一次').and.include('每日摘要的收件邮箱');
    const run = help(await withLocale({ LANG: 'zh_CN.UTF-8' }, 'jobs', 'run', '--help'));
    expect(run).to.include('参数：').and.include('任务名称');
  });

  it('commander’s own errors read in Chinese too, the option or command kept as typed', async () => {
    const missing = help(await withLocale({ LANG: 'zh_CN.UTF-8' }, 'keys', 'create', '--name', '某人'));
    expect(missing).to.include('错误：缺少必需的选项 --role').and.not.include('error:');
    const unknown = help(await withLocale({ LANG: 'zh_CN.UTF-8' }, 'keys', 'lst'));
    expect(unknown).to.include('错误：没有命令 lst').and.include('是否想输入 list');
    const option = help(await withLocale({ LANG: 'zh_CN.UTF-8' }, 'keys', 'list', '--al'));
    expect(option).to.include('错误：没有选项 --al');
    expect(help(await withLocale({ LANG: 'en_US.UTF-8' }, 'keys', 'lst'))).to.include("error: unknown command 'lst'");
  });

  it('LC_ALL and LC_MESSAGES decide before LANG, as for any POSIX program', async () => {
    expect(help(await withLocale({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, '--help'))).to.include('用法：');
    expect(help(await withLocale({ LC_ALL: 'zh_TW.UTF-8', LANG: 'C' }, 'rules', '--help'))).to.include('规则集');
    const english = help(await withLocale({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }, '--help'));
    expect(english).to.include('Usage:').and.include('command line of the enterprise inspection filing system');
  });

  it('every command has a Chinese description (a new command added without one fails here)', async () => {
    const { buildCli } = await import('../../src/cli/program.js');
    const saved = process.env.LANG;
    process.env.LANG = 'zh_CN.UTF-8';
    try {
      const program = buildCli({ out: () => {}, err: () => {} });
      const english: string[] = [];
      const walk = (c: typeof program, path: string) => {
        if (!/[\u3400-\u9fff]/.test(c.description())) english.push(path || '(program)');
        for (const o of c.options) if (!/[\u3400-\u9fff]/.test(o.description)) english.push(`${path} ${o.long ?? o.flags}`);
        for (const s of c.commands) walk(s, `${path} ${s.name()}`.trim());
      };
      walk(program, '');
      expect(english).to.deep.equal([]);
    } finally {
      if (saved === undefined) delete process.env.LANG;
      else process.env.LANG = saved;
    }
  });
});
