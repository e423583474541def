import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../../src/shared/logs/parse.js';

const context = {
  service: 'from-key',
  host: 'from-header',
  timestamp: Date.parse('2026-05-06T07:08:09.000Z'),
};

describe('parseLogLine', () => {
  it('reads JSON lines, keeping unknown fields', () => {
    // Act
    const entry = parseLogLine(
      '{"time":1767323045000,"level":50,"msg":"charge failed","service":"billing","hostname":"ip-10-0-0-1","orderId":"o-1"}',
      context,
    );

    // Assess
    expect(entry).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'error',
      service: 'billing',
      host: 'ip-10-0-0-1',
      message: 'charge failed',
      fields: { orderId: 'o-1' },
      format: 'json',
    });
  });

  it('reads `<ISO time> <LEVEL> <service> <message>`', () => {
    expect(parseLogLine('2026-01-02T03:04:05.123+02:00 WARN checkout slow response 2.3s', context)).toEqual({
      time: '2026-01-02T01:04:05.123Z',
      level: 'warn',
      service: 'checkout',
      host: 'from-header',
      message: 'slow response 2.3s',
      fields: {},
      format: 'iso',
    });
  });

  it('reads RFC 5424 syslog with structured data', () => {
    // Prepare: the RFC's own example (section 6.5, example 3), facility 20, severity 5 (notice).
    const line =
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...';

    // Act
    const entry = parseLogLine(line, context);

    // Assess
    expect(entry).toEqual({
      time: '2003-10-11T22:14:15.003Z',
      level: 'info',
      service: 'evntslog',
      host: 'mymachine.example.com',
      message: 'An application event log entry...',
      fields: {
        facility: 20,
        msgId: 'ID47',
        structuredData: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } },
      },
      format: 'syslog',
    });
  });

  it('reads the Apache/nginx combined log format, level from the status', () => {
    // Prepare: Apache's documented example.
    const line =
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 503 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';

    // Act
    const entry = parseLogLine(line, context);

    // Assess
    expect(entry).toEqual({
      time: '2000-10-10T20:55:36.000Z',
      level: 'error',
      service: 'from-key',
      host: 'from-header',
      message: 'GET /apache_pb.gif HTTP/1.0 503',
      fields: {
        clientIp: '127.0.0.1',
        user: 'frank',
        method: 'GET',
        path: '/apache_pb.gif',
        protocol: 'HTTP/1.0',
        status: 503,
        bytes: 2326,
        referer: 'http://www.example.com/start.html',
        userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
      },
      format: 'combined',
    });
  });

  it('keeps anything else as text at the record time', () => {
    expect(parseLogLine('just some words', { ...context, host: undefined })).toEqual({
      time: '2026-05-06T07:08:09.000Z',
      level: 'info',
      service: 'from-key',
      host: null,
      message: 'just some words',
      fields: {},
      format: 'text',
    });
  });
});
