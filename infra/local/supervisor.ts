/**
 * Supervises the parts of the local stack (the Kafka JVM, serverless offline, and whatever joins them) the
 * same way: if any part ends while the stack is meant to run, it says which and why (exit code or
 * signal), stops every other part, and the stack ends with a non-zero status. A library did not fit:
 * concurrently and its kind run shell commands side by side, while these parts start in order (broker,
 * topics, API) and a part may live in this very process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** How a part ended: an exit code, or the signal that killed it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Part {
  /** Names the part in messages, e.g. `Apache Kafka (java, pid 4242)`. */
  name: string;
  /** Settles when the part ends on its own (or after stop()). */
  exited: Promise<ExitStatus>;
  /** Ends the part, gracefully within a bound, then by force; resolves once it is gone. */
  stop(): Promise<void>;
}

function describeExit({ code, signal }: ExitStatus): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** The promise of a child's end; attach it right after spawn, so an early end is never missed. */
export function exitOf(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Kills the process a crashed earlier run left behind, named by `pidFile` (a broker's, in its data folder),
 * if it still runs a command line containing `marker`; a pid reused by another program is left alone.
 */
export async function killStale(pidFile: string, marker: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(marker)) return;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  } catch {
    // The process is gone already.
  }
}

/**
 * A child process as a part, in a process group of its own so that stop() reaches everything it started:
 * SIGINT (Ctrl-C) first, SIGKILL to the whole group after `graceMs`.
 */
export function childPart(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; graceMs?: number } = {},
): Part {
  // Its own session has no terminal to read from: no stdin, output to ours.
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: options.env,
    cwd: options.cwd,
    detached: true,
  });
  const exited = exitOf(child);
  const group = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    name: `${name} (pid ${child.pid})`,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) group('SIGINT');
      const timer = setTimeout(() => group('SIGKILL'), options.graceMs ?? 10_000);
      await exited;
      clearTimeout(timer);
      // Whatever the leader left behind in its group.
      group('SIGKILL');
    },
  };
}

export class Supervisor {
  private readonly parts: Part[] = [];
  private stopping: Promise<number> | undefined;
  private finish: (code: number) => void = () => undefined;
  /** Settles, with the status the stack ends with, once every part is stopped. */
  readonly done = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(private readonly say: (message: string) => void) {}

  /**
   * Watches `part` from now on. A part that was still starting when the stack began to stop is stopped at
   * once: the promise settles when it is gone.
   */
  async add(part: Part): Promise<void> {
    if (this.stopping) return part.stop();
    this.parts.push(part);
    void part.exited.then((status) => void this.shutdown(`${part.name} ${describeExit(status)}`, 1));
  }

  /** True once the stack is stopping: callers still starting parts should give up. */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /**
   * Stops every part (newest first: the API before the broker it uses); the stack ends with `exitCode`.
   * Only the first call counts: the parts' own ends while stopping are expected.
   */
  shutdown(reason: string, exitCode: number): Promise<number> {
    this.stopping ??= (async () => {
      this.say(`${reason}; stopping the local stack`);
      for (const part of [...this.parts].reverse()) {
        await part
          .stop()
          .catch((error: unknown) => this.say(`could not stop ${part.name}: ${String(error)}`));
      }
      this.finish(exitCode);
      return exitCode;
    })();
    return this.stopping;
  }
}
