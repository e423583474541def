/**
 * Log lines from many services, in the formats they commonly write, parsed into one schema:
 * - JSON objects (pino, bunyan, logback/logstash, Powertools...: `time|timestamp|@timestamp|ts`,
 *   `level|severity|lvl`, `service|app`, `host|hostname`, `message|msg`; other fields kept in `fields`);
 * - `<ISO time> <LEVEL> <service> <message>`;
 * - RFC 5424 syslog (https://www.rfc-editor.org/rfc/rfc5424#section-6): `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`;
 * - Apache/nginx combined (and common) log format:
 *   `%h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-agent}i"` (https://httpd.apache.org/docs/2.4/logs.html);
 * - anything else as plain text.
 */

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

export type LogFormat = 'json' | 'iso' | 'syslog' | 'combined' | 'text';

/** One normalized log entry: the value of `logs.normalized`. */
export interface LogEntry {
  /** ISO 8601, UTC. */
  time: string;
  level: Level;
  service: string;
  host: string | null;
  message: string;
  fields: Record<string, unknown>;
  format: LogFormat;
}

/** What the record says besides its value: service and host from the key or headers, and its timestamp. */
export interface LineContext {
  service: string | undefined;
  host: string | undefined;
  timestamp: number;
}

const LEVEL_ALIASES: Record<string, Level> = {
  trace: 'trace',
  finest: 'trace',
  debug: 'debug',
  fine: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  severe: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/** pino/bunyan numeric levels. */
const NUMERIC_LEVELS: [number, Level][] = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
];

function normalizeLevel(level: unknown): Level | undefined {
  if (typeof level === 'number') return NUMERIC_LEVELS.find(([threshold]) => level >= threshold)?.[1];
  if (typeof level !== 'string') return undefined;
  return LEVEL_ALIASES[level.trim().toLowerCase()];
}

/** An ISO string of a time given as ISO text or epoch seconds/milliseconds; undefined when unreadable. */
function isoTime(value: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string')
    ms = /^\d+(\.\d+)?$/.test(value) ? isoNumber(Number(value)) : Date.parse(value);
  return ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

const isoNumber = (value: number) => (value < 1e11 ? value * 1000 : value);

function firstOf(object: Record<string, unknown>, names: string[]): { name?: string; value?: unknown } {
  for (const name of names) if (object[name] !== undefined) return { name, value: object[name] };
  return {};
}

const JSON_FIELDS = {
  time: ['time', 'timestamp', '@timestamp', 'ts', 'datetime'],
  level: ['level', 'severity', 'lvl', 'log.level', 'levelname'],
  service: ['service', 'service.name', 'app', 'application', 'logger_name'],
  host: ['host', 'hostname', 'host.name'],
  message: ['message', 'msg', '@message', 'log'],
};

function parseJson(line: string, context: LineContext): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  let object: unknown;
  try {
    object = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined;
  const record = object as Record<string, unknown>;
  const picked = Object.fromEntries(
    Object.entries(JSON_FIELDS).map(([field, names]) => [field, firstOf(record, names)]),
  ) as Record<keyof typeof JSON_FIELDS, { name?: string; value?: unknown }>;
  const used = new Set(Object.values(picked).map((pick) => pick.name));
  const text = (value: unknown) =>
    typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
  return {
    time: isoTime(picked.time.value) ?? new Date(context.timestamp).toISOString(),
    level: normalizeLevel(picked.level.value) ?? 'info',
    service: text(picked.service.value) ?? context.service ?? 'unknown',
    host: text(picked.host.value) ?? context.host ?? null,
    message: text(picked.message.value) ?? '',
    fields: Object.fromEntries(Object.entries(record).filter(([name]) => !used.has(name))),
    format: 'json',
  };
}

const ISO_LINE =
  /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+\[?([A-Za-z]+)\]?\s+(\S+)\s+(.*)$/s;

function parseIso(line: string, context: LineContext): LogEntry | undefined {
  const match = ISO_LINE.exec(line);
  if (!match) return undefined;
  const [, time = '', levelWord, service = '', message = ''] = match;
  const level = normalizeLevel(levelWord);
  if (!level) return undefined;
  // No offset means UTC: the format's writers log in UTC by convention.
  const normalizedTime = time.replace(' ', 'T').replace(',', '.');
  const withZone = /Z|[+-]\d{2}:?\d{2}$/.test(normalizedTime) ? normalizedTime : `${normalizedTime}Z`;
  return {
    time: isoTime(withZone) ?? new Date(context.timestamp).toISOString(),
    level,
    service,
    host: context.host ?? null,
    message,
    fields: {},
    format: 'iso',
  };
}

const SYSLOG_LINE =
  /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: (.*))?$/s;
const SYSLOG_SEVERITIES: Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];
const SD_ELEMENT = /\[([^\s\]]+)((?:\s+[^=\s\]]+="(?:[^"\\]|\\.)*")*)\]/g;
const SD_PARAM = /([^=\s]+)="((?:[^"\\]|\\.)*)"/g;

const nil = (value: string | undefined) => (value === undefined || value === '-' ? undefined : value);

function parseSyslog(line: string, context: LineContext): LogEntry | undefined {
  const match = SYSLOG_LINE.exec(line);
  if (!match) return undefined;
  const [, pri = '0', time, host, app, procId, msgId, sd = '-', message = ''] = match;
  const priority = Number(pri);
  if (priority > 191) return undefined;
  const structured: Record<string, Record<string, string>> = {};
  for (const [, id = '', params = ''] of sd.matchAll(SD_ELEMENT)) {
    structured[id] = Object.fromEntries(
      [...params.matchAll(SD_PARAM)].map(([, name = '', value = '']) => [
        name,
        value.replace(/\\(["\\\]])/g, '$1'),
      ]),
    );
  }
  return {
    time: isoTime(nil(time)) ?? new Date(context.timestamp).toISOString(),
    level: SYSLOG_SEVERITIES[priority % 8] ?? 'info',
    service: nil(app) ?? context.service ?? 'unknown',
    host: nil(host) ?? context.host ?? null,
    // A UTF-8 MSG starts with a BOM (RFC 5424 section 6.4).
    message: message.replace(/^\uFEFF/, ''),
    fields: {
      facility: Math.floor(priority / 8),
      ...(nil(procId) ? { procId } : {}),
      ...(nil(msgId) ? { msgId } : {}),
      ...(Object.keys(structured).length > 0 ? { structuredData: structured } : {}),
    },
    format: 'syslog',
  };
}

const COMBINED_LINE =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CLF_TIME = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2})(\d{2})$/;

/** `10/Oct/2000:13:55:36 -0700` as ISO. */
function clfTime(value: string): string | undefined {
  const match = CLF_TIME.exec(value);
  if (!match) return undefined;
  const [, day, month, year, hour, minute, second, zoneHours, zoneMinutes] = match;
  const monthNumber = MONTHS.indexOf(month ?? '') + 1;
  if (monthNumber === 0) return undefined;
  return isoTime(
    `${year}-${String(monthNumber).padStart(2, '0')}-${day}T${hour}:${minute}:${second}${zoneHours}:${zoneMinutes}`,
  );
}

function parseCombined(line: string, context: LineContext): LogEntry | undefined {
  const match = COMBINED_LINE.exec(line);
  if (!match) return undefined;
  const [, clientIp, , user, time = '', request = '', status = '0', bytes, referer, userAgent] = match;
  const [method, path, protocol] = request.split(' ');
  const statusCode = Number(status);
  return {
    time: clfTime(time) ?? new Date(context.timestamp).toISOString(),
    level: statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info',
    service: context.service ?? 'unknown',
    host: context.host ?? null,
    message: `${request} ${status}`,
    fields: {
      clientIp,
      ...(nil(user) ? { user } : {}),
      ...(method && path ? { method, path, protocol } : {}),
      status: statusCode,
      bytes: bytes === '-' ? 0 : Number(bytes),
      ...(nil(referer) ? { referer } : {}),
      ...(userAgent !== undefined ? { userAgent } : {}),
    },
    format: 'combined',
  };
}

/**
 * Parses one line; never fails: a line in no known format is kept as text at level info.
 *
 * @example
 * parseLogLine('2026-01-02T03:04:05Z ERROR billing charge failed', { service: undefined, host: undefined, timestamp: 0 });
 * // { time: '2026-01-02T03:04:05.000Z', level: 'error', service: 'billing', message: 'charge failed', ... }
 */
export function parseLogLine(rawLine: string, context: LineContext): LogEntry {
  const line = rawLine.replace(/\r?\n$/, '');
  return (
    parseJson(line, context) ??
    parseSyslog(line, context) ??
    parseIso(line, context) ??
    parseCombined(line, context) ?? {
      time: new Date(context.timestamp).toISOString(),
      level: 'info',
      service: context.service ?? 'unknown',
      host: context.host ?? null,
      message: line,
      fields: {},
      format: 'text',
    }
  );
}
