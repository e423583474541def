import { describe, expect, it } from 'vitest';
import { type ExitStatus, type Part, Supervisor } from '../../../infra/local/supervisor.js';

/** A part that ends when told to, or on its own through `die`. */
function fakePart(name: string, log: string[]) {
  let end: (status: ExitStatus) => void = () => undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    end = resolve;
  });
  const part: Part = {
    name,
    exited,
    async stop() {
      log.push(`stop ${name}`);
      end({ code: 0, signal: null });
      await exited;
    },
  };
  return { part, die: (status: ExitStatus) => end(status) };
}

describe('Supervisor', () => {
  it('stops every other part when one dies, says which and how, and ends non-zero', async () => {
    // Prepare
    const said: string[] = [];
    const log: string[] = [];
    const supervisor = new Supervisor((message) => said.push(message));
    const broker = fakePart('broker', log);
    const api = fakePart('api', log);
    await supervisor.add(broker.part);
    await supervisor.add(api.part);

    // Act
    broker.die({ code: null, signal: 'SIGKILL' });

    // Assess
    expect(await supervisor.done).toBe(1);
    expect(said).toEqual(['broker was killed by SIGKILL; stopping the local stack']);
    expect(log).toEqual(['stop api', 'stop broker']);
  });

  it('ends with the status of the first reason, and stops a part that comes up while stopping', async () => {
    const log: string[] = [];
    const supervisor = new Supervisor(() => undefined);
    const api = fakePart('api', log);
    await supervisor.add(api.part);

    void supervisor.shutdown('SIGINT received', 0);
    await supervisor.add(fakePart('late', log).part);

    expect(await supervisor.done).toBe(0);
    expect(log).toEqual(['stop api', 'stop late']);
    expect(supervisor.isStopping).toBe(true);
  });

  it('reports an exit code', async () => {
    const said: string[] = [];
    const supervisor = new Supervisor((message) => said.push(message));
    const api = fakePart('serverless offline (pid 7)', []);
    await supervisor.add(api.part);

    api.die({ code: 3, signal: null });

    expect(await supervisor.done).toBe(1);
    expect(said[0]).toBe('serverless offline (pid 7) exited with code 3; stopping the local stack');
  });
});
