import { readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadRuleSets, parseRuleSet, RuleLoadError } from '../../src/rules/load.js';
import { ruleSetJsonSchema } from '../../src/rules/schema.js';
import { tempDir } from '../support/temp.js';

const baseline = () =>
  JSON.parse(readFileSync('rules/national-baseline.json', 'utf8')) as { rules: Record<string, unknown>[] } & Record<string, unknown>;
const problemsOf = (doc: unknown) => parseRuleSet('x.json', JSON.stringify(doc)).problems;

describe('rule set loading', () => {
  it('the committed JSON Schema is the one generated from the source definition', () => {
    const committed: unknown = JSON.parse(readFileSync('rules/schema/ruleset.schema.json', 'utf8'));
    expect(committed).to.deep.equal(ruleSetJsonSchema());
  });

  it('refuses an unknown kind, naming the pointer', () => {
    const doc = baseline();
    doc.rules[1] = { ...doc.rules[1], kind: 'astrology' };
    const p = problemsOf(doc);
    expect(p[0]?.pointer).to.equal('/rules/1');
    expect(p[0]?.message).to.include('unknown rule kind');
  });

  it('refuses wrong parameter types', () => {
    const doc = baseline();
    doc.rules[1] = { ...doc.rules[1], params: { min: 'two' } };
    expect(problemsOf(doc).map((p) => p.pointer)).to.include('/rules/1/params/min');
  });

  it('refuses duplicate rule ids', () => {
    const doc = baseline();
    doc.rules.push({ ...doc.rules[0] });
    expect(problemsOf(doc)).to.deep.include({
      file: 'x.json',
      pointer: `/rules/${doc.rules.length - 1}/id`,
      message: 'duplicate rule id "agency.registered"',
    });
  });

  it('refuses a message placeholder the kind does not provide', () => {
    const doc = baseline();
    const rule = doc.rules[2] as { message: Record<string, string> };
    rule.message = { ...rule.message, en: 'Items {itemz} are not published' };
    const p = problemsOf(doc);
    expect(p[0]?.pointer).to.equal('/rules/2/message/en');
    expect(p[0]?.message).to.include('{itemz}');
  });

  it('refuses unknown properties and broken JSON with the file path', async () => {
    const dir = await tempDir('rules');
    await writeFile(join(dir, 'a.json'), JSON.stringify({ ...baseline(), colour: 'red' }));
    await writeFile(join(dir, 'b.json'), '{ "id": ');
    try {
      await loadRuleSets(dir);
      expect.fail('should refuse');
    } catch (e) {
      expect(e).to.be.instanceOf(RuleLoadError);
      const problems = (e as RuleLoadError).problems;
      expect(problems).to.deep.include({ file: join(dir, 'a.json'), pointer: '', message: 'unknown property "colour"' });
      expect(problems.find((p) => p.file === join(dir, 'b.json'))?.message).to.match(/^not valid JSON/);
    }
  });

  it('follows symlinked rule files (a mounted ConfigMap links each file)', async () => {
    const dir = await tempDir('rules');
    const store = await tempDir('rules');
    await writeFile(join(store, 'national-baseline.json'), JSON.stringify(baseline()));
    await symlink(join(store, 'national-baseline.json'), join(dir, 'national-baseline.json'));
    expect((await loadRuleSets(dir)).map((s) => s.file.id)).to.deep.equal(['national-baseline']);
  });

  it('refuses a folder with no rule set, or with every set switched off', async () => {
    const empty = await tempDir('rules');
    await expectRefused(empty, 'no rule set');
    const off = await tempDir('rules');
    await writeFile(join(off, 'national-baseline.json'), JSON.stringify({ ...baseline(), enabled: false }));
    await expectRefused(off, 'every rule set in this folder is disabled');
  });
});

async function expectRefused(dir: string, message: string): Promise<void> {
  try {
    await loadRuleSets(dir);
    expect.fail('should refuse');
  } catch (e) {
    expect(e).to.be.instanceOf(RuleLoadError);
    expect((e as RuleLoadError).problems[0]?.message).to.include(message);
  }
}
