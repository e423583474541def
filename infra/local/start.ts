/**
 * `npm start`: the whole local stack in one command. Starts a broker on localhost:9092 (the embedded one, or
 * Apache Kafka with LOCAL_BROKER=apache-kafka: broker.ts) unless KAFKA_BROKERS names a cluster, creates the
 * service's topics, starts the schema registry on http://localhost:8081 with the service's schemas (unless
 * SCHEMA_REGISTRY_URL names one), then runs `serverless offline` with the HTTP API on http://localhost:3000.
 * Ctrl-C stops everything. If any part dies, the message says which and how, the other parts are stopped,
 * and the command exits non-zero (supervisor.ts).
 */
import { join } from 'node:path';
import { SERVICE_TOPICS } from '../../src/shared/topics.js';
import { repositoryRoot } from '../kafka/broker.js';
import { localBrokerKind, startLocalBroker } from './broker.js';
import { schemaRegistryPart } from './schema-registry.js';
import { childPart, Supervisor } from './supervisor.js';
import { ensureTopics } from './topics.js';

const say = (message: string) => console.log(`[local] ${message}`);
const supervisor = new Supervisor(say);

// `npm start` execs node itself (no shell, no tsx wrapper process in between), so a SIGTERM that npm relays
// reaches this process, and nothing else relays (or escalates) it. Ctrl-C reaches every process of the
// group; a second signal changes nothing.
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
    const kind = localBrokerKind();
    const dataDir =
      process.env.KAFKA_DATA_DIR ?? join(repositoryRoot, '.local', kind === 'embedded' ? 'broker' : 'kafka');
    const port = Number(process.env.KAFKA_PORT ?? 9092);
    say(
      kind === 'embedded'
        ? `starting the embedded broker on localhost:${port} (LOCAL_BROKER=apache-kafka runs Apache Kafka instead)`
        : `starting Apache Kafka on localhost:${port} (resolved from Maven Central on the first run)`,
    );
    const broker = await startLocalBroker({ kind, port, dataDir });
    await supervisor.add(broker);
    brokers = `localhost:${broker.port}`;
    say(`Kafka ready on ${brokers}; data in ${dataDir}, broker log in ${broker.logFile}`);
  }
  if (supervisor.isStopping) return;

  const created = await ensureTopics(brokers, SERVICE_TOPICS);
  say(created.length > 0 ? `created topics ${created.join(', ')}` : 'topics already exist');
  if (supervisor.isStopping) return;

  // The schema registry, unless SCHEMA_REGISTRY_URL names one (docs/schema-registry.md).
  let schemaRegistryUrl = process.env.SCHEMA_REGISTRY_URL;
  if (schemaRegistryUrl) say(`using the schema registry at ${schemaRegistryUrl} (SCHEMA_REGISTRY_URL)`);
  else {
    const { part, registry } = await schemaRegistryPart(brokers, say);
    await supervisor.add(part);
    schemaRegistryUrl = registry.url;
    say(
      `schema registry ready on ${registry.url}; ${registry.schemas.map((s) => `${s.subject} v${s.version}`).join(', ') || 'no schemas'} from schemas/`,
    );
  }
  if (supervisor.isStopping) return;

  await supervisor.add(
    childPart(
      'serverless offline',
      join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
      ['offline', 'start', '--stage', 'local'],
      {
        env: { ...process.env, KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: schemaRegistryUrl },
        cwd: repositoryRoot,
      },
    ),
  );
}

const starting = start().catch((error: unknown) => {
  void supervisor.shutdown(`could not start: ${error instanceof Error ? error.message : String(error)}`, 1);
});
// Leave once the stack is stopped and nothing is half-started (a broker still starting is stopped as it comes up).
void Promise.all([supervisor.done, starting]).then(([code]) => process.exit(code));
