/**
 * `npm run kafka -- install` resolves Kafka's jars; `npm run kafka -- start [port]` runs a broker in the
 * foreground until Ctrl-C, with its data under .local/kafka.
 */
import { join } from 'node:path';
import { installKafka, repositoryRoot, startKafka } from './broker.js';

const [command = 'start', portArgument] = process.argv.slice(2);

if (command === 'install') {
  const { libs } = await installKafka();
  console.log(`Kafka jars in ${libs}`);
} else if (command === 'start') {
  const kafka = await startKafka({
    port: Number(portArgument ?? 9092),
    dataDir: join(repositoryRoot, '.local', 'kafka'),
    echo: true,
  });
  console.log(`Kafka ready on ${kafka.bootstrap} (pid ${kafka.pid}); Ctrl-C stops it`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void kafka.stop().then(() => process.exit(0));
    });
  }
} else {
  console.error(`unknown command ${command}: use install or start [port]`);
  process.exit(2);
}
