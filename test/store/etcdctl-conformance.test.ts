// etcdctl v3.4 against our store and against real etcd 3.4, side by side: the same commands must
// print the same thing (after IDs, timings and sizes, which differ between any two clusters,
// are replaced by placeholders). Key outputs are also asserted literally, so a broken reference
// cannot make the comparison pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreCluster, sleep } from '../support/store-cluster.js';

let ours: StoreCluster;
let etcd: StoreCluster;

beforeAll(async () => {
  [ours, etcd] = await Promise.all([StoreCluster.start({ impl: 'store' }), StoreCluster.start({ impl: 'etcd' })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([ours?.destroy(), etcd?.destroy()]);
});

/** Replaces what legitimately differs between two clusters with stable placeholders. */
function normalize(text: string): string {
  const ids = new Map<string, string>();
  const idOf = (raw: string): string => {
    let v = ids.get(raw);
    if (!v) {
      v = `<id${ids.size + 1}>`;
      ids.set(raw, v);
    }
    return v;
  };
  return text
    .replace(/"ts":"[^"]*"/g, '"ts":"<ts>"')
    .replace(/"target":"[^"]*"/g, '"target":"<target>"')
    .replace(/ETCD_INITIAL_CLUSTER="([^"]*)"/g, (_m, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`)
    .replace(/took = [0-9.]+[µmn]?s/g, 'took = <t>')
    .replace(/\s*\b\d+(\.\d+)? [kMG]?B\b\s*/g, ' <size> ')
    .replace(/"(cluster_id|member_id|ID|leader)":\s*\d+/g, (_m, k: string) => `"${k}":<n>`)
    .replace(/"raft_term":\s*\d+/g, '"raft_term":<n>')
    // Member and cluster IDs are uint64s printed in hex (%16x: space-padded to 16) by etcdctl.
    .replace(/\b(Member|cluster) +([0-9a-f]+)\b/g, (_m, word: string, id: string) => `${word} ${idOf(id)}`)
    .replace(/\b[0-9a-f]{12,16}\b/g, (m) => idOf(m))
    // Table cells are padded to their widest value, and IDs and sizes differ in width.
    .replace(/ *\| */g, ' | ')
    .replace(/remaining\(\d+s\)/g, 'remaining(<s>)')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:<port>');
}

type Ctl = (c: StoreCluster) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

async function both(run: Ctl): Promise<{ ours: string; etcd: string; oursRaw: string; code: number }> {
  const [a, b] = await Promise.all([run(ours), run(etcd)]);
  const show = (r: { stdout: string; stderr: string; exitCode: number }) => `${r.stdout}\n--stderr--\n${r.stderr}\n--exit ${r.exitCode}`;
  return { ours: normalize(show(a)), etcd: normalize(show(b)), oursRaw: a.stdout, code: a.exitCode };
}

const ctl =
  (...args: string[]): Ctl =>
  (c) =>
    c.etcdctl(args, { endpoints: c.endpoint(0) });

async function same(...args: string[]): Promise<string> {
  const r = await both(ctl(...args));
  expect(r.ours, `etcdctl ${args.join(' ')}`).toBe(r.etcd);
  return r.oursRaw;
}

describe('etcdctl against ours and against etcd 3.4', () => {
  it('put, get, prefix, keys-only, limit, revisions, serializable, json', async () => {
    expect(await same('put', 'foo', 'bar')).toBe('OK');
    expect(await same('get', 'foo')).toBe('foo\nbar');
    await same('put', 'foo2', 'baz');
    await same('put', 'fop', 'x');
    await same('put', 'foo', 'bar2');
    expect(await same('get', 'foo', '--prefix')).toBe('foo\nbar2\nfoo2\nbaz');
    await same('get', 'fo', '--prefix', '--keys-only');
    await same('get', 'fo', '--prefix', '--limit', '1');
    await same('get', 'fo', '--prefix', '--sort-by', 'MODIFY', '--order', 'DESCEND');
    expect(await same('get', 'foo', '--rev', '2')).toBe('foo\nbar');
    await same('get', 'foo', '--consistency', 's');
    await same('get', 'foo', '-w', 'json');
    await same('get', 'fo', '--prefix', '--limit', '1', '-w', 'json');
    await same('get', '', '--from-key');
    await same('get', 'nothing-here');
  });

  it('del, del --prefix, --prev-kv', async () => {
    expect(await same('del', 'foo2')).toBe('1');
    await same('put', 'dir/a', '1');
    await same('put', 'dir/b', '2');
    await same('put', 'dir/a', '3', '--prev-kv');
    expect(await same('del', 'dir/', '--prefix', '--prev-kv')).toBe('2\ndir/a\n3\ndir/b\n2');
    await same('del', 'absent');
  });

  it('txn with compares, success and failure branches', async () => {
    const txn = (input: string): Ctl => (c) => c.etcdctl(['txn'], { endpoints: c.endpoint(0), input });
    const yes = await both(txn('mod("foo") > "0"\n\nput foo txnyes\nget foo\n\nput foo txnno\n\n'));
    expect(yes.ours).toBe(yes.etcd);
    expect(yes.oursRaw).toBe('SUCCESS\n\nOK\n\nfoo\ntxnyes');
    const no = await both(txn('value("foo") = "nope"\n\nput foo a\n\nput foo b\nget foo\n\n'));
    expect(no.ours).toBe(no.etcd);
    expect(no.oursRaw).toBe('FAILURE\n\nOK\n\nfoo\nb');
    const missing = await both(txn('version("ghost") = "0"\ncreate("ghost") = "0"\n\nput ghost boo\n\n\n'));
    expect(missing.ours).toBe(missing.etcd);
    expect(missing.oursRaw.startsWith('SUCCESS')).toBe(true);
  });

  it('watch from a past revision prints the history, then live events', async () => {
    const watch: Ctl = async (c) => {
      const pending = c.etcdctl(['watch', 'wkey', '--rev', '1', '--prev-kv'], { endpoints: c.endpoint(0), timeoutMs: 4000 });
      await sleep(800);
      await c.etcdctl(['put', 'wkey', 'live'], { endpoints: c.endpoint(1) });
      await c.etcdctl(['del', 'wkey'], { endpoints: c.endpoint(2) });
      const r = await pending;
      return { ...r, exitCode: 0, stderr: '' };
    };
    await same('put', 'wkey', 'old');
    const r = await both(watch);
    expect(r.ours).toBe(r.etcd);
    // History first (the put of "old"), then the live put with its previous value, then the delete.
    expect(r.oursRaw.startsWith('PUT\nwkey\nold\nPUT\nwkey\nold\nwkey\nlive\nDELETE\nwkey\n')).toBe(true);
  });

  it('leases: grant, timetolive, keep-alive, attach, revoke, list', async () => {
    const grant = async (c: StoreCluster): Promise<string> => {
      const r = await c.etcdctl(['lease', 'grant', '100'], { endpoints: c.endpoint(0) });
      const m = /^lease ([0-9a-f]+) granted with TTL\(100s\)$/.exec(r.stdout);
      if (!m?.[1]) throw new Error(`unexpected lease grant output: ${r.stdout} ${r.stderr}`);
      return m[1];
    };
    const [idOurs, idEtcd] = await Promise.all([grant(ours), grant(etcd)]);
    const withId =
      (f: (id: string) => string[]): Ctl =>
      (c) =>
        c.etcdctl(f(c === ours ? idOurs : idEtcd), { endpoints: c.endpoint(1) });
    const check = async (f: (id: string) => string[]): Promise<string> => {
      const r = await both(withId(f));
      expect(r.ours, f('<id>').join(' ')).toBe(r.etcd);
      return r.oursRaw;
    };
    expect(await check((id) => ['lease', 'timetolive', id])).toMatch(/^lease [0-9a-f]+ granted with TTL\(100s\), remaining\((99|100)s\)$/);
    expect(await check((id) => ['lease', 'keep-alive', '--once', id])).toBe(`lease ${idOurs} keepalived with TTL(100)`);
    await check((id) => ['put', 'leased', 'v', `--lease=${id}`]);
    await check((id) => ['lease', 'timetolive', id, '--keys']);
    await check(() => ['lease', 'list']);
    expect(await check((id) => ['lease', 'revoke', id])).toBe(`lease ${idOurs} revoked`);
    expect(await same('get', 'leased')).toBe('');
    await check((id) => ['lease', 'timetolive', id]);
    await check((id) => ['lease', 'revoke', id]);
    await check(() => ['put', 'k', 'v', '--lease=1234']);
  });

  it('endpoint status, endpoint health, member list', async () => {
    // Term and index depend on how many entries each implementation writes internally, and
    // which member leads is up to the election: compare the shape, then check ours is sane.
    const st = await both(ctl('endpoint', 'status', '-w', 'table', '--cluster'));
    const shape = (t: string) => t.replace(/\|\s*(true|false)\s*\|\s*(true|false)\s*\|\s*\d+\s*\|\s*\d+\s*\|\s*\d+\s*\|/g, '| <b> | <b> | <n> | <n> | <n> |');
    expect(shape(st.ours)).toBe(shape(st.etcd));
    expect(st.oursRaw.match(/\|\s*true\s*\|\s*false\s*\|/g)?.length).toBe(1);
    const health = await both(ctl('endpoint', 'health', '--cluster'));
    expect(health.ours.split('\n').sort()).toEqual(health.etcd.split('\n').sort());
    const ml = await both(ctl('member', 'list', '-w', 'table'));
    expect(ml.ours.split('\n').length).toBe(ml.etcd.split('\n').length);
    expect(ml.oursRaw).toMatch(/\|\s+started\s+\|\s+m1\s+\|\s+http:\/\/127\.0\.0\.1:\d+\s+\|\s+http:\/\/127\.0\.0\.1:\d+\s+\|\s+false\s+\|/);
  });

  it('compaction, then reads and watches at compacted revisions fail as in etcd', async () => {
    expect(await same('compaction', '5')).toBe('compacted revision 5');
    await same('get', 'foo', '--rev', '3');
    await same('compaction', '4');
    const watch: Ctl = (c) => c.etcdctl(['watch', 'foo', '--rev', '2'], { endpoints: c.endpoint(0), timeoutMs: 3000 });
    const r = await both(async (c) => ({ ...(await watch(c)), exitCode: 0 }));
    expect(r.ours).toBe(r.etcd);
  });

  it('member add and remove print as etcd does', async () => {
    const addTo = (c: StoreCluster) => c.etcdctl(['member', 'add', 'extra', '--peer-urls=http://127.0.0.1:1'], { endpoints: c.endpoint(0) });
    const [a, b] = await Promise.all([addTo(ours), addTo(etcd)]);
    expect(normalize(a.stdout)).toBe(normalize(b.stdout));
    // etcdctl prints IDs with %16x: one below 2^60 is padded with spaces ("Member  50c1... added").
    const idIn = (out: string): string => {
      const id = /Member +([0-9a-f]+) added/.exec(out)?.[1];
      if (!id) throw new Error(`no member ID in: ${out}`);
      return id;
    };
    const [idOurs, idEtcd] = [idIn(a.stdout), idIn(b.stdout)];
    const list = await ours.etcdctl(['member', 'list'], { endpoints: ours.endpoint(0) });
    expect(list.stdout).toContain(`${idOurs}, unstarted, , http://127.0.0.1:1, , false`);
    const removed = await both((c) =>
      c.etcdctl(['member', 'remove', c === ours ? idOurs : idEtcd], { endpoints: c.endpoint(0) }),
    );
    expect(removed.ours).toBe(removed.etcd);
    expect(removed.oursRaw).toMatch(/^Member +[0-9a-f]+ removed from cluster +[0-9a-f]+$/);
    const after = await ours.etcdctl(['member', 'list'], { endpoints: ours.endpoint(0) });
    expect(after.stdout).not.toContain(idOurs);
  });
});
