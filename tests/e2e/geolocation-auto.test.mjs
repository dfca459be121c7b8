// `[server] auto_geolocation`: the client's page asks for the position as
// soon as it joins (once: not again after a reload), and the agent gets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentStartsCall, clientJoins, statusIs, visible, hidden, tid } from './lib.mjs';

test('with auto_location the client page asks at join, once', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser, {
      permissions: ['camera', 'microphone', 'geolocation'],
      contextOptions: { geolocation: { latitude: 59.93863, longitude: 30.31413, accuracy: 40 } },
    });
    const url = await agentStartsCall(agent.page, { mode: 'two_way' });
    await clientJoins(client.page, url);
    await visible(client.page, 'geolocation-prompt', 30000);
    assert.equal(await client.page.getAttribute(tid('geolocation-prompt'), 'data-request-id'), null, 'no request: asked at join');
    await client.page.click(tid('geolocation-allow'));
    await agent.page.waitForFunction(
      (sel) => [...document.querySelectorAll(sel)].some((n) => n.closest('[data-seq]') && n.dataset.lat === '59.93863'),
      `${tid('chat-messages')} ${tid('location-message')}`,
      { timeout: 20000 },
    );
    await agent.page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'received', tid('geolocation'));
    const accuracy = await agent.page.textContent(`${tid('location-message')} ${tid('location-accuracy')}`);
    assert.equal(accuracy, '±40 m');

    await client.page.reload();
    await statusIs(client.page, 'active', 30000);
    await new Promise((r) => setTimeout(r, 2500));
    await hidden(client.page, 'geolocation-prompt', 1000);
  } finally {
    await browser.close();
  }
});
