/**
 * `npm start`: the whole local stack in one command. Starts Kafka on localhost:9092 (unless KAFKA_BROKERS
 * names a cluster), creates the service's topics, then runs `serverless offline` with the HTTP API on
 * http://localhost:3000. Ctrl-C stops everything. If any part dies, the message says which and how, the
 * other parts are stopped, and the command exits non-zero (supervisor.ts).
 */
import { join } from 'node:path';
import { SERVICE_TOPICS } from '../../src/shared/topics.js';
import { repositoryRoot, startKafka } from '../kafka/broker.js';
import { childPart, Supervisor } from './supervisor.js';
import { ensureTopics } from './topics.js';

const say = (message: string) => console.log(`[local] ${message}`);
const supervisor = new Supervisor(say);

// Ctrl-C reaches every process of the group, and tsx relays it again: the second signal changes nothing.
// A closed terminal (SIGHUP) stops the stack too: serverless offline, in a session of its own, would not
// get the hangup and would stay behind.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void supervisor.shutdown(`${signal} received`, 0));
}
async function start(): Promise<void> {
  let brokers = process.env.KAFKA_BROKERS;
  if (brokers) {
    say(`using the Kafka cluster at ${brokers} (KAFKA_BROKERS)`);
  } else {
    const dataDir = process.env.KAFKA_DATA_DIR ?? join(repositoryRoot, '.local', 'kafka');
    const port = Number(process.env.KAFKA_PORT ?? 9092);
    say(`starting Apache Kafka on localhost:${port} (resolved from Maven Central on the first run)`);
    const kafka = await startKafka({ port, dataDir });
    await supervisor.add({
      name: `Apache Kafka (java, pid ${kafka.pid})`,
      exited: kafka.exited,
      stop: kafka.stop,
    });
    brokers = `localhost:${kafka.port}`;
    say(`Kafka ready on ${brokers}; data in ${dataDir}, broker log in ${join(dataDir, 'broker.log')}`);
  }
  if (supervisor.isStopping) return;

  const created = await ensureTopics(brokers, SERVICE_TOPICS);
  say(created.length > 0 ? `created topics ${created.join(', ')}` : 'topics already exist');
  if (supervisor.isStopping) return;

  await supervisor.add(
    childPart(
      'serverless offline',
      join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
      ['offline', 'start', '--stage', 'local'],
      { env: { ...process.env, KAFKA_BROKERS: brokers }, cwd: repositoryRoot },
    ),
  );
}

const starting = start().catch((error: unknown) => {
  void supervisor.shutdown(`could not start: ${error instanceof Error ? error.message : String(error)}`, 1);
});
// Leave once the stack is stopped and nothing is half-started (a broker still starting is stopped as it comes up).
void Promise.all([supervisor.done, starting]).then(([code]) => process.exit(code));
