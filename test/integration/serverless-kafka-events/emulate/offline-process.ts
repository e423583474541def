/**
 * `serverless offline start` on the fixture service (fixture/serverless.yml), ready when the plugin says
 * its pollers run.
 */
import { join } from 'node:path';
import { repositoryRoot } from '../../../../infra/kafka/broker.js';
import { type RunningOffline, startOffline } from '../../../support/offline.js';

export const fixtureDir = join(repositoryRoot, 'test', 'integration', 'serverless-kafka-events', 'fixture');

export type FixtureOffline = RunningOffline;

export function startFixture(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<FixtureOffline> {
  return startOffline(env, {
    cwd: fixtureDir,
    readyWhen: 'offline-kafka: ready',
    createServiceTopics: false,
    timeoutMs,
    tailChars: 200_000,
  });
}
