/**
 * Apache Kafka's own command-line tools (the Java clients of Kafka 4, run from the Maven jars):
 * kafka-topics --create/--describe/--alter, the console producer and consumer, and
 * kafka-consumer-groups --describe and --reset-offsets, kafka-configs, kafka-delete-records.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { afterFile } from '../../support/cleanup.js';
import { uniqueName } from '../../support/kafka.js';
import { deleteAfterFile, kafkajs, kafkajsTopic } from '../support.js';
import { kafkaTool, tools } from './support.js';

const bootstrap = inject('kafkaBrokers');
const server = ['--bootstrap-server', bootstrap];

/** Rows of a whitespace-separated table printed by kafka-consumer-groups, header row excluded. */
function table(output: string): string[][] {
  const lines = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Consumer group'));
  return lines.slice(1).map((line) => line.trim().split(/\s+/));
}

describe('Apache Kafka CLI tools', () => {
  it('kafka-topics creates, describes and alters; console tools produce and consume; consumer-groups describes and resets', async () => {
    const name = uniqueName('cf-cli');
    deleteAfterFile(bootstrap, name);
    expect(
      await kafkaTool(tools.topics, [
        ...server,
        '--create',
        '--topic',
        name,
        '--partitions',
        '2',
        '--config',
        'retention.ms=60000',
      ]),
    ).toContain(`Created topic ${name}.`);
    const described = await kafkaTool(tools.topics, [...server, '--describe', '--topic', name]);
    expect(described).toMatch(
      new RegExp(
        `Topic: ${name.replaceAll('.', '\\.')}\\s+TopicId: \\S+\\s+PartitionCount: 2\\s+ReplicationFactor: 1\\s+Configs: min.insync.replicas=1,retention.ms=60000`,
      ),
    );
    expect(described.match(/Partition: \d\s+Leader: \d+\s+Replicas: \d+\s+Isr: \d+/g)).toHaveLength(2);

    await kafkaTool(tools.topics, [...server, '--alter', '--topic', name, '--partitions', '3']);
    expect(await kafkaTool(tools.topics, [...server, '--describe', '--topic', name])).toContain(
      'PartitionCount: 3',
    );

    await kafkaTool(
      tools.consoleProducer,
      [
        ...server,
        '--topic',
        name,
        '--reader-property',
        'parse.key=true',
        '--reader-property',
        'key.separator=:',
      ],
      'a:1\nb:2\nc:3\nd:4\n',
    );
    const group = uniqueName('cf-cli-group');
    const consumed = await kafkaTool(tools.consoleConsumer, [
      ...server,
      '--topic',
      name,
      '--group',
      group,
      '--from-beginning',
      '--max-messages',
      '4',
      '--formatter-property',
      'print.key=true',
      '--formatter-property',
      'key.separator=:',
    ]);
    expect(consumed.split('\n').filter(Boolean).sort()).toEqual(['a:1', 'b:2', 'c:3', 'd:4']);

    const rows = table(await kafkaTool(tools.consumerGroups, [...server, '--describe', '--group', group]));
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...: every record consumed and committed.
    const committed = rows.filter((r) => r[1] === name);
    expect(committed.reduce((sum, r) => sum + Number(r[3]), 0)).toBe(4);
    expect(committed.every((r) => r[3] === r[4] && r[5] === '0')).toBe(true);

    const reset = table(
      await kafkaTool(tools.consumerGroups, [
        ...server,
        '--reset-offsets',
        '--to-earliest',
        '--execute',
        '--group',
        group,
        '--topic',
        name,
      ]),
    );
    expect(reset.map((r) => r[3])).toEqual(reset.map(() => '0'));
    const admin = kafkajs(bootstrap).admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [name] });
    await admin.disconnect();
    expect(offsets[0]?.partitions.every((p) => p.offset === '0')).toBe(true);
  });

  it('kafka-configs alters topic configs incrementally and describes them; kafka-delete-records moves the low watermark', async () => {
    const name = await kafkajsTopic(bootstrap, 'cf-cli-configs');
    const admin = kafkajs(bootstrap).admin();
    await admin.connect();
    afterFile(() => admin.disconnect());
    const topicEntity = ['--entity-type', 'topics', '--entity-name', name];
    await kafkaTool(tools.configs, [
      ...server,
      '--alter',
      ...topicEntity,
      '--add-config',
      'retention.ms=90000,cleanup.policy=[compact,delete]',
    ]);
    const described = await kafkaTool(tools.configs, [...server, '--describe', ...topicEntity]);
    expect(described).toMatch(
      /^\s+cleanup\.policy=compact,delete sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:cleanup\.policy=compact,delete/m,
    );
    expect(described).toMatch(
      /^\s+retention\.ms=90000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=90000/m,
    );
    await kafkaTool(tools.configs, [...server, '--alter', ...topicEntity, '--delete-config', 'retention.ms']);
    const after = await kafkaTool(tools.configs, [...server, '--describe', ...topicEntity]);
    expect(after).not.toContain('retention.ms=');
    expect(after).toContain('cleanup.policy=compact,delete');

    const producer = kafkajs(bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: name,
      acks: -1,
      messages: ['a', 'b', 'c'].map((value) => ({ key: value, value })),
    });
    await producer.disconnect();
    const plan = JSON.stringify({ partitions: [{ topic: name, partition: 0, offset: 2 }], version: 1 });
    const file = join(tmpdir(), `${name}.json`);
    await writeFile(file, plan);
    afterFile(() => rm(file, { force: true }));
    expect(await kafkaTool(tools.deleteRecords, [...server, '--offset-json-file', file])).toMatch(
      /low_watermark: 2/,
    );
    expect(await admin.fetchTopicOffsets(name)).toEqual([{ partition: 0, offset: '3', high: '3', low: '2' }]);
  });
});
