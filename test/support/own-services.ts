/**
 * Redis and Postgres servers of a test's own: on spare ports, in temp folders, optionally with
 * TLS, stopped (and their folders removed) afterwards. Tests that need TLS or that kill servers
 * use these, never the machine's shared services.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OwnServer {
  readonly port: number;
  readonly dir: string;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its folder. */
  stop(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

/** A self-signed certificate for 127.0.0.1 / localhost, as Heroku Redis serves. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

async function waitUntil(
  what: string,
  ready: () => boolean,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** redis-server without persistence; with `tls`, only a TLS port (self-signed certificate). */
export async function startRedis(options: { tls?: boolean } = {}): Promise<OwnServer & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'embedq-redis-'));
  const port = await freePort();
  const args = ['--save', '', '--appendonly', 'no', '--dir', dir, '--bind', '127.0.0.1'];
  if (options.tls === true) {
    const { cert, key } = selfSignedCertificate(dir);
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key);
    args.push('--tls-ca-cert-file', cert, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  await waitUntil('redis-server', () => output.includes('Ready to accept connections'), child);
  const scheme = options.tls === true ? 'rediss' : 'redis';
  return { port, dir, process: child, url: `${scheme}://127.0.0.1:${port}`, stop: stopper(child, dir) };
}

/** The postgres user's ids when running as root (postgres refuses to run as root). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A PostgreSQL 15 cluster with trust auth; with `ssl`, SSL on (self-signed certificate). */
export async function startPostgres(options: { ssl?: boolean } = {}): Promise<OwnServer & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'embedq-pg-'));
  const data = join(dir, 'data');
  const owner = postgresOwner();
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  const as = owner === undefined ? {} : { uid: owner.uid, gid: owner.gid };
  execFileSync(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'], {
    stdio: 'ignore',
    ...as,
  });
  const port = await freePort();
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ];
  if (options.ssl === true) {
    const { cert, key } = selfSignedCertificate(dir);
    chmodSync(key, 0o600);
    if (owner !== undefined) {
      chownSync(key, owner.uid, owner.gid);
      chownSync(cert, owner.uid, owner.gid);
    }
    args.push('-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`);
    // Only SSL connections over TCP, as Heroku Postgres.
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
  }
  const child = spawn(join(PG_BIN, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...as });
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  await waitUntil('postgres', () => output.includes('database system is ready to accept connections'), child);
  return {
    port,
    dir,
    process: child,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: stopper(child, dir),
  };
}
