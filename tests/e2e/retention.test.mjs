// Files the storage retention policy deleted, on the admin panel's
// interaction page: the recording and the chat file are shown as deleted
// (when, and why) with nothing to play or download, and the timeline says
// what went; in English and in Russian.
//
// Environment (tests/system/browser.rs, which made the call and ran the
// cleanup): VC_BASE_URL, VC_ADMIN_LOGIN, VC_ADMIN_PASSWORD,
// VC_E2E_INTERACTION (the call), VC_E2E_FILE_NAME (the chat file's name).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_LOGIN, ADMIN_PASSWORD, BASE, launch, person, tid } from './lib.mjs';

const ID = process.env.VC_E2E_INTERACTION;
const NAME = process.env.VC_E2E_FILE_NAME;

let browser;

before(async () => {
  assert.ok(ID && NAME, 'VC_E2E_INTERACTION and VC_E2E_FILE_NAME are set');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const cases = [
  { lang: 'en', locale: 'en-US', deleted: /Deleted .* by the storage retention policy/, recording: /^Recording deleted by the storage retention policy$/ },
  { lang: 'ru', locale: 'ru-RU', deleted: /Удалено .* по политике хранения/, recording: /^Запись удалена по политике хранения$/ },
];

for (const c of cases) {
  test(`deleted files on the interaction page (${c.lang})`, async () => {
    const { context, page } = await person(browser, { locale: c.locale });
    page.on('pageerror', (e) => console.log(`admin page error: ${e.message}`));
    try {
      await page.goto(`${BASE}/admin/?lang=${c.lang}`);
      await page.fill(tid('login-username'), ADMIN_LOGIN);
      await page.fill(tid('login-password'), ADMIN_PASSWORD);
      await page.click(tid('login-submit'));
      await page.waitForSelector(tid('nav'), { state: 'attached' });
      await page.evaluate((id) => {
        location.hash = `#/reports/${id}`;
      }, ID);
      await page.waitForSelector(`${tid('interaction-page')}[data-id="${ID}"][data-loaded="true"]`);

      // The recording: what it was, and that it is gone; nothing to play.
      const recording = page.locator(tid('history-recording'));
      assert.equal(await recording.getAttribute('data-state'), 'deleted');
      assert.match(await page.textContent(tid('history-recording-deleted')), c.deleted);
      assert.ok((await page.textContent(tid('history-recording-duration'))).length > 0, 'its length stays');
      assert.equal(await page.locator(tid('history-recording-play')).count(), 0);
      assert.equal(await page.locator(tid('history-recording-download')).count(), 0);

      // The chat message keeps the file's name, says it is deleted, offers no download.
      const message = page.locator(tid('history-message'), { hasText: NAME });
      assert.equal(await message.count(), 1);
      assert.match(await message.locator(tid('history-chat-deleted')).textContent(), c.deleted);
      assert.equal(await page.locator(tid('history-chat-download')).count(), 0);

      // The timeline: one entry per deleted file.
      const texts = await page.$$eval(`${tid('timeline-event')}[data-type="file_deleted"]`, (ns) => ns.map((n) => n.querySelector('span')?.textContent ?? ''));
      assert.equal(texts.length, 2, JSON.stringify(texts));
      assert.ok(texts.some((t) => t.includes(NAME)), `the chat file is named: ${JSON.stringify(texts)}`);
      assert.ok(
        texts.some((t) => c.recording.test(t)),
        `the recording's deletion: ${JSON.stringify(texts)}`,
      );
    } finally {
      await context.close();
    }
  });
}
