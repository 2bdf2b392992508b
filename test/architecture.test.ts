import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';

// The shape of the code (docs/architecture.md), held as tests: which layer imports which,
// services that say nothing in any language, Express used through its public API only.

async function sources(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (e.name.endsWith('.ts')) out.push({ file: path, text: await readFile(path, 'utf8') });
  }
  return out;
}

const importsOf = (text: string) => [...text.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');

describe('the shape of the code', () => {
  it('domain and rules import nothing from the layers above them; services nothing from the entry points', async () => {
    const wrong: string[] = [];
    for (const layer of ['domain', 'rules']) {
      for (const { file, text } of await sources(join('src', layer))) {
        for (const spec of importsOf(text)) if (/^\.\.\/(?!domain\/)/.test(spec)) wrong.push(`${file} imports ${spec}`);
      }
    }
    for (const { file, text } of await sources('src/services')) {
      for (const spec of importsOf(text)) if (/^\.\.\/(http|web|cli)\//.test(spec)) wrong.push(`${file} imports ${spec}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('services raise codes with parameters: no message text in either language is written in them', async () => {
    const texts = (await sources('src/services')).filter(({ text }) => /'zh-CN'\s*:/.test(text)).map(({ file }) => file);
    expect(texts).to.deep.equal([]);
  });

  it('Express is used through its public API: no replaced app.handle, no prototype switching', async () => {
    const bypasses = (await sources('src'))
      .filter(({ text }) => /setPrototypeOf|\.handle\s*=|answerDirectly/.test(text))
      .map(({ file }) => file);
    expect(bypasses).to.deep.equal([]);
  });
});
