/** The mapping's metrics as EMF lines, and its system log level. */
import { describe, expect, it } from 'vitest';
import { EmfMetrics, leveledLog } from '../../../../src/serverless-kafka-events/emulate/observability.js';

describe('EmfMetrics', () => {
  it('writes one EMF line per flush with the counts of the groups asked for and the offset lag', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfMetrics({
      groups: ['EventCount', 'KafkaMetrics'],
      functionName: 'svc-local-orders',
      mappingId: 'group-1',
      write: (line) => lines.push(line),
      now: () => 1_700_000_000_000,
    });

    // Act
    metrics.count('PolledEventCount', 5);
    metrics.count('PolledEventCount', 3);
    metrics.count('InvokedEventCount', 6);
    metrics.count('DeserializationErrorCount', 1); // ErrorCount: not asked for
    metrics.highWatermark(0, 10);
    metrics.highWatermark(1, 4);
    metrics.committed(0, 7);
    metrics.flush();
    metrics.flush(); // nothing moved

    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'AWS/Lambda',
            Dimensions: [['FunctionName', 'EventSourceMappingUUID']],
            Metrics: [
              { Name: 'PolledEventCount', Unit: 'Count' },
              { Name: 'InvokedEventCount', Unit: 'Count' },
              { Name: 'OffsetLag', Unit: 'Count' },
            ],
          },
        ],
      },
      FunctionName: 'svc-local-orders',
      EventSourceMappingUUID: 'group-1',
      PolledEventCount: 8,
      InvokedEventCount: 6,
      OffsetLag: 7,
    });
  });
});

describe('leveledLog', () => {
  it.each([
    ['WARN', ['warn w', 'error e']],
    ['INFO', ['info i', 'warn w', 'error e']],
    ['DEBUG', ['debug d', 'info i', 'warn w', 'error e']],
  ] as const)('at %s keeps %j', (level, kept) => {
    // Prepare
    const lines: string[] = [];
    const log = leveledLog(
      {
        debug: (m) => lines.push(`debug ${m}`),
        info: (m) => lines.push(`info ${m}`),
        warn: (m) => lines.push(`warn ${m}`),
        error: (m) => lines.push(`error ${m}`),
      },
      level,
    );

    // Act
    log.debug?.('d');
    log.info('i');
    log.warn('w');
    log.error('e');

    // Assess
    expect(lines).toEqual(kept);
  });
});
