// Checks the live page in Debian's chromium, headless, driven by puppeteer-core.
// Usage: node check-live.js URL SCREENSHOT_DIR CUSTOMERS [FOREIGN_WRITE_COMMAND...]
//   CUSTOMERS: comma-separated names that must all appear in the feed, e.g. Alice,Bob,Chuck
//   FOREIGN_WRITE_COMMAND: run once the page shows CONSERVED; the badge must then turn NOT CONSERVED
// Exits 1 with the reason on the first check that fails. Prints the screenshots' paths.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [url, shots, customerList, ...foreign] = process.argv.slice(2);
if (!url || !shots || !customerList) {
  console.error('usage: node check-live.js URL SCREENSHOT_DIR CUSTOMERS [FOREIGN_WRITE_COMMAND...]');
  process.exit(2);
}
const customers = customerList.split(',');
const say = (text) => console.log('browser: ' + text);

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  let closing = false;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 1050 });
    page.on('console', (message) => { if (message.type() === 'error') problems.push('console error: ' + message.text()); });
    page.on('pageerror', (error) => problems.push('page error: ' + error.message));
    page.on('requestfailed', (request) => {
      if (!closing) problems.push('request failed: ' + request.url() + ' ' + (request.failure() || {}).errorText);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push('HTTP ' + response.status() + ': ' + response.url());
    });
    const check = (what) => { if (problems.length) throw new Error(what + ': ' + problems.join('; ')); };

    const started = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    check('loading the page');
    say('page loaded with no console errors');

    // Within 20 s: points on the chart, commits of every customer in the feed, the audit, and
    // a committed count in the contention table of the instance's own customers.
    try {
      await page.waitForFunction((names) => {
        const points = Number(document.body.dataset.points || 0);
        const canvas = document.querySelector('#chart canvas');
        const seen = new Set([...document.querySelectorAll('#feed-body .who')].map((e) => e.textContent));
        const committed = [...document.querySelectorAll('#contention-body .outcomes span')]
          .some((e) => /^committed [1-9]/.test(e.textContent));
        return canvas && points > 1 && names.every((n) => seen.has(n)) && committed
          && document.getElementById('badge').textContent.startsWith('CONSERVED');
      }, { timeout: 20000, polling: 200 }, customers);
    }
    catch (error) {
      const seen = await page.evaluate(() => ({ points: document.body.dataset.points,
        feed: [...new Set([...document.querySelectorAll('#feed-body .who')].map((e) => e.textContent))],
        contention: document.getElementById('contention-body').textContent,
        badge: document.getElementById('badge').textContent }));
      throw new Error('within 20 s the page did not show points, commits by ' + customers.join(', ')
        + ', a committed count in its contention table and CONSERVED; it showed ' + JSON.stringify(seen));
    }
    const shown = await page.evaluate(() => ({ points: Number(document.body.dataset.points),
      rows: document.querySelectorAll('#feed-body tr').length, badge: document.getElementById('badge').textContent }));
    say(`after ${((Date.now() - started) / 1000).toFixed(1)} s: ${shown.points} versions on the chart, `
      + `${shown.rows} commits in the feed by ${customers.join(', ')}, badge ${shown.badge}`);
    const conserved = path.join(shots, 'live-conserved.png');
    await page.screenshot({ path: conserved });
    say('screenshot: ' + conserved);

    if (foreign.length) {
      const writing = Date.now();
      execFileSync(foreign[0], foreign.slice(1), { stdio: 'ignore' });
      const wrote = Date.now();
      try {
        await page.waitForFunction(() => document.getElementById('badge').textContent.startsWith('NOT CONSERVED')
          && document.querySelector('#feed-body tr.unexplained'), { timeout: 10000, polling: 100 });
      }
      catch (error) {
        throw new Error('the badge did not turn NOT CONSERVED within 10 s of the foreign write');
      }
      const badge = await page.$eval('#badge', (e) => e.textContent);
      say(`foreign write: NOT CONSERVED ${((Date.now() - writing) / 1000).toFixed(1)} s after starting the command, `
        + `which took ${((wrote - writing) / 1000).toFixed(1)} s (${badge})`);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // a few commits after it, for the picture
      const caught = path.join(shots, 'live-not-conserved.png');
      await page.screenshot({ path: caught });
      say('screenshot: ' + caught);
    }
    check('while the page ran');
    say('no console errors, failed requests or HTTP errors');
    closing = true;
  }
  finally {
    closing = true;
    await browser.close();
  }
})().catch((error) => {
  console.error('browser: FAILED: ' + error.message);
  process.exit(1);
});
