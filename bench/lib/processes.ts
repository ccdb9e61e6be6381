import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testEnv } from '@bnp/testing';

const ROOT = join(__dirname, '..', '..');
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Peak resident set size (VmHWM) read from /proc, i.e. measured from outside the process. */
  peakRssMb(): number;
  /** CPU seconds (user + system) the process has used so far, read from /proc; steadier than wall time on a busy machine. */
  cpuSeconds(): number;
  /** The last lines the service wrote (stdout and stderr), for the message of a wait that expired. */
  lastLines(): string;
  stop(): Promise<void>;
}

/** A port nothing listens on now (other engineers' benchmarks and stacks share this machine). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TAIL_LINES = 30;

/**
 * Every service refuses to boot without an OpenID Connect issuer and audience. The benchmarks call no
 * staff route, so the local Keycloak's realm is named but never reached (keys are fetched on a token).
 */
function identitySettings(): NodeJS.ProcessEnv {
  const { OIDC_ISSUER, OIDC_AUDIENCE, OIDC_IAT_IS_AUTH_TIME_CLIENTS } = testEnv();
  return { OIDC_ISSUER, OIDC_AUDIENCE, OIDC_IAT_IS_AUTH_TIME_CLIENTS };
}

/**
 * Starts a service as its own process (as `npm start` does) and waits until /health answers 200.
 * Port 0 picks a free one.
 */
export function startService(name: string, port: number, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  return startProcess(name, join('services', name, 'src', 'main.ts'), port, '/health', env);
}

/** Starts any entry point of the repository (a service or a local stand-in) and waits until `health` answers 200. */
export async function startProcess(
  name: string,
  entry: string,
  port: number,
  health: string,
  env: NodeJS.ProcessEnv,
): Promise<ServiceProcess> {
  if (port === 0) port = await freePort();
  // BENCH_SERVICE_NODE_ARGS adds node flags to every service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_SERVICE_LOG_DIR keeps each service's whole log as <dir>/<name>.log; the last lines are kept anyway.
  const logDir = process.env.BENCH_SERVICE_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const child = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...identitySettings(), ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A benchmark that dies (or is stopped with Ctrl-C or kill) must not leave services behind holding
  // ports, consumer groups and database connections.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  stopOnSignals();
  const tail: string[] = [];
  let partial = '';
  const keep = (chunk: Buffer) => {
    if (logDir) appendFileSync(join(logDir, `${name}.log`), chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines.filter(Boolean).map((line) => line.slice(0, 500)));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const lastLines = () => {
    const lines = [...tail, ...(partial ? [partial] : [])];
    return lines.length > 0 ? `last lines of ${name}:\n  ${lines.join('\n  ')}` : `${name} wrote nothing`;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited (code ${child.exitCode}) during start; ${lastLines()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}${health}`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer 200 on http://127.0.0.1:${port}/health within 60 s; ${lastLines()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  let lastPeak = 0;
  const readPeak = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) lastPeak = Math.round(Number(match[1]) / 1024);
    } catch {
      // the process has gone; keep the last reading
    }
    return lastPeak;
  };
  let lastCpu = 0;
  const readCpu = () => {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): utime, stime in clock ticks.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      lastCpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // the process has gone; keep the last reading
    }
    return lastCpu;
  };
  return {
    name,
    child,
    peakRssMb: readPeak,
    cpuSeconds: readCpu,
    lastLines,
    stop: async () => {
      readPeak();
      readCpu();
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      // A service that does not stop within 30 s is killed: the benchmark must end either way.
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(killer);
    },
  };
}

let signalsHandled = false;
/** 'exit' listeners do not run when a signal ends the process; exiting from the signal runs them. */
function stopOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}
