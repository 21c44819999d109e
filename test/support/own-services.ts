/**
 * Redis and Postgres servers of a test's own: on spare ports, in temp folders, optionally with
 * TLS, stopped (and their folders removed) afterwards. Tests that need TLS or that kill servers
 * use these, never the machine's shared services.
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OwnServer {
  readonly port: number;
  readonly dir: string;
  /** The running server process (a new one after each `up`). */
  readonly process: ChildProcess;
  /** URL to connect to. */
  readonly url: string;
  /** Stops the server with `signal` (SIGTERM: clean; SIGKILL: a crash) and keeps its folder. */
  down(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and folder, and waits until it accepts connections. */
  up(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its folder. */
  stop(): Promise<void>;
  /**
   * Freezes the server with SIGSTOP, its process and every child of it (postgres backends too:
   * stopping only the postmaster leaves open connections answering). Connections stay open and
   * nothing answers: a stalled server. `down`, `up` and `stop` resume it first.
   */
  pause(): void;
  /** Thaws what `pause` froze (SIGCONT). */
  resume(): void;
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

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The pids of `pid`'s children, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process exited while being read.
    }
  }
  return children;
}

interface LaunchSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly options: SpawnOptions;
  /** Which output stream says the server is ready, and the text that says it. */
  readonly readyOn: 'stdout' | 'stderr';
  readonly readyText: string;
}

/** Starts a server process and returns one that can be taken down and brought up again. */
async function launch(spec: LaunchSpec, port: number, dir: string, url: string): Promise<OwnServer> {
  const spawnOnce = async (): Promise<ChildProcess> => {
    const child = spawn(spec.command, spec.args, {
      ...spec.options,
      stdio: [
        'ignore',
        spec.readyOn === 'stdout' ? 'pipe' : 'ignore',
        spec.readyOn === 'stderr' ? 'pipe' : 'inherit',
      ],
    });
    let output = '';
    child[spec.readyOn]?.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    await waitUntil(spec.name, () => output.includes(spec.readyText), child);
    return child;
  };
  let child = await spawnOnce();
  let paused: number[] = [];
  const pause = () => {
    const pid = child.pid;
    if (pid === undefined || paused.length > 0) return;
    // The parent first, so it forks no child that would escape.
    process.kill(pid, 'SIGSTOP');
    paused = [pid];
    for (const childPid of childrenOf(pid)) {
      try {
        process.kill(childPid, 'SIGSTOP');
        paused.push(childPid);
      } catch {
        // Exited in between.
      }
    }
  };
  const resume = () => {
    // Children first, so the parent finds them running again when it wakes.
    for (const pid of paused.slice().reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Exited meanwhile.
      }
    }
    paused = [];
  };
  return {
    port,
    dir,
    url,
    get process() {
      return child;
    },
    down: (signal = 'SIGTERM') => {
      resume();
      return kill(child, signal);
    },
    up: async () => {
      resume();
      await kill(child, 'SIGTERM');
      child = await spawnOnce();
    },
    stop: async () => {
      resume();
      await kill(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    pause,
    resume,
  };
}

/** redis-server without persistence; with `tls`, only a TLS port (self-signed certificate). */
export async function startRedis(options: { tls?: boolean } = {}): Promise<OwnServer> {
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
  const scheme = options.tls === true ? 'rediss' : 'redis';
  return launch(
    {
      name: 'redis-server',
      command: 'redis-server',
      args,
      options: {},
      readyOn: 'stdout',
      readyText: 'Ready to accept connections',
    },
    port,
    dir,
    `${scheme}://127.0.0.1:${port}`,
  );
}

/** The postgres user's ids when running as root (postgres refuses to run as root). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A PostgreSQL 15 cluster with trust auth; with `ssl`, SSL on (self-signed certificate). */
export async function startPostgres(options: { ssl?: boolean } = {}): Promise<OwnServer> {
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
  return launch(
    {
      name: 'postgres',
      command: join(PG_BIN, 'postgres'),
      args,
      options: as,
      readyOn: 'stderr',
      readyText: 'database system is ready to accept connections',
    },
    port,
    dir,
    `postgres://postgres@127.0.0.1:${port}/postgres`,
  );
}
