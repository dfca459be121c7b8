// Run against a platform whose media admission offers a coturn server: the
// client forces relayed media (`?relay=1`), so the call works only if coturn
// accepts the platform's time-limited credentials and relays to the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentStartsCall, statusIs, receivesVideo, tid } from './lib.mjs';

test('a client behind a strict NAT reaches the gateway through TURN', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page);
    await client.page.goto(`${url}?lang=en&relay=1`);
    await client.page.check(tid('consent'));
    await client.page.click(tid('join'));
    await statusIs(agent.page, 'active', 30000);
    assert.ok(await receivesVideo(agent.page) >= 5, 'the client\'s relayed video arrives');
    assert.ok(await receivesVideo(client.page) >= 5, 'and the agent\'s reaches the client through the relay');
  } finally {
    await browser.close();
  }
});
