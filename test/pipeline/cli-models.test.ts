import { graphIdentity } from '@embedq/embedder';
import {
  countReembedding,
  markChunksFailed,
  type RegisteredIdentity,
  registerModelIdentity,
  switchReembedding,
  writeEmbeddings,
} from '@embedq/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { servicesOrSkip } from '../support/services.js';
import { useIdentityDatabase } from '../support/test-identity.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('embedq models and reembed');

/** A vector per chunk; their values do not matter here, only that rows exist. */
const vector = (seed: number) => Float32Array.from({ length: 384 }, (_, i) => Math.sin(seed + i));

/**
 * The operator's commands against a real database, the workers played by the test: `models` lists
 * what is there, `reembed` starts, pauses, resumes, cancels and waits, `models prune` deletes old
 * vectors and refuses active ones. Each step checks the rows, not only what was printed.
 */
describe.skipIf(services === undefined)('embedq models and reembed', () => {
  const fixture = useIdentityDatabase(services);
  const pool = () => fixture.db.pool;
  const cli = (...args: string[]) => runCli(args, { DATABASE_URL: fixture.db.url });
  const parsed = async (...args: string[]) => {
    const run = await cli(...args);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  /** Rows (vectors and failures) of an identity in a namespace. */
  const rows = async (identityId: number, namespace: string) =>
    (
      await pool().query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM embeddings e JOIN chunks c ON c.id = e.chunk_id
          WHERE e.identity_id = $1 AND c.namespace = $2`,
        [identityId, namespace],
      )
    ).rows[0]?.n;
  const states = async (namespace: string) =>
    (
      await pool().query<{ state: string }>(
        'SELECT state FROM reembeddings WHERE namespace = $1 ORDER BY id',
        [namespace],
      )
    ).rows.map((r) => r.state);

  // Namespace 'docs': 5 chunks in two batches, 4 embedded and 1 failed; 'faq': 1 chunk, embedded.
  let docsChunks: string[] = [];
  let docsBatches: string[] = [];
  let int8Sha = '';
  beforeAll(async () => {
    if (services === undefined) return;
    int8Sha = (await graphIdentity('int8')).graphSha256;
    const text = (i: number) => ({ text: `chunk ${i}`, metadata: {} });
    const first = await fixture.acceptPending('docs', 'a', [text(0), text(1), text(2)]);
    const second = await fixture.acceptPending('docs', 'b', [text(3), text(4)]);
    const faq = await fixture.acceptPending('faq', 'q', [text(5)]);
    const write = (batchId: string, ids: readonly string[], identityId = fixture.identityId) =>
      writeEmbeddings(pool(), {
        batchId,
        embedded: ids.map((id, i) => ({ id, vector: vector(i) })),
        reused: [],
        identityId,
        writer: 'test',
      });
    await write(
      first.batchId,
      first.chunks.map((c) => c.id),
    );
    await write(second.batchId, [second.chunks[0]!.id]);
    await markChunksFailed(pool(), { batchId: second.batchId, from: 1, to: 2 }, 'test: failed');
    await write(
      faq.batchId,
      faq.chunks.map((c) => c.id),
    );
    docsChunks = [...first.chunks, ...second.chunks].map((c) => c.id);
    docsBatches = [first.batchId, first.batchId, first.batchId, second.batchId, second.batchId];
  });

  /** Writes vectors of `identity` for these chunks of 'docs', as a worker of a re-embedding does. */
  const writeDocs = async (identity: RegisteredIdentity, indexes: readonly number[]) => {
    for (const i of indexes)
      await writeEmbeddings(pool(), {
        batchId: docsBatches[i]!,
        embedded: [{ id: docsChunks[i]!, vector: vector(100 + i) }],
        reused: [],
        identityId: identity.id,
        writer: 'test',
      });
  };
  const fp32 = async () => registerModelIdentity(pool(), await graphIdentity('fp32'));

  it('models lists each identity with its vectors and failures per namespace, and which is active', async () => {
    const listed = await parsed('models', '--json');
    expect(listed).toEqual({
      identities: [
        {
          id: fixture.identityId,
          model: 'all-MiniLM-L6-v2',
          precision: 'int8',
          graphSha256: int8Sha,
          createdAt: expect.any(String),
          namespaces: [
            { namespace: 'docs', vectors: 4, failed: 1, active: true },
            { namespace: 'faq', vectors: 1, failed: 0, active: true },
          ],
        },
      ],
      reembeddings: [],
    });
    const table = await cli('models');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `${fixture.identityId}  all-MiniLM-L6-v2  int8 +${int8Sha.slice(0, 12)} .* docs +4 +1  active\\n`,
      ),
    );
    expect(table.stdout).toContain('Re-embeddings (open ones, and the last of each namespace):\n  (none)\n');
  });

  it('reembed --to fp32 registers the fp32 graph and starts one running re-embedding of the namespace', async () => {
    const started = await parsed('reembed', '--to', 'fp32', '--namespace', 'docs', '--keep', '7d', '--json');
    const target = await fp32();
    expect(target.id).not.toBe(fixture.identityId);
    expect(started.reembeddings).toEqual([
      expect.objectContaining({
        namespace: 'docs',
        state: 'running',
        fromIdentityId: fixture.identityId,
        toIdentityId: target.id,
        keepSeconds: 604_800,
        totalChunks: 5,
        doneChunks: 0,
      }),
    ]);
    const row = await pool().query(
      'SELECT state, from_identity_id, to_identity_id, keep_seconds FROM reembeddings WHERE namespace = $1',
      ['docs'],
    );
    expect(row.rows).toEqual([
      {
        state: 'running',
        from_identity_id: fixture.identityId,
        to_identity_id: target.id,
        keep_seconds: 604_800,
      },
    ]);
    expect(await states('faq')).toEqual([]);
  });

  it('refuses a second start, an active identity and an unknown namespace with exit 1, starting nothing', async () => {
    const again = await cli('reembed', '--to', 'fp32', '--namespace', 'docs');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(
      /^embedq: reembed: refused \(reembedding_open\): namespace 'docs' has a re-embedding open; .*nothing was changed\n$/,
    );
    const active = await cli('reembed', '--to', 'int8', '--namespace', 'faq');
    expect(active.code).toBe(1);
    expect(active.stderr).toContain('refused (already_active)');
    // All or nothing: 'faq' is fine, 'nope' is not, so neither starts.
    const unknown = await cli('reembed', '--to', 'fp32', '--namespace', 'faq', '--namespace', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("refused (unknown_namespace): no namespace 'nope'");
    expect(await states('docs')).toEqual(['running']);
    expect(await states('faq')).toEqual([]);
  });

  it('pauses, resumes and cancels; cancelling deletes the vectors the re-embedding wrote', async () => {
    const target = await fp32();
    const paused = await parsed('reembed', '--pause', '--namespace', 'docs', '--json');
    expect(paused.reembedding).toMatchObject({ namespace: 'docs', state: 'paused' });
    expect(await states('docs')).toEqual(['paused']);

    const twice = await cli('reembed', '--pause', '--namespace', 'docs');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("refused (no_reembedding): namespace 'docs' has no running re-embedding");

    const resumed = await cli('reembed', '--resume', '--namespace', 'docs');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^resumed the re-embedding of 'docs'\n/);
    expect(await states('docs')).toEqual(['running']);

    const status = await parsed('reembed', '--status', '--namespace', 'docs', '--json');
    expect(status.reembeddings).toEqual([expect.objectContaining({ namespace: 'docs', state: 'running' })]);

    await writeDocs(target, [0, 1]);
    expect(await rows(target.id, 'docs')).toBe(2);
    const cancelled = await cli('reembed', '--cancel', '--namespace', 'docs');
    expect(cancelled.code).toBe(0);
    expect(await states('docs')).toEqual(['cancelled']);
    expect(await rows(target.id, 'docs')).toBe(0);
    expect(await rows(fixture.identityId, 'docs')).toBe(5);
  });

  it('prune refuses an active identity, by id or by sha256 prefix, and deletes nothing', async () => {
    for (const spec of [String(fixture.identityId), int8Sha.slice(0, 12), 'int8']) {
      const run = await cli('models', 'prune', '--identity', spec, '--namespace', 'docs');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/refused \(identity_in_use\): .*'docs' \(active\); nothing was pruned\n$/);
    }
    expect(await rows(fixture.identityId, 'docs')).toBe(5);
  });

  it('prune deletes a non-active identity’s rows from the namespace', async () => {
    const target = await fp32();
    // Left over from an earlier attempt (after the cancel, so the cancel did not take them).
    await writeDocs(target, [0, 1, 2]);
    const before = (await parsed('models', '--json')).identities as { id: number; namespaces: unknown[] }[];
    expect(before.find((m) => m.id === target.id)?.namespaces).toEqual([
      { namespace: 'docs', vectors: 3, failed: 0, active: false },
    ]);
    const pruned = await parsed('models', 'prune', '--identity', 'fp32', '--namespace', 'docs', '--json');
    expect(pruned).toMatchObject({ deleted: 3, namespaces: ['docs'], identity: { id: target.id } });
    expect(await rows(target.id, 'docs')).toBe(0);
    expect(await rows(fixture.identityId, 'docs')).toBe(5);
    expect(await rows(fixture.identityId, 'faq')).toBe(1);
  });

  it('reembed --wait follows the progress until the switch; then the old identity can be pruned', async () => {
    const target = await fp32();
    const waiting = runCli(
      ['reembed', '--to', String(target.id), '--namespace', 'docs', '--wait', '--json'],
      {
        DATABASE_URL: fixture.db.url,
      },
    );
    // The test plays the workers and their driver: vectors for every chunk, a count, the switch.
    const reembedding = await waitFor('the CLI to start the re-embedding', async () => {
      const found = await pool().query<{ id: number }>(
        `SELECT id FROM reembeddings WHERE namespace = 'docs' AND state = 'running'`,
      );
      return found.rows[0]?.id;
    });
    await writeDocs(target, [0, 1, 2, 3, 4]);
    await countReembedding(pool(), {
      id: reembedding,
      namespace: 'docs',
      fromIdentityId: fixture.identityId,
      toIdentityId: target.id,
    });
    expect(
      await switchReembedding(pool(), {
        id: reembedding,
        namespace: 'docs',
        fromIdentityId: fixture.identityId,
        toIdentityId: target.id,
      }),
    ).toMatchObject({ switched: true });

    const run = await waiting;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[reembed] docs: switched 5/5 (100%)\n');
    expect(JSON.parse(run.stdout)).toMatchObject({
      reembeddings: [{ id: reembedding, state: 'switched' }],
      stuck: [],
    });

    const listed = (await parsed('models', '--json')).identities as { id: number; namespaces: unknown[] }[];
    expect(listed.find((m) => m.id === target.id)?.namespaces).toEqual([
      { namespace: 'docs', vectors: 5, failed: 0, active: true },
    ]);
    const pruned = await cli(
      'models',
      'prune',
      '--identity',
      String(fixture.identityId),
      '--namespace',
      'docs',
    );
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(
      /^pruned 5 rows \(vectors and failures\) of identity \d+ .* from 'docs'\n$/,
    );
    expect(await rows(fixture.identityId, 'docs')).toBe(0);
    expect(await rows(fixture.identityId, 'faq')).toBe(1);
    const status = await cli('reembed', '--status', '--namespace', 'docs');
    expect(status.stdout).toMatch(/ switched .* 5\/5 \(100%\) .* pruned\n/);
  });
});
