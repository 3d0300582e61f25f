'use strict';
// One fixed scenario through the Node etcd3 client, run against etcd 3.4 and GrainKv by the integration tests
// (Differential/NodeEtcd3ClientTests), which compare what it prints: one JSON line per step, nothing that differs
// between two servers given the same requests (no lease or member ids). Usage: node scenario.js host:port[,host:port...]
const { Etcd3 } = require('etcd3');

const client = new Etcd3({ hosts: process.argv[2].split(',') });
const record = (step, value) => console.log(JSON.stringify({ step, value }));
const errorOf = async (promise) => {
  try { await promise; return 'no error'; } catch (e) { return `${e.constructor.name}: ${e.message}`; }
};
const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);

async function main() {
  await client.put('greeting').value('hello');
  await client.put('greeting').value('hello again');
  record('get', await client.get('greeting').string());
  const kv = (await client.get('greeting').exec()).kvs[0];
  record('get meta', { create: kv.create_revision, mod: kv.mod_revision, version: kv.version });
  for (const k of ['p/a', 'p/b', 'p/c', 'q/a']) await client.put(k).value(k.toUpperCase());
  record('prefix', await client.getAll().prefix('p/').strings());
  record('prefix keys only', await client.getAll().prefix('p/').keys());
  record('prefix count', await client.getAll().prefix('p/').count());
  record('sorted desc limit', await client.getAll().prefix('p/').sort('Key', 'Descend').limit(2).keys());
  record('delete', (await client.delete().prefix('p/').exec()).deleted);
  record('history', await client.get('greeting').revision(3).string());

  const txn = await client.if('greeting', 'Value', '==', 'hello again')
    .then(client.put('greeting').value('swapped'))
    .else(client.put('greeting').value('not swapped'))
    .commit();
  record('txn', { succeeded: txn.succeeded, value: await client.get('greeting').string() });
  const failedTxn = await client.if('greeting', 'Version', '>', 10).then(client.put('x').value('1')).commit();
  record('txn not taken', failedTxn.succeeded);

  const lease = client.lease(30, { autoKeepAlive: false });
  await lease.put('leased').value('v');
  const ttl = await client.leaseClient.leaseTimeToLive({ ID: await lease.grant() });
  record('lease ttl', { granted: ttl.grantedTTL, remainingAbove25: Number(ttl.TTL) > 25 });
  await lease.keepaliveOnce();
  record('leased key', await client.get('leased').string());
  await lease.revoke();
  record('after revoke', await client.get('leased').string());
  record('revoke unknown lease', await errorOf(client.leaseClient.leaseRevoke({ ID: '123456789' })));

  const watcher = await client.watch().prefix('w/').create();
  const events = [];
  const done = new Promise(resolve => {
    watcher.on('put', kv => { events.push(['put', kv.key.toString(), kv.value.toString()]); if (events.length === 3) resolve(); });
    watcher.on('delete', kv => { events.push(['delete', kv.key.toString()]); if (events.length === 3) resolve(); });
  });
  await client.put('w/a').value('1');
  await client.put('w/b').value('2');
  await client.delete().key('w/a');
  await withTimeout(done, 10000, 'watch events');
  await watcher.cancel();
  record('watch', events);

  const lock = client.lock('the-lock');
  await lock.acquire();
  record('second lock while held', await errorOf(client.lock('the-lock').ttl(5).acquire().then(l => l.release())));
  await lock.release();
  const second = await client.lock('the-lock').acquire();
  record('lock after release', true);
  await second.release();

  const election = client.election('the-election', 5);
  const campaign = election.campaign('candidate-1');
  await withTimeout(new Promise((resolve, reject) => { campaign.on('elected', resolve); campaign.on('error', reject); }), 10000, 'elected');
  record('leader', await election.leader());
  await campaign.proclaim('candidate-1b');
  record('proclaimed', await election.leader());
  await campaign.resign();
  record('after resign', await election.leader());

  const rev = (await client.get('greeting').exec()).header.revision;
  await client.put('greeting').value('after compaction');
  // etcd3 has no compaction method of its own: the generated KV client makes the call.
  await client.kv.compact({ revision: rev });
  record('read compacted revision', await errorOf(client.get('greeting').revision(3).string()));
  record('empty key', await errorOf(client.put('').value('v')));
  record('future revision', await errorOf(client.get('greeting').revision(100000).string()));

  await client.stm().transact(tx => tx.get('counter').then(v => tx.put('counter').value(String(Number(v || 0) + 1))));
  record('stm', await client.get('counter').string());
}

// Timers the client leaves behind kept the process alive for some 10 s after close(): exit once the output is written.
const exit = code => { client.close(); process.stdout.write('', () => process.exit(code)); };
main()
  .then(() => exit(0))
  .catch(e => { record('fatal', `${e.constructor.name}: ${e.message}`); exit(1); });
