// Run against a platform whose links live VC_SHORT_LINK_TTL seconds.
import { test } from 'node:test';
import { launch, person, agentStartsCall, visible } from './lib.mjs';

test('a link past its lifetime is expired', async () => {
  const ttl = Number(process.env.VC_SHORT_LINK_TTL ?? '3');
  const browser = await launch();
  try {
    const agent = await person(browser);
    const url = await agentStartsCall(agent.page);
    await new Promise((r) => setTimeout(r, ttl * 1000 + 500));
    const client = await person(browser);
    await client.page.goto(`${url}?lang=en`);
    await visible(client.page, 'link-expired');
  } finally {
    await browser.close();
  }
});
