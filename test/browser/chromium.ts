// Shared headless-Chromium harness for the SVG viewer tests (flamegraph-svg, heatmap-svg).
// It drives Debian's /usr/bin/chromium through playwright-core: no browser download, no web
// server. Pages are loaded from file:// or with setContent, and every request that is not
// a file: or data: URL is blocked and recorded, so a test can assert that nothing was fetched.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { LAUNCH } from './launch.js';

export { CHROMIUM_PATH, haveChromium } from './launch.js';

/**
 * A browser for a test file: the run's shared Chromium (see launch.ts), or one of
 * the file's own when there is none or when `own` asks for it (a test of the clipboard: the
 * clipboard is the browser's, shared by all its contexts). Closing it closes the file's
 * contexts, and a Chromium of its own.
 */
export async function launchChromium({ own = false } = {}): Promise<Browser> {
  const shared = inject('chromiumServer');
  if (!own && shared) return chromium.connect(shared);
  return chromium.launch(LAUNCH);
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Non-file requests the page tried to make (all were aborted). */
  network: string[];
  /** Dialogs that opened (type and message); prompts are answered from `answers`. */
  dialogs: { type: string; message: string }[];
  /** Answers for the next window.prompt calls, in order. */
  answers: (string | null)[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh page with network blocked and dialogs, errors and requests recorded. */
export async function openWatchedPage(browser: Browser): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  const w: Watched = {
    page,
    context,
    network: [],
    dialogs: [],
    answers: [],
    errors: [],
    close: () => context.close(),
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url === 'about:blank') return route.continue();
    w.network.push(url);
    return route.abort();
  });
  page.on('dialog', async (d) => {
    w.dialogs.push({ type: d.type(), message: d.message() });
    if (d.type() === 'prompt') {
      const a = w.answers.shift();
      if (a === null || a === undefined) await d.dismiss();
      else await d.accept(a);
    } else {
      await d.dismiss();
    }
  });
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  return w;
}

/**
 * One watched page for many tests, handed out afresh by each call: the records (dialogs,
 * answers, errors, requests) are emptied and the page goes through about:blank, so each test
 * loads its document anew. A new context and page cost 0.2-0.7 s a test on this machine;
 * nothing of the viewers lives outside the document and its URL (no storage, no cookies),
 * so a reused page isolates tests as well as a new context. The Watched's close() leaves the
 * page open for the next test; closing the browser closes it.
 */
export function reusedPage(browser: () => Browser): () => Promise<Watched> {
  let w: Watched | undefined;
  return async () => {
    if (w === undefined || w.page.isClosed()) {
      w = await openWatchedPage(browser());
      w.close = async () => {};
    }
    await w.page.goto('about:blank');
    // Emptied once the last test's document is gone, so nothing of it is counted again.
    w.dialogs.length = 0;
    w.answers.length = 0;
    w.errors.length = 0;
    w.network.length = 0;
    return w;
  };
}

/**
 * Well-formedness as Chromium's XML parser sees it: loads the text as image/svg+xml and
 * returns the parser's error message, or null when the document is well-formed.
 */
export async function xmlParseError(page: Page, text: string): Promise<string | null> {
  return page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    const err = doc.getElementsByTagName('parsererror')[0];
    return err ? (err.textContent ?? 'parsererror') : null;
  }, text);
}

/**
 * xmlParseError of a file's text, read by the page itself (an XMLHttpRequest of a file: URL,
 * which --allow-file-access-from-files permits) and decoded as UTF-8, as Node's
 * `toString('utf8')` decodes it: the same check without sending megabytes of text through
 * the DevTools protocol (a 10 MB SVG took seconds that way).
 */
export async function xmlFileParseError(page: Page, url: string): Promise<string | null> {
  return page.evaluate(async (u) => {
    const bytes = await new Promise<ArrayBuffer>((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open('GET', u);
      x.responseType = 'arraybuffer';
      x.onload = () => resolve(x.response as ArrayBuffer);
      x.onerror = () => reject(new Error(`cannot read ${u}`));
      x.send();
    });
    const doc = new DOMParser().parseFromString(new TextDecoder('utf-8').decode(bytes), 'image/svg+xml');
    const err = doc.getElementsByTagName('parsererror')[0];
    return err ? (err.textContent ?? 'parsererror') : null;
  }, url);
}
