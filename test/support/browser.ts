import { existsSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { harness } from './harness.js';

// Debian's Chromium driven by playwright-core against the real app on a port of its own. One
// browser per test file; each `phone()` is a context of its own (its own cookies).

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = 'artifacts/screenshots';
export const PHONE = { width: 375, height: 800 };
export const DESKTOP = { width: 1200, height: 900 };

export interface BrowserWorld {
  base: string;
  browser: Browser;
  /** every Content-Security-Policy complaint the browser made on any page */
  cspReports: string[];
  /** a fresh phone-sized browser context (zh-CN unless told) */
  phone: (lang?: 'en') => Promise<Page>;
  /** signs in on the sign-in page with an API key, and waits to leave it */
  signIn: (page: Page, key: string, next?: string) => Promise<void>;
  /** the page fits its viewport: nothing scrolls sideways */
  fits: (page: Page) => Promise<void>;
  shot: (page: Page, name: string) => Promise<Buffer>;
}

/**
 * Registers before/after/afterEach hooks in the calling describe and returns the world they fill.
 * Skips the file when Chromium is missing outside CI; fails it in CI.
 */
export function useBrowser(): BrowserWorld {
  let server: Server | undefined;
  const contexts: BrowserContext[] = [];
  const world = { cspReports: [] as string[] } as unknown as BrowserWorld & { browser: Browser | undefined };

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
      this.skip();
    }
    const h = await harness();
    server = h.runtime.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    world.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mkdirSync(SHOTS, { recursive: true });
    world.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  after(async () => {
    await world.browser?.close();
    if (server) await new Promise((r) => server?.close(r));
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  world.phone = async (lang) => {
    const context = await world.browser.newContext({ viewport: PHONE, locale: lang ?? 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) world.cspReports.push(`${page.url()}: ${m.text()}`);
    });
    return page;
  };

  world.signIn = async (page, key, next = '') => {
    await page.goto(`${world.base}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    await page.fill('#key', key);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
  };

  world.fits = async (page) => {
    // page code as text: the tests are compiled without the DOM's types
    const { scroll, width } = await page.evaluate<{ scroll: number; width: number }>(
      '({ scroll: document.documentElement.scrollWidth, width: window.innerWidth })',
    );
    expect(scroll, `${page.url()} is ${scroll}px wide on a ${width}px screen`).to.be.at.most(width);
  };

  world.shot = (page, name) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  return world;
}
