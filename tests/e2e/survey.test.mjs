// The post-call survey: an admin defines one (rating, choice, text),
// switches the survey on and sets a redirect URL (a tiny page served here);
// after a call the agent ends, the client page shows the survey, refuses to
// send without the required answers, sends them, thanks the client and
// lands on the redirect URL. The interaction then carries the answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { launch, callUp, rest, statusIs, tid, visible, adminToken, agentToken, changeSettings, putSettings } from './lib.mjs';

/** The company's "thank you" page the client is sent to. */
async function landingPage() {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Acme thanks</title><h1 id="landed">Thank you from Acme</h1>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, hits, base: `http://127.0.0.1:${server.address().port}` };
}

const QUESTIONS = [
  { kind: 'rating', text: { ru: 'Оцените звонок', en: 'Rate the call' }, options: [], required: true },
  {
    kind: 'choice',
    text: { ru: 'Вопрос решён?', en: 'Was your issue solved?' },
    options: [
      { ru: 'Да', en: 'Yes' },
      { ru: 'Нет', en: 'No' },
    ],
    required: true,
  },
  { kind: 'text', text: { ru: 'Что улучшить?', en: 'What could be better?' }, options: [], required: false },
];

test('after the call the client answers the survey and lands on the company page', async () => {
  const admin = await adminToken();
  const site = await landingPage();
  const redirect = `${site.base}/thanks?from=videoassist`;
  await putSettings(admin, 'survey', { questions: QUESTIONS });
  await changeSettings(admin, 'features', { survey: true });
  await changeSettings(admin, 'branding', { redirect_url: redirect });

  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser);
    const id = await agent.page.getAttribute(tid('interaction-panel'), 'data-id');
    await agent.page.click(tid('end-call'));
    await statusIs(agent.page, 'ended');

    await visible(client.page, 'survey', 20000);
    await visible(client.page, 'call-ended');
    const questions = await client.page.$$eval(`${tid('survey')} ${tid('survey-question')}`, (nodes) =>
      nodes.map((n) => ({ kind: n.dataset.kind, required: n.dataset.required })),
    );
    assert.deepEqual(questions, [
      { kind: 'rating', required: 'true' },
      { kind: 'choice', required: 'true' },
      { kind: 'text', required: 'false' },
    ]);

    // Required answers first: nothing is sent, the page stays.
    await client.page.click(tid('survey-submit'));
    await visible(client.page, 'survey-error');
    assert.equal(await client.page.locator(`${tid('survey-question')}[data-invalid="true"]`).count(), 2);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(client.page.url().includes('/c/'), 'still on the client page');
    assert.equal(site.hits.length, 0, 'not redirected before the answers are sent');

    await client.page.click(`${tid('survey-question')}[data-kind="rating"] ${tid('survey-rating-4')}`);
    assert.equal(await client.page.getAttribute(tid('survey-rating-4'), 'aria-pressed'), 'true');
    await client.page.check(`${tid('survey-question')}[data-kind="choice"] ${tid('survey-choice-0')}`);
    await client.page.fill(tid('survey-text'), 'Quick and clear, thank you');
    await client.page.click(tid('survey-submit'));
    await visible(client.page, 'survey-thanks', 15000);
    await client.page.waitForURL((u) => u.href.startsWith(site.base), { timeout: 15000 });
    await client.page.waitForSelector('#landed');
    assert.deepEqual(
      site.hits.filter((u) => u !== '/favicon.ico'),
      ['/thanks?from=videoassist'],
    );

    // The interaction carries the answers (read with the agent's token).
    const agentBearer = await agentToken();
    const stored = await rest('GET', `/api/interactions/${id}`, agentBearer);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    const answers = stored.body.survey?.answers ?? [];
    assert.equal(answers.length, 3, JSON.stringify(stored.body.survey));
    assert.equal(answers.find((a) => a.kind === 'rating')?.rating, 4);
    assert.equal(answers.find((a) => a.kind === 'choice')?.choice?.en, 'Yes');
    assert.equal(answers.find((a) => a.kind === 'text')?.text, 'Quick and clear, thank you');
  } finally {
    await browser.close();
    site.server.close();
  }
});
