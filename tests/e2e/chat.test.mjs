// The in-call chat, as agent and client use it: messages both ways (each
// shown once, on both sides), markup shown as text, links, the unread
// badge and divider, the length limit, and a client that reloads its page
// while messages come and go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, callUp, tid, openChat, closeChat, sendChat, chatMessages, chatShows, nothingPending, assertChat,
  statusIs,
} from './lib.mjs';

test('chat both ways: once on each side, markup as text, links, unread marker, read mark, length limit', async () => {
  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser, { mode: 'one_way' });
    const dialogs = [];
    for (const p of [agent.page, client.page]) p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await openChat(agent.page);
    // The client looks away: its chat is closed.
    await closeChat(client.page);

    await sendChat(agent.page, 'Hello from the agent');
    await chatShows(agent.page, 'Hello from the agent');
    await nothingPending(agent.page);
    assert.equal(await agent.page.inputValue(tid('chat-input')), '', 'the input is cleared after sending');

    // The client has not seen it: a badge on the chat button and a divider.
    await client.page.waitForSelector(`${tid('chat-unread')}:visible`);
    assert.equal((await client.page.textContent(tid('chat-unread'))).trim(), '1');
    assert.equal(await client.page.locator(tid('chat-new-divider')).count(), 1);
    await openChat(client.page);
    await chatShows(client.page, 'Hello from the agent');
    await client.page.waitForSelector(`${tid('chat-new-divider')}:visible`);
    await client.page.waitForSelector(tid('chat-unread'), { state: 'hidden' });
    // ... and the divider stands right above the unread message.
    const nextToDivider = await client.page.$eval(tid('chat-new-divider'), (d) => d.nextElementSibling?.querySelector('[data-testid="chat-text"]')?.textContent);
    assert.equal(nextToDivider, 'Hello from the agent');
    // The agent learns that the client read it.
    await agent.page.waitForSelector(`${tid('chat-message')}[data-from="agent"][data-read="true"]`);

    // Newlines and links; a link only through an <a> the page makes.
    const multi = 'Line one\nLine two: https://example.com/path?q=1.';
    await sendChat(client.page, multi);
    await chatShows(agent.page, multi);
    const link = agent.page.locator(`${tid('chat-text')} a`).last();
    assert.equal(await link.getAttribute('href'), 'https://example.com/path?q=1');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match(await link.getAttribute('rel'), /noopener/);
    assert.match(await link.getAttribute('rel'), /noreferrer/);
    assert.equal(await link.textContent(), 'https://example.com/path?q=1');
    const shownText = await agent.page.locator(tid('chat-text')).last().innerText();
    assert.equal(shownText, multi, 'newlines are kept on screen');

    // Markup is text.
    const markup = '<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>';
    await sendChat(client.page, markup);
    await chatShows(agent.page, markup);
    await chatShows(client.page, markup);
    for (const p of [agent.page, client.page]) {
      assert.equal(await p.locator(`${tid('chat-messages')} img`).count(), 0, 'no <img> from a message');
      assert.equal(await p.locator(`${tid('chat-messages')} script`).count(), 0, 'no <script> from a message');
      assert.equal(await p.locator(`${tid('chat-messages')} b`).count(), 0, 'no <b> from a message');
    }

    // Over 4096 bytes of UTF-8 (2049 Cyrillic letters: fewer than 4096 characters): refused in the page.
    const before = (await chatMessages(agent.page)).length;
    const tooLong = 'я'.repeat(2049);
    await client.page.fill(tid('chat-input'), tooLong);
    await client.page.click(tid('chat-send'));
    await client.page.waitForSelector(`${tid('chat-error')}:visible`);
    const error = await client.page.textContent(tid('chat-error'));
    assert.match(error, /too long/i);
    assert.match(error, /4098/);
    assert.match(error, /4096/);
    assert.equal(await client.page.inputValue(tid('chat-input')), tooLong, 'the text stays for editing');
    assert.equal(await client.page.getAttribute(tid('chat-input'), 'aria-invalid'), 'true');
    // Exactly 4096 bytes go; the agent gets that one and nothing before it.
    const longest = 'я'.repeat(2048);
    await sendChat(client.page, longest);
    await client.page.waitForSelector(`${tid('chat-error')}`, { state: 'hidden' });
    await chatShows(agent.page, longest);
    await chatShows(client.page, longest);
    assert.equal((await chatMessages(agent.page)).length, before + 1, 'the over-long message never reached the agent');

    // Every message once, in the same order on both sides.
    await nothingPending(agent.page);
    await nothingPending(client.page);
    const texts = ['Hello from the agent', multi, markup, longest];
    const onAgent = await assertChat(agent.page, texts, 'agent');
    const onClient = await assertChat(client.page, texts, 'client');
    assert.deepEqual(onAgent.map((m) => [m.seq, m.from]), onClient.map((m) => [m.seq, m.from]));
    assert.deepEqual(onAgent.map((m) => m.from), ['agent', 'client', 'client', 'client']);
    assert.deepEqual(dialogs, [], 'no script ran');

    // After the call the agent still reads the chat (not writes); also after a reload, from the history.
    await agent.page.click(tid('end-call'));
    await statusIs(agent.page, 'ended');
    await agent.page.waitForSelector(`${tid('chat')}[data-live="false"]`);
    assert.ok(await agent.page.locator(tid('chat-input')).isDisabled(), 'read-only after the call');
    await assertChat(agent.page, texts, 'agent after the call');
    await agent.page.reload();
    await statusIs(agent.page, 'ended');
    await chatShows(agent.page, longest);
    await assertChat(agent.page, texts, 'agent reopening the finished interaction');
  } finally {
    await browser.close();
  }
});

test('a client that reloads misses nothing and sees nothing twice, not even its own last message', async () => {
  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser, { mode: 'one_way' });
    await openChat(agent.page);
    await openChat(client.page);
    await sendChat(agent.page, 'A1');
    await chatShows(client.page, 'A1');
    await sendChat(client.page, 'C1');
    await chatShows(agent.page, 'C1');
    await nothingPending(client.page);

    // The client reloads; the agent writes meanwhile.
    const reloading = client.page.reload();
    await sendChat(agent.page, 'A2');
    await sendChat(agent.page, 'A3');
    await reloading;
    await statusIs(client.page, 'active', 30000);
    await openChat(client.page);
    await chatShows(client.page, 'A3');
    await sendChat(agent.page, 'A4');
    await chatShows(client.page, 'A4');
    await assertChat(client.page, ['A1', 'C1', 'A2', 'A3', 'A4'], 'client after its reload');

    // A message the page sent the very moment it reloaded (its ack never read):
    // resent after the reload with the same id, stored once.
    await client.page.evaluate(() => {
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        send.call(this, data);
        if (typeof data === 'string' && JSON.parse(data).type === 'chat') location.reload();
      };
    });
    let reloaded = client.page.waitForEvent('load');
    await sendChat(client.page, 'C2 sent as the page reloads');
    await reloaded;
    await statusIs(client.page, 'active', 30000);
    await openChat(client.page);
    await chatShows(client.page, 'C2 sent as the page reloads');
    await chatShows(agent.page, 'C2 sent as the page reloads');

    // A message that never left the page before the reload: sent after it.
    await client.page.evaluate(() => {
      WebSocket.prototype.send = new Proxy(WebSocket.prototype.send, {
        apply(target, ws, args) {
          if (typeof args[0] === 'string' && JSON.parse(args[0]).type === 'chat') {
            setTimeout(() => location.reload(), 300);
            return undefined;
          }
          return Reflect.apply(target, ws, args);
        },
      });
    });
    reloaded = client.page.waitForEvent('load');
    await sendChat(client.page, 'C3 never left before the reload');
    await client.page.waitForSelector(`${tid('chat-message')}[data-pending="true"]`);
    await reloaded;
    await statusIs(client.page, 'active', 30000);
    await openChat(client.page);
    await chatShows(client.page, 'C3 never left before the reload');
    await chatShows(agent.page, 'C3 never left before the reload');

    await sendChat(agent.page, 'A5');
    await chatShows(client.page, 'A5');
    await nothingPending(client.page);
    await nothingPending(agent.page);
    const all = ['A1', 'C1', 'A2', 'A3', 'A4', 'C2 sent as the page reloads', 'C3 never left before the reload', 'A5'];
    const onClient = await assertChat(client.page, all, 'client');
    const onAgent = await assertChat(agent.page, all, 'agent');
    assert.deepEqual(onClient.map((m) => m.seq), onAgent.map((m) => m.seq));
  } finally {
    await browser.close();
  }
});
