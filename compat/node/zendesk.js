// Drives chatlift's support API with node-zendesk, unmodified, the way an
// integrator's app does: users with offset and cursor paging, then a ticket
// created, shown, updated, commented on, searched for and deleted. Each
// answer is checked; any failure exits non-zero.
//
// Usage: node zendesk.js BASE_URL EMAIL API_TOKEN
'use strict';

const assert = require('node:assert/strict');
const {createClient} = require('node-zendesk');

async function main() {
  const [base, username, token] = process.argv.slice(2);
  if (!base || !username || !token) {
    throw new Error('usage: node zendesk.js BASE_URL EMAIL API_TOKEN');
  }
  const endpointUri = base.replace(/\/$/, '') + '/api/v2';
  const client = createClient({username, token, endpointUri, throwOriginalException: true});

  const {result: me} = await client.users.me();
  assert.equal(me.email.toLowerCase(), username.toLowerCase(), 'users.me is the caller');

  // Users: the client's own cursor paging, then small pages of each style.
  const all = await client.users.list();
  assert.ok(all.length > 2, `users.list found ${all.length} users`);
  const ids = all.map((u) => u.id);
  const byCursor = await client.users.getAll(`${endpointUri}/users.json?page[size]=2`);
  assert.deepEqual(byCursor.map((u) => u.id), ids, 'cursor pages of 2 hold every user once, in order');
  const byOffset = await client.users.getAll(`${endpointUri}/users.json?per_page=2`);
  assert.deepEqual(byOffset.map((u) => u.id), ids, 'offset pages of 2 hold every user once, in order');

  // A ticket's life.
  const subject = `Printer on fire ${Date.now()}`;
  const {result: created} = await client.tickets.create({ticket: {
    subject, comment: {body: 'It is really on fire.'}, priority: 'high', tags: ['printer'], type: 'incident',
  }});
  assert.ok(created.id > 0, 'created ticket has an id');
  assert.equal(created.status, 'new');
  assert.equal(created.priority, 'high');
  assert.equal(created.requester_id, me.id);
  assert.equal(created.via.channel, 'api');

  const {result: shown} = await client.tickets.show(created.id);
  assert.equal(shown.subject, subject);
  assert.equal(shown.description, 'It is really on fire.');

  const {result: updated} = await client.tickets.update(created.id, {ticket: {status: 'open', assignee_id: me.id}});
  assert.equal(updated.status, 'open');
  assert.equal(updated.assignee_id, me.id);

  await client.tickets.update(created.id, {ticket: {comment: {body: 'Extinguisher on its way.', public: false}}});
  const comments = await client.tickets.getComments(created.id);
  assert.deepEqual(comments.map((c) => [c.body, c.public]),
    [['It is really on fire.', true], ['Extinguisher on its way.', false]], 'comments');

  const {result: many} = await client.tickets.showMany([created.id]);
  assert.deepEqual(many.map((t) => t.id), [created.id], 'show_many');

  const {result: found} = await client.search.query(`type:ticket status:open "${subject}"`);
  assert.deepEqual(found.map((r) => [r.result_type, r.id]), [['ticket', created.id]], 'search finds the ticket');

  await client.tickets.delete(created.id);
  await assert.rejects(client.tickets.show(created.id), (err) => err.statusCode === 404, 'deleted ticket is gone');

  console.log(`node-zendesk ok: ${all.length} users, ticket ${created.id} created, updated, commented, found and deleted`);
}

main().catch((err) => {
  console.error('node-zendesk failed:', err && err.stack ? err.stack : err);
  process.exit(1);
});
