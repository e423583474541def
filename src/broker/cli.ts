/**
 * `npm run broker`: the embedded broker as a command.
 *
 *   npm run broker -- [--port 9092] [--host 127.0.0.1] [--data-dir .local/broker] [--auto-create-topics]
 *                     [--log-level info] [--stop-on-stdin-end]
 *
 * Without --data-dir the log lives in memory and is gone when the command stops. Ctrl-C (SIGINT), SIGTERM
 * or SIGHUP shuts down cleanly: connections closed, log files flushed (fsync) and closed. With
 * --stop-on-stdin-end it also shuts down when its standard input ends: a parent that holds the other end
 * of a pipe (npm start, the tests) takes the broker with it however it ends, kill -9 included.
 */
import { parseArgs } from 'node:util';
import { type LogLevel, startBroker } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9092' },
    host: { type: 'string', default: '127.0.0.1' },
    'advertised-host': { type: 'string' },
    'data-dir': { type: 'string' },
    'auto-create-topics': { type: 'boolean', default: false },
    'num-partitions': { type: 'string', default: '1' },
    'log-level': { type: 'string', default: 'info' },
    'stop-on-stdin-end': { type: 'boolean', default: false },
  },
});

const broker = await startBroker({
  port: Number(values.port),
  host: values.host,
  ...(values['advertised-host'] ? { advertisedHost: values['advertised-host'] } : {}),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  autoCreateTopics: values['auto-create-topics'],
  numPartitions: Number(values['num-partitions']),
  logLevel: values['log-level'] as LogLevel,
});
process.stdout.write(`${broker.bootstrap}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void broker.stop().then(() => process.exit(0));
};
// A second Ctrl-C while stopping changes nothing: the files are being flushed.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
if (values['stop-on-stdin-end']) {
  process.stdin.once('end', stop).once('error', stop).resume();
}
