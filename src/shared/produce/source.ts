/**
 * Finds each record's `key` and `value` in the bytes of a produce request body, so json-format keys and
 * values can be written as the client's own UTF-8 JSON instead of being parsed and serialised again.
 * That costs less than JSON.stringify, and keeps what re-serialising would change: the digits of
 * numbers beyond double precision, escapes, whitespace.
 *
 * This is no validator: it is only run on a body that JSON.parse accepted and the request schema
 * validated (an object whose `records` is an array of objects), and it relies on that. It follows
 * JSON.parse where it matters: a repeated member name counts once, with its last value.
 * Grammar: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259).
 */

/** A record's own JSON text, as views into the body (no copies). */
export interface RecordSource {
  key?: Buffer;
  value?: Buffer;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Only a body that is not what the precondition says gets here; never loop past its end. */
function endedEarly(): Error {
  return new Error('recordSources: the JSON ends early (the body was not a validated produce request)');
}

/**
 * Walks the body as a latin1 string: one character per byte, so string positions are byte positions,
 * and the string builtins (indexOf, slice) are faster than byte-by-byte loops over the Buffer. Every
 * character JSON's structure uses is ASCII, and the bytes of a multi-byte UTF-8 character are all
 * >= 0x80, so they never look like structure.
 */
class JsonScanner {
  position = 0;

  constructor(private readonly text: string) {}

  private skipWhitespace(): void {
    while (isWhitespace(this.text.charCodeAt(this.position))) this.position++;
  }

  /**
   * At an object's `{` or at the `,` or `}` after a member's value: moves to the next member's value and
   * returns the member's name, or moves past the closing `}` and returns undefined.
   */
  nextMember(): string | undefined {
    if (!this.nextItem(CLOSE_BRACE)) return undefined;
    const start = this.position;
    this.skipString();
    const name = this.text.slice(start, this.position);
    this.skipWhitespace();
    this.position++; // the ':'
    this.skipWhitespace();
    // An escaped name ("\u0076alue") is still that name. Non-ASCII bytes read as latin1 are garbled,
    // but such a name is never one of the ASCII names looked for, however it is decoded.
    return name.includes('\\') ? (JSON.parse(name) as string) : name.slice(1, -1);
  }

  /** Like {@link nextMember} for an array's `[`, `,` and `]`: true when positioned at another element. */
  nextElement(): boolean {
    return this.nextItem(CLOSE_BRACKET);
  }

  private nextItem(close: number): boolean {
    this.skipWhitespace();
    const atClose = this.text.charCodeAt(this.position) === close;
    this.position++; // the opening bracket, a comma or the closing bracket
    if (atClose) return false;
    this.skipWhitespace();
    // An empty object or array (JSON has no trailing commas, so only right after the opening).
    if (this.text.charCodeAt(this.position) === close) {
      this.position++;
      return false;
    }
    return true;
  }

  /** Moves past the value that starts here. */
  skipValue(): void {
    const code = this.text.charCodeAt(this.position);
    if (code === QUOTE) this.skipString();
    else if (code === OPEN_BRACE || code === OPEN_BRACKET) this.skipNested();
    else this.skipLiteral();
  }

  private skipString(): void {
    let end = this.position;
    for (;;) {
      end = this.text.indexOf('"', end + 1);
      if (end === -1) throw endedEarly();
      // A quote preceded by an odd number of backslashes is escaped and part of the string.
      let backslashes = 0;
      while (this.text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    this.position = end + 1;
  }

  /** An object or array: counts brackets, skipping strings (which may contain brackets). */
  private skipNested(): void {
    let depth = 0;
    do {
      if (this.position >= this.text.length) throw endedEarly();
      const code = this.text.charCodeAt(this.position);
      if (code === QUOTE) {
        this.skipString();
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
      this.position++;
    } while (depth > 0);
  }

  /** A number, true, false or null: ends at the structure or whitespace that follows it. */
  private skipLiteral(): void {
    while (this.position < this.text.length) {
      const code = this.text.charCodeAt(this.position);
      if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isWhitespace(code)) return;
      this.position++;
    }
  }
}

/**
 * The JSON text of every record's `key` and `value` (when present), in record order, as subarrays of
 * `body`. `body` must be a produce request that JSON.parse accepted and the request schema validated.
 */
export function recordSources(body: Buffer): RecordSource[] {
  const json = new JsonScanner(body.toString('latin1'));
  let sources: RecordSource[] = [];
  for (let name = json.nextMember(); name !== undefined; name = json.nextMember()) {
    if (name !== 'records') {
      json.skipValue();
      continue;
    }
    sources = [];
    while (json.nextElement()) {
      const source: RecordSource = {};
      for (let field = json.nextMember(); field !== undefined; field = json.nextMember()) {
        const start = json.position;
        json.skipValue();
        if (field === 'key' || field === 'value') source[field] = body.subarray(start, json.position);
      }
      sources.push(source);
    }
  }
  return sources;
}
