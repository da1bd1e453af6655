/**
 * JSON.parse on Node 20 does not always say where a file is broken ("Unexpected token '}'", no
 * position) and its message quotes the text, which may hold a secret in a credentials file. This
 * small scanner runs only after JSON.parse has failed, finds the first error, and describes it in
 * words a trader understands, with a line and column and without quoting the file.
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function parseJson(text: string): JsonParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    const { offset, message } = locateJsonError(body);
    const { line, column } = lineColumn(body, offset);
    return { ok: false, error: { line, column, message } };
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** Offset (0-based) and description of the first syntax error in `text`. */
export function locateJsonError(text: string): { offset: number; message: string } {
  let i = 0;
  const fail: (message: string, at?: number) => never = (message, at = i) => {
    throw new Stop(at, message);
  };
  const what = (): string => {
    if (i >= text.length) return "the end of the file";
    const c = text[i]!;
    if (c === "'") return "a single quote (JSON strings use double quotes)";
    if (c === "/") return "a comment (JSON does not allow comments)";
    if (/[A-Za-z_]/.test(c)) return "a word without quotes";
    return `"${c}"`;
  };
  const space = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail('a string is not closed before the end of the line (missing ")', start);
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("bad \\u escape in a string");
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e))
          fail("bad escape in a string (use \\\\ for a backslash)");
        i += 2;
        continue;
      }
      i++;
    }
    fail('a string is not closed (missing ")', start);
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === undefined) fail("the file ends where a value was expected");
    if (c === "{") {
      object();
      return;
    }
    if (c === "[") {
      array();
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m || m[0] === "-") fail("a number is malformed");
      i += m![0].length;
      return;
    }
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail(
      `expected a value (text in "double quotes", a number, true, false, a list or an object) but found ${what()}`,
    );
  };
  const object = () => {
    i++;
    space();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      space();
      if (i >= text.length) fail('the file ends inside an object (a closing "}" is missing)');
      if (text[i] === "}") fail('a comma before "}" has nothing after it (remove the trailing comma)');
      if (text[i] !== '"') fail(`expected a field name in "double quotes" but found ${what()}`);
      string();
      space();
      if (text[i] !== ":") fail(`expected ":" after the field name but found ${what()}`);
      i++;
      value();
      space();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return;
      }
      if (i >= text.length) fail('the file ends inside an object (a closing "}" is missing)');
      fail(`expected "," or "}" after a value but found ${what()} (a comma may be missing)`);
    }
  };
  const array = () => {
    i++;
    space();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (;;) {
      space();
      if (i >= text.length) fail('the file ends inside a list (a closing "]" is missing)');
      if (text[i] === "]") fail('a comma before "]" has nothing after it (remove the trailing comma)');
      value();
      space();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return;
      }
      if (i >= text.length) fail('the file ends inside a list (a closing "]" is missing)');
      fail(`expected "," or "]" after a list item but found ${what()} (a comma may be missing)`);
    }
  };
  try {
    space();
    if (i >= text.length) return { offset: 0, message: "the file is empty (it must hold a JSON object)" };
    value();
    space();
    if (i < text.length) fail(`found ${what()} after the end of the JSON value (a file holds one object)`);
    return { offset: 0, message: "not valid JSON" };
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    throw error;
  }
}
