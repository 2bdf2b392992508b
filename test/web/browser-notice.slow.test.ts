import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { useBrowser } from '../support/browser.js';
import { noticeWorld, type NoticeItem } from '../support/notice-world.js';

// The 检查告知书 printed as Chromium prints it (the print path a county office uses): one A4 page
// for a visit of four items by four officers, the signatures and the seal on the same page as
// the text they sign. The PDF and a screenshot go to artifacts/ for a person to look at.

const PDFS = 'artifacts/pdf';

// long, real-world item names and legal bases: the notice must hold them, not only short codes
const ITEMS: NoticeItem[] = [
  {
    code: 'FOOD-01',
    name: '食品经营许可及从业人员健康管理情况检查',
    basis: '《中华人民共和国食品安全法》第三十五条、第四十五条；《食品经营许可和备案管理办法》第二十条',
  },
  {
    code: 'FOOD-02',
    name: '进货查验记录和食品安全追溯情况检查',
    basis: '《中华人民共和国食品安全法》第五十三条；《中华人民共和国食品安全法实施条例》第二十七条',
  },
  {
    code: 'FIRE-01',
    name: '消防安全责任制落实和疏散通道畅通情况检查',
    basis: '《中华人民共和国消防法》第十六条、第二十八条；《机关、团体、企业、事业单位消防安全管理规定》第十四条',
  },
  {
    code: 'SAFE-01',
    name: '安全生产责任制和隐患排查治理情况检查',
    basis: '《中华人民共和国安全生产法》第二十二条、第四十一条；《安全生产事故隐患排查治理暂行规定》第八条',
  },
];

/** Pages of a PDF: its page objects (`/Type /Page`, not the `/Pages` tree), counted in the bytes. */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

function cjkFontInstalled(): boolean {
  try {
    return /Noto Sans CJK/i.test(execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

describe('the notice on paper (Chromium, A4)', function () {
  const bw = useBrowser();

  before(function () {
    // without a CJK font Chromium draws boxes of another width: the page count would mean nothing
    if (!cjkFontInstalled()) {
      if (process.env.CI) throw new Error('Noto Sans CJK is missing: .ci/run installs fonts-noto-cjk');
      this.skip();
    }
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`prints four items, four officers, the contact, the seal and the signatures on one A4 page (${lang})`, async () => {
      const w = await noticeWorld({ items: ITEMS, enterpriseName: '西丰县示例食品经营有限责任公司第一分公司' });
      const page = await bw.phone();
      await bw.signIn(page, w.agencyKey);
      await page.goto(`${bw.base}/filings/${w.filingId}/notice${lang === 'en' ? '?lang=en' : ''}`);
      await page.locator('#notice-qr').waitFor();
      await page.waitForFunction('document.fonts.ready.then(() => true)');
      const body = await page.locator('.notice-doc').innerText();
      for (const no of w.credentials) expect(body).to.include(no);
      expect(body).to.include(lang === 'en' ? 'Agency (seal)' : '执法主体（盖章）');
      // on the enterprise's phone it is read, not printed: it fits the screen
      await bw.fits(page);
      await bw.shot(page, `notice-phone-${lang}`);

      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      mkdirSync(PDFS, { recursive: true });
      writeFileSync(`${PDFS}/notice-a4-${lang}.pdf`, pdf);
      // what the sheet looks like (the print styles on A4's printable area), kept even when it fails
      await page.setViewportSize({ width: 680, height: 1010 }); // A4 less the margins, at 96 dpi
      await page.emulateMedia({ media: 'print' });
      await bw.shot(page, `notice-a4-${lang}`);
      expect(pdfPages(pdf), `artifacts/pdf/notice-a4-${lang}.pdf`).to.equal(1);
      expect(await page.locator('header.top').isVisible(), 'no site header on paper').to.equal(false);
      expect(await page.locator('[data-print]').isVisible(), 'no print button on paper').to.equal(false);
    });
  }
});
