/**
 * Secret redaction, applied to every string of a normalized log entry before it leaves the function
 * (output topic, archive). Patterns are deliberately broad: a redacted harmless value costs little, a
 * leaked credential a lot.
 */

const REDACTED = '[REDACTED]';

/** Field names whose values are secrets whatever they look like. */
const SECRET_NAME =
  /password|passwd|^pwd$|^pass$|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|authorization|credential|cookie/i;

/** Whether a field of this name holds a secret. */
function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

// A name starts after a non-name character and its parts are bounded: unbounded `[\w.-]*` around the keyword,
// tried at every position, backtracks quadratically over long runs of word characters (0.5 ms per 1 KB line).
const KEY_VALUE =
  /(["']?)(?<![\w.-])([\w.-]{0,40}(?:password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)[\w.-]{0,40})\1(\s*[=:]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;"'}\]]+)/gi;
const SECRET_KEYWORD =
  /password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential/i;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA)[A-Z0-9]{16}\b/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;
// Card-like: 13-19 digits, optionally grouped by spaces or dashes, first digit 2-6 (Visa, Mastercard,
// Amex, Discover, ...), and a valid Luhn check digit, so timestamps and ids are not caught.
const CARD_LIKE = /\b[2-6](?:[ -]?\d){12,18}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Redacts bearer/basic credentials, secrets in `key=value`, `key: value` and JSON `"key": "value"` form,
 * AWS access key ids, passwords in URLs and card-like numbers.
 *
 * @example
 * redactText('login password=hunter2 ok'); // 'login password=[REDACTED] ok'
 */
export function redactText(text: string): string {
  const keyed = SECRET_KEYWORD.test(text)
    ? text.replace(KEY_VALUE, (_, quote: string, name: string, separator: string, value: string) => {
        const quoted = value.startsWith('"')
          ? `"${REDACTED}"`
          : value.startsWith("'")
            ? `'${REDACTED}'`
            : REDACTED;
        return `${quote}${name}${quote}${separator}${quoted}`;
      })
    : text;
  return keyed
    .replace(AUTH_SCHEME, (_, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(AWS_ACCESS_KEY_ID, REDACTED)
    .replace(URL_PASSWORD, (_, prefix: string) => `${prefix}${REDACTED}@`)
    .replace(CARD_LIKE, (match) => {
      const digits = match.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? REDACTED : match;
    });
}

/** Redacts every string in a JSON-like value; fields with a secret's name are replaced whole. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [
        name,
        isSecretName(name) && inner !== null ? REDACTED : redactValue(inner),
      ]),
    );
  }
  return value;
}
