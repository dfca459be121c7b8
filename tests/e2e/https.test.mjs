// Run against a platform serving HTTPS (a generated certificate): the pages
// are a secure context, the control and signaling sockets are wss://.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, person, agentStartsCall, clientJoins, statusIs, receivesVideo } from './lib.mjs';

test('a call over HTTPS', async () => {
  assert.ok(BASE.startsWith('https://'), BASE);
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page);
    assert.ok(url.startsWith('https://'), `the client link is an HTTPS link: ${url}`);
    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 20000);
    assert.equal(await client.page.evaluate(() => window.isSecureContext), true);
    assert.ok(await receivesVideo(agent.page) >= 5);
    assert.ok(await receivesVideo(client.page) >= 5);
  } finally {
    await browser.close();
  }
});
