import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { requireBinary } from '../harness/services.js';

/** Debian's Chromium; CHROMIUM_BIN tests another build. */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/**
 * Where screenshots go (gitignored); the ones shown in docs/web-app.md are copied from
 * here to docs/screenshots.
 */
export const SCREENSHOT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test-artifacts/screenshots',
);

/**
 * Chromium is installed (or REQUIRE_SERVICES=1 made its
 * absence an error, as for the other services).
 */
export function haveChromium(): boolean {
  return requireBinary('chromium', CHROMIUM_BIN);
}

/**
 * Headless Chromium as root on a machine without network: no sandbox (root), no GPU, and none of
 * the background connections (updates, first-run pings) that a closed network refuses by the dozen.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export type Screen = 'phone' | 'desktop';

const SCREENS: Record<Screen, Parameters<Browser['newContext']>[0]> = {
  phone: {
    viewport: { width: 375, height: 812 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
  },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
};

/**
 * A page in a fresh context (own session storage) that records uncaught page errors; the browser's
 * zone is Paris, the demo contracts' own, unless given.
 */
export async function openPage(
  browser: Browser,
  screen: Screen,
  timezoneId = 'Europe/Paris',
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ ...SCREENS[screen], locale: 'en-GB', timezoneId });
  // Generous: the shared 2-core machine may be busy
  // with other suites; every wait is for a condition.
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The pages run under a strict CSP; anything the app does that it blocks is a bug.
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors };
}

/**
 * Screenshots under test-artifacts/screenshots: `<name>-<screen>.png`
 * is what the screen shows (375×812 or 1280×800), scrolled to `at`
 * when given, and `<name>-<screen>-full.png` the whole page.
 */
export async function screenshot(
  page: Page,
  name: string,
  screen: Screen,
  at?: string,
): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}-${screen}-full.png`),
    fullPage: true,
  });
  if (at === undefined) await page.evaluate('window.scrollTo(0, 0)');
  else
    await page
      .locator(at)
      .evaluate(
        (el, top) => el.closest('section')?.scrollIntoView({ block: top }),
        'start' as const,
      );
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${screen}.png`) });
}

// The tests' TypeScript has no DOM library: code that runs in the page is passed as source text.

const OVERFLOWING = `[...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter((el) => !el.closest('.table-scroll, dialog'))
  .map((el) => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`;

/**
 * Nothing sticks out past the viewport (wide tables scroll inside their
 * own box): the page works on a 375 px phone without sideways scrolling.
 * Returns the elements that stick out, with their right edge.
 */
export async function overflowing(page: Page): Promise<string[]> {
  const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
  const culprits = (await page.evaluate(OVERFLOWING)) as string[];
  return width > Number(await page.evaluate('document.documentElement.clientWidth'))
    ? [`page ${width}px wide`, ...culprits]
    : culprits;
}

const UNLABELLED = `[...document.querySelectorAll('input, select, button')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => el.tagName === 'BUTTON'
    ? el.textContent.trim() === '' && !el.getAttribute('aria-label')
    : el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.outerHTML.slice(0, 120))`;

/**
 * Visible controls without an accessible name (label,
 * aria-label or aria-labelledby): should be none.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return (await page.evaluate(UNLABELLED)) as string[];
}
