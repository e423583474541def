/**
 * `npm start`: the whole local stack in one command. Starts Kafka on localhost:9092 (unless KAFKA_BROKERS
 * names a cluster), creates the service's topics, then runs `serverless offline` with the HTTP API on
 * http://localhost:3000. Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_TOPICS } from '../../src/shared/topics.js';
import { repositoryRoot, startKafka } from '../kafka/broker.js';
import { ensureTopics } from './topics.js';

const say = (message: string) => console.log(`[local] ${message}`);

let stopKafka: () => Promise<void> = async () => undefined;
let brokers = process.env.KAFKA_BROKERS;
if (brokers) {
  say(`using the Kafka cluster at ${brokers} (KAFKA_BROKERS)`);
} else {
  const dataDir = join(repositoryRoot, '.local', 'kafka');
  say('starting Apache Kafka on localhost:9092 (resolved from Maven Central on the first run)');
  const kafka = await startKafka({ port: Number(process.env.KAFKA_PORT ?? 9092), dataDir });
  brokers = `localhost:${kafka.port}`;
  stopKafka = kafka.stop;
  say(`Kafka ready on ${brokers}; data in ${dataDir}, broker log in ${join(dataDir, 'broker.log')}`);
}

const created = await ensureTopics(brokers, SERVICE_TOPICS);
say(created.length > 0 ? `created topics ${created.join(', ')}` : 'topics already exist');

const offline = spawn(
  join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
  ['offline', 'start', '--stage', 'local'],
  { stdio: 'inherit', env: { ...process.env, KAFKA_BROKERS: brokers }, cwd: repositoryRoot },
);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping');
  if (offline.exitCode === null) {
    offline.kill('SIGINT');
    await new Promise((resolve) => offline.once('exit', resolve));
  }
  await stopKafka();
  process.exit(code);
}

// Ctrl-C reaches every process of the group, and tsx relays it again: a second signal must not skip the cleanup.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
offline.once('exit', (code) => void shutdown(code ?? 1));
