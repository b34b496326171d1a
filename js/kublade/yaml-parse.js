// YAML as Kublade reads a rendered file: `Yaml::parse($text)` of symfony/yaml, no flags. Symfony's
// parser is line-based and differs from YAML's grammar in many places that real templates reach
// (document markers and leading comments, blank lines in block scalars, `key: value:`, comments
// ending a multi-line plain scalar, flow collections with empty entries…), so this is a port of its
// Parser and Inline classes, as the Kublade oracle runs them (symfony/yaml 5.4's Parser with 7.2's
// scalar rules), statement by statement, rather than a YAML parser with Symfony's rules on top.
// PHP's semantics that matter are kept: only ASCII blanks are trimmed, an out-of-range string
// offset is an error, arrays are Maps with PHP's keys, ints/floats as php.js holds them.
// An alias shares the value it names (PHP would copy it on write; nothing here writes to a parsed
// value), so aliases cost nothing to parse: the dumper bounds what they expand to.
// Errors are YamlErrors whose message reads as Symfony's ParseException (or PHP's warning).
import { PhpFloat, TaggedValue, int64Text, isArray, isNumericString, phpInt, phpKey } from './php.js';

class YamlError extends Error {
  constructor(reason, line = -1, snippet = null) {
    super(reason);
    this.reason = reason;
    this.line = line;
    this.snippet = snippet;
    this.render();
  }

  /** ParseException::updateRepr. */
  render() {
    const dot = this.reason.endsWith('.');
    let message = dot ? this.reason.slice(0, -1) : this.reason;
    if (this.line >= 0) message += ` at line ${this.line}`;
    if (truthyString(this.snippet)) message += ` (near "${this.snippet}")`;
    this.message = dot ? `${message}.` : message;
  }

  setParsedLine(line) {
    this.line = line;
    this.render();
  }

  setSnippet(snippet) {
    this.snippet = snippet;
    this.render();
  }
}

/** A PHP warning (an ErrorException in Kublade's worker): not a ParseException, so no catch adds a line. */
class PhpWarning extends Error {
  constructor(message) {
    super(message);
    this.line = -1;
  }
}

const truthyString = (s) => s !== null && s !== undefined && s !== '' && s !== '0';

// ---- PHP string functions (bytes in PHP; the texts here only differ from them past ASCII, where
// ---- Symfony's rules look at ASCII characters alone).
const PHP_BLANKS = ' \t\n\r\0\x0B';
// PCRE's \s on a line (no \n there).
const PCRE_BLANKS = ' \t\x0B\f\r';
function trim(s, chars = PHP_BLANKS) {
  return rtrim(ltrim(s, chars), chars);
}
function ltrim(s, chars = PHP_BLANKS) {
  let i = 0;
  while (i < s.length && chars.includes(s[i])) i++;
  return s.slice(i);
}
function rtrim(s, chars = PHP_BLANKS) {
  let i = s.length;
  while (i > 0 && chars.includes(s[i - 1])) i--;
  return s.slice(0, i);
}
function strspn(s, chars, start) {
  let i = start;
  while (i < s.length && chars.includes(s[i])) i++;
  return i - start;
}
function strcspn(s, chars, start) {
  let i = start;
  while (i < s.length && !chars.includes(s[i])) i++;
  return i - start;
}
/** PHP's strlen(): UTF-8 bytes. */
const strlen = (s) => new TextEncoder().encode(s).length;
/** `$s[$i]`, which warns past the end. */
function at(s, i) {
  if (i < 0 ? -i > s.length : i >= s.length) throw new PhpWarning(`Uninitialized string offset ${i}`);
  return i < 0 ? s[s.length + i] : s[i];
}
/** `substr($s, $start, $length)`. */
function substr(s, start, length) {
  const from = start < 0 ? Math.max(0, s.length + start) : Math.min(start, s.length);
  const to = length === undefined ? s.length : length < 0 ? s.length + length : from + length;
  if (to < from) return '';
  return s.slice(from, to);
}

// PCRE's \s in PHP's /u patterns, which turn on Unicode properties: \p{Z}, \h and \v (JavaScript's
// \s lacks U+0085 and U+180E and has U+FEFF). Without /u it is ASCII's blanks only.
const US_CHARS = '\t\n\x0B\f\r \x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000';
const US = `[${US_CHARS}]`;
const US_ONE = new RegExp(`^${US}$`, 'u');
const isUSpace = (c) => c !== undefined && US_ONE.test(c);
// Inline::REGEX_QUOTED_STRING; `(?=(x*))\1` is PCRE's possessive `x*+`.
const QUOTED = `(?:"(?=(?<dq>(?:[^"\\\\]|\\\\[^\\n])*))\\k<dq>"|'(?=(?<sq>(?:[^']|'')*))\\k<sq>')`;
const TAG = `(?<tag>![\\w!./:-]+)`;
const BLOCK_SCALAR_HEADER = `(?<separator>\\||>)(?<modifiers>\\+|-|\\d+|\\+\\d+|-\\d+|\\d+\\+|\\d+-)?(?<comments> +#[^\\n]*)?`;
// PCRE's `.` takes any character but \n (JavaScript's also stops at \r, U+2028, U+2029).
const REFERENCE = /^&(?<ref>[^ ]+) *(?<value>[^\n]*)/u;
const SEQUENCE_ITEM = new RegExp(`^-(?:(?<leadspaces>${US}+)(?<value>[^\\n]+))?$`, 'u');
const BLOCK_SCALAR_VALUE = new RegExp(`^(?:${TAG} +)?${BLOCK_SCALAR_HEADER}$`, 'u');
const QUOTED_AT = new RegExp(QUOTED, 'uy');
const TAG_AT = /^![\w!./:-]+/;

// The line patterns below are Symfony's regular expressions read in one pass: as expressions,
// their lazy keys before ` *:` backtrack over every blank of a long run, for every character.

/**
 * `#^(?P<key>(?:![^\s]++\s++)?(?:QUOTED|(?:!?!php/const:)?[^ '"\[\{!].*?)) *\:(( |\t)++(?P<value>.+))?$#u`
 * on a line: `{ key, value }` (value undefined when nothing follows the colon), or null.
 */
function matchMappingItem(line) {
  if (line[0] === '!') {
    let i = 1;
    while (i < line.length && !isUSpace(line[i])) i++;
    if (i > 1 && i < line.length) {
      while (i < line.length && isUSpace(line[i])) i++;
      const found = mappingKeyAt(line, i);
      if (found) return found;
    }
  }
  return mappingKeyAt(line, 0);
}

function mappingKeyAt(line, start) {
  const valueAfter = (colon) => {
    const rest = line.slice(colon + 1);
    if (rest === '') return { ok: true, value: undefined };
    if (rest[0] !== ' ' && rest[0] !== '\t') return { ok: false };
    const value = ltrim(rest, ' \t');
    return value === '' ? { ok: false } : { ok: true, value };
  };
  if (line[start] === '"' || line[start] === "'") {
    QUOTED_AT.lastIndex = start;
    if (!QUOTED_AT.exec(line)) return null;
    const end = QUOTED_AT.lastIndex;
    let colon = end;
    while (line[colon] === ' ') colon++;
    if (line[colon] !== ':') return null;
    const { ok, value } = valueAfter(colon);
    return ok ? { key: line.slice(0, end), value } : null;
  }
  const firsts = [];
  if (line.startsWith('!!php/const:', start)) firsts.push(start + 12);
  if (line.startsWith('!php/const:', start)) firsts.push(start + 11);
  firsts.push(start);
  for (const first of firsts) {
    if (first >= line.length || ` '"[{!`.includes(line[first])) continue;
    for (let colon = line.indexOf(':', first + 1); colon !== -1; colon = line.indexOf(':', colon + 1)) {
      const { ok, value } = valueAfter(colon);
      if (!ok) continue;
      let end = colon;
      while (end > first + 1 && line[end - 1] === ' ') end--;
      return { key: line.slice(0, end), value };
    }
  }
  return null;
}

/** `#^(?P<key>QUOTED|[^ '"\{\[].*?) *\:(\s+(?P<value>.+?))?\s*$#u`: whether it matches. */
function isCompactMapping(text) {
  const colonEnds = (colon) => colon + 1 >= text.length || isUSpace(text[colon + 1]);
  if (text[0] === '"' || text[0] === "'") {
    QUOTED_AT.lastIndex = 0;
    if (!QUOTED_AT.exec(text)) return false;
    let colon = QUOTED_AT.lastIndex;
    while (text[colon] === ' ') colon++;
    return text[colon] === ':' && colonEnds(colon);
  }
  if (text === '' || ` '"{[`.includes(text[0])) return false;
  for (let colon = text.indexOf(':', 1); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    if (colonEnds(colon)) return true;
  }
  return false;
}

/** `/^(?P<tag>![\w!.\/:-]+) *( +#.*)?$/`: the tag, or null. */
function lineTag(value) {
  const tag = TAG_AT.exec(value)?.[0];
  if (tag === undefined) return null;
  const rest = value.slice(tag.length);
  const after = ltrim(rest, ' ');
  return after === '' || (rest[0] === ' ' && after[0] === '#') ? tag : null;
}

/** Where `/[ \t]+#/` first matches, or -1. */
function commentStart(text) {
  for (let hash = text.indexOf('#'); hash !== -1; hash = text.indexOf('#', hash + 1)) {
    if (hash > 0 && (text[hash - 1] === ' ' || text[hash - 1] === '\t')) {
      let start = hash - 1;
      while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
      return start;
    }
  }
  return -1;
}

let parsedLineNumber = -1;
// How deep the flow collection being read is nested.
let inlineDepth = 0;

/** How deep a document may nest (blocks in blocks, flow collections in flow collections). */
export const MAX_YAML_NESTING = 128;
/**
 * How many lines the nested blocks of a document may hold in all. Symfony hands each nested block
 * its lines anew, so a line costs once per level it sits in: blank lines, which need no
 * indentation, could otherwise make a document's cost its size times its depth.
 */
export const MAX_YAML_BLOCK_LINES = 16 * 1024 * 1024;

/** Past one of the limits above: portclaims's, not Symfony's (which goes as far as PHP does). */
export class YamlLimit extends Error {}
const nestingLimit = () => new YamlLimit(`YAML nests deeper than ${MAX_YAML_NESTING} levels (the YAML step's nesting limit)`);

/** `Yaml::parse($text)`: the PHP value, or a thrown YamlError (or a YamlLimit). */
export function parseSymfonyYaml(text) {
  parsedLineNumber = -1;
  inlineDepth = 0;
  const parser = new Parser(0, { blockLines: 0 });
  // Symfony's blocks are texts that each nested parser splits again; here they stay lists of
  // lines (`['']` is the empty text), so a line is not copied once per level it is nested in.
  return parser.doParse(text.replace(/\r\n?/g, '\n').split('\n'));
}

class Parser {
  constructor(depth, work) {
    if (depth > MAX_YAML_NESTING) throw nestingLimit();
    this.depth = depth;
    this.work = work;
    this.offset = 0;
    this.numberOfParsedLines = 0;
    this.totalNumberOfLines = null;
    this.lines = [];
    // Each line's count of leading spaces, which every line test reads (Symfony counts them anew).
    this.indents = [];
    this.currentLineNb = -1;
    this.currentLine = '';
    this.currentIndent = 0;
    this.refs = new Map();
    this.refsBeingParsed = [];
  }

  /** Parser::doParse of the text `input.join('\n')`. */
  doParse(input) {
    this.currentLineNb = -1;
    this.currentLine = '';
    this.currentIndent = 0;
    this.lines = this.cleanup(input);
    this.indents = this.lines.indents ?? this.lines.map(indentOf);
    // `$value`: the text, until a mapping line reuses the variable (and the one-line test reads it).
    let value = { lines: this.lines };
    this.numberOfParsedLines = this.lines.length;
    if (this.totalNumberOfLines === null) this.totalNumberOfLines = this.numberOfParsedLines;

    if (!this.moveToNextLine()) return null;

    const data = new Map();
    let next = 0;
    const push = (v) => data.set(next++, v);
    let context = null;
    let allowOverwrite = false;

    while (this.isCurrentLineEmpty()) {
      if (!this.moveToNextLine()) return null;
    }

    // A tag alone on the first line: without PARSE_CUSTOM_TAGS it fails (or is no tag).
    this.getLineTag(this.currentLine, false);

    do {
      if (this.isCurrentLineEmpty()) continue;

      if (this.currentLine[0] === '\t') {
        throw new YamlError('A YAML file cannot contain tabs as indentation.', this.getRealCurrentLineNb() + 1, this.currentLine);
      }

      parsedLineNumber = this.getRealCurrentLineNb();

      let isRef = false;
      let mergeNode = false;
      let values;
      let matches;
      if (this.currentLine[0] === '-' && (values = SEQUENCE_ITEM.exec(rtrim(this.currentLine))?.groups)) {
        if (context === 'mapping') {
          throw new YamlError('You cannot define a sequence item when in a mapping.', this.getRealCurrentLineNb() + 1, this.currentLine);
        }
        context = 'sequence';

        if (values.value !== undefined && values.value[0] === '&' && (matches = REFERENCE.exec(values.value)?.groups)) {
          isRef = matches.ref;
          this.refsBeingParsed.push(isRef);
          values.value = matches.value;
        }

        if (values.value !== undefined && values.value.length > 1 && values.value[0] === '?' && values.value[1] === ' ') {
          throw new YamlError('Complex mappings are not supported.', this.getRealCurrentLineNb() + 1, this.currentLine);
        }

        if (values.value !== undefined && ltrim(values.value, ' ').startsWith('-')) {
          // An inline first child.
          const currentLineNumber = this.getRealCurrentLineNb();
          // PHP's strlen() counts a blank like NBSP as its UTF-8 bytes, and the lines below are cut by it.
          const first = substr(this.currentLine, values.leadspaces.length + 1);
          const sequenceIndentation = strlen(values.leadspaces) + 1;
          push(this.parseBlock(currentLineNumber, rtrimLines(prepend(first, this.getNextEmbedBlock(sequenceIndentation, true)))));
        } else if (values.value === undefined || trim(values.value, ' ') === '' || ltrim(values.value, ' ').startsWith('#')) {
          push(this.parseBlock(this.getRealCurrentLineNb() + 1, this.getNextEmbedBlock(null, true)));
        } else if (this.getLineTag(ltrim(values.value, ' ')) !== null) {
          // (unreachable without PARSE_CUSTOM_TAGS: getLineTag fails or finds none)
        } else if (values.leadspaces !== undefined && (values.value[0] === '!' || isCompactMapping(this.trimTag(values.value)))) {
          // A compact mapping in a sequence item: it and the lines below it form the block.
          let block = [values.value];
          if (this.isNextLineIndented()) {
            block = prepend(values.value, this.getNextEmbedBlock(this.getCurrentLineIndentation() + strlen(values.leadspaces) + 1));
          }
          push(this.parseBlock(this.getRealCurrentLineNb(), block));
        } else {
          push(this.parseValue(values.value, context));
        }
        if (isRef) {
          this.refs.set(isRef, data.get(next - 1));
          this.refsBeingParsed.pop();
        }
      } else if (
        (values = matchMappingItem(rtrim(this.currentLine))) &&
        (!values.key.includes(' #') || values.key[0] === '"' || values.key[0] === "'")
      ) {
        if (context === 'sequence') {
          throw new YamlError('You cannot define a mapping item when in a sequence.', this.currentLineNb + 1, this.currentLine);
        }
        context = 'mapping';

        let key;
        try {
          key = parseScalar(values.key, null, { i: 0 }, true, new Map());
        } catch (e) {
          if (e instanceof YamlError) {
            e.setParsedLine(this.getRealCurrentLineNb() + 1);
            e.setSnippet(this.currentLine);
          }
          throw e;
        }

        if (typeof key !== 'string' && !isInt(key)) {
          const numeric = key instanceof PhpFloat;
          throw new YamlError(`${numeric ? 'Numeric' : 'Non-string'} keys are not supported. Quote your evaluable mapping keys instead.`, this.getRealCurrentLineNb() + 1, this.currentLine);
        }
        key = phpKey(key);

        let refMatches;
        if (key === '<<' && (values.value === undefined || values.value[0] !== '&' || !(refMatches = /^&(?<ref>[^ ]+)/u.exec(values.value)?.groups))) {
          mergeNode = true;
          allowOverwrite = true;
          if (values.value !== undefined && values.value[0] === '*') {
            const refName = substr(rtrim(values.value), 1);
            if (!this.refs.has(refName)) {
              const pos = this.refsBeingParsed.indexOf(refName);
              if (pos !== -1) {
                throw new YamlError(
                  `Circular reference [${[...this.refsBeingParsed.slice(pos), refName].join(', ')}] detected for reference "${refName}".`,
                  this.currentLineNb + 1,
                  this.currentLine,
                );
              }
              throw new YamlError(`Reference "${refName}" does not exist.`, this.getRealCurrentLineNb() + 1, this.currentLine);
            }
            const refValue = this.refs.get(refName);
            if (!isArray(refValue)) {
              throw new YamlError('YAML merge keys used with a scalar value instead of an array.', this.getRealCurrentLineNb() + 1, this.currentLine);
            }
            union(data, refValue);
          } else {
            if (values.value !== undefined && values.value !== '') value = values.value;
            else value = { lines: this.getNextEmbedBlock() };
            const parsed = this.parseBlock(this.getRealCurrentLineNb() + 1, typeof value === 'string' ? [value] : value.lines);
            if (!isArray(parsed)) {
              throw new YamlError('YAML merge keys used with a scalar value instead of an array.', this.getRealCurrentLineNb() + 1, this.currentLine);
            }
            if (parsed.has(0) && parsed.get(0) !== null) {
              // A list of mappings: each merged in turn, earlier ones winning.
              for (const item of parsed.values()) {
                if (!isArray(item)) throw new YamlError('Merge items must be arrays.', this.getRealCurrentLineNb() + 1, phpString(item));
                union(data, item);
              }
            } else {
              union(data, parsed);
            }
          }
        } else if (key !== '<<' && values.value !== undefined && values.value[0] === '&' && (matches = REFERENCE.exec(values.value)?.groups)) {
          isRef = matches.ref;
          this.refsBeingParsed.push(isRef);
          values.value = matches.value;
        }

        if (mergeNode) {
          // merged above
        } else if (values.value === undefined || values.value === '' || values.value.startsWith('#') || this.getLineTag(values.value) !== null || key === '<<') {
          // A value on the lines below, or none when the next line is not indented.
          if (!this.isNextLineIndented() && !this.isNextLineUnIndentedCollection()) {
            if (allowOverwrite || !isset(data, key)) {
              data.set(key, null);
              next = nextIndex(next, key);
            } else {
              throw new YamlError(`Duplicate key "${key}" detected.`, this.getRealCurrentLineNb() + 1, this.currentLine);
            }
          } else {
            const realCurrentLineNbKey = this.getRealCurrentLineNb();
            value = this.parseBlock(this.getRealCurrentLineNb() + 1, this.getNextEmbedBlock());
            if (key === '<<') {
              this.refs.set(refMatches.ref, value);
              if (!isArray(value)) throw new PhpWarning(`Unsupported operand types: array + ${phpType(value)}`);
              union(data, value);
            } else if (allowOverwrite || !isset(data, key)) {
              data.set(key, value);
              next = nextIndex(next, key);
            } else {
              throw new YamlError(`Duplicate key "${key}" detected.`, realCurrentLineNbKey + 1, this.currentLine);
            }
          }
        } else {
          value = this.parseValue(rtrim(values.value), context);
          if (allowOverwrite || !isset(data, key)) {
            data.set(key, value);
            next = nextIndex(next, key);
          } else {
            throw new YamlError(`Duplicate key "${key}" detected.`, this.getRealCurrentLineNb() + 1, this.currentLine);
          }
        }
        if (isRef) {
          this.refs.set(isRef, data.get(key));
          this.refsBeingParsed.pop();
        }
      } else if (this.currentLine[0] === '"' || this.currentLine[0] === "'") {
        if (context !== null) throw new YamlError('Unable to parse.', this.getRealCurrentLineNb() + 1, this.currentLine);
        return this.withLine(() => inlineParse(this.lexInlineQuotedString({ i: 0 }), this.refs));
      } else if (this.currentLine[0] === '{' || this.currentLine[0] === '[') {
        if (context !== null) throw new YamlError('Unable to parse.', this.getRealCurrentLineNb() + 1, this.currentLine);
        return this.withLine(() => {
          const closing = this.currentLine[0] === '{' ? '}' : ']';
          const parsed = inlineParse(this.lexInlineStructure({ i: 0 }, closing), this.refs);
          while (this.moveToNextLine()) {
            if (!this.isCurrentLineEmpty()) throw new YamlError('Unable to parse.', this.getRealCurrentLineNb() + 1, this.currentLine);
          }
          return parsed;
        });
      } else {
        if (this.currentLine === '---') {
          throw new YamlError('Multiple documents are not supported.', this.currentLineNb + 1, this.currentLine);
        }
        const deprecatedUsage = this.currentLine.length > 1 && this.currentLine[0] === '?' && this.currentLine[1] === ' ';
        if (deprecatedUsage) {
          throw new YamlError('Complex mappings are not supported.', this.getRealCurrentLineNb() + 1, this.currentLine);
        }

        // A one-line document, maybe followed by blank lines.
        const text = typeof value === 'string' ? value : value?.lines ? value.lines.join('\n') : null;
        if (text !== null && this.lines[0] === trim(text)) {
          return this.withLine(() => inlineParse(this.lines[0], this.refs));
        }

        // Last resort: the whole document as a multi-line plain string.
        if (this.currentLineNb === 0) {
          let previousLineWasNewline = false;
          let previousLineWasTerminatedWithBackslash = false;
          value = '';
          for (const line of this.lines) {
            const trimmedLine = trim(line);
            if (trimmedLine[0] === '#') continue;
            if (this.offset === 0 && line[0] === ' ') {
              throw new YamlError('Unable to parse.', this.getRealCurrentLineNb() + 1, this.currentLine);
            }
            if (line.includes(': ')) {
              throw new YamlError('Mapping values are not allowed in multi-line blocks.', this.getRealCurrentLineNb() + 1, this.currentLine);
            }
            if (trimmedLine === '') value += '\n';
            else if (!previousLineWasNewline && !previousLineWasTerminatedWithBackslash) value += ' ';

            if (trimmedLine !== '' && line.endsWith('\\')) value += ltrim(substr(line, 0, -1));
            else if (trimmedLine !== '') value += trimmedLine;

            previousLineWasNewline = trimmedLine === '';
            previousLineWasTerminatedWithBackslash = trimmedLine !== '' && line.endsWith('\\');
          }
          try {
            return inlineParse(trim(value), new Map());
          } catch (e) {
            if (!(e instanceof YamlError)) throw e;
          }
        }

        throw new YamlError('Unable to parse.', this.getRealCurrentLineNb() + 1, this.currentLine);
      }
    } while (this.moveToNextLine());

    return data.size === 0 ? null : data;
  }

  /** Runs `fn`; a ParseException it throws gets the current line. */
  withLine(fn) {
    try {
      return fn();
    } catch (e) {
      if (e instanceof YamlError) {
        e.setParsedLine(this.getRealCurrentLineNb() + 1);
        e.setSnippet(this.currentLine);
      }
      throw e;
    }
  }

  parseBlock(offset, yaml) {
    const parser = new Parser(this.depth + 1, this.work);
    parser.offset = offset;
    parser.totalNumberOfLines = this.totalNumberOfLines;
    parser.refs = this.refs;
    parser.refsBeingParsed = [...this.refsBeingParsed];
    return parser.doParse(yaml);
  }

  getRealCurrentLineNb() {
    return this.currentLineNb + this.offset;
  }

  getCurrentLineIndentation() {
    return this.currentIndent;
  }

  /** The lines of the block below the current line (a list with its `indents`). */
  getNextEmbedBlock(indentation = null, inSequence = false) {
    const oldLineIndentation = this.getCurrentLineIndentation();
    if (!this.moveToNextLine()) return EMPTY_BLOCK();

    let newIndent;
    if (indentation === null) {
      newIndent = null;
      let movements = 0;
      let EOF;
      do {
        EOF = false;
        // Blank and comment lines do not set the indentation.
        if (this.isCurrentLineEmpty() || this.isCurrentLineComment()) {
          EOF = !this.moveToNextLine();
          if (!EOF) movements++;
        } else {
          newIndent = this.getCurrentLineIndentation();
        }
      } while (!EOF && newIndent === null);

      for (let i = 0; i < movements; i++) this.moveToPreviousLine();

      const unindentedEmbedBlock = this.isStringUnIndentedCollectionItem();
      if (!this.isCurrentLineEmpty() && newIndent === 0 && !unindentedEmbedBlock) {
        throw new YamlError('Indentation problem.', this.getRealCurrentLineNb() + 1, this.currentLine);
      }
    } else {
      newIndent = indentation;
    }

    const data = [];
    const indents = [];
    const cut = newIndent ?? 0;
    // A line less indented than the block (comments, blank lines) is kept whole.
    const keep = (whole) => {
      if (++this.work.blockLines > MAX_YAML_BLOCK_LINES) {
        throw new YamlLimit(`YAML whose nested blocks hold more than ${MAX_YAML_BLOCK_LINES} lines in all (the YAML step's work limit)`);
      }
      data.push(whole ? this.currentLine : substr(this.currentLine, cut));
      indents.push(whole ? this.currentIndent : Math.max(0, this.currentIndent - cut));
    };
    // (PHP: null compares as 0 here.)
    if (this.getCurrentLineIndentation() >= cut) {
      keep(false);
    } else if (this.isCurrentLineEmpty() || this.isCurrentLineComment()) {
      keep(true);
    } else {
      this.moveToPreviousLine();
      return EMPTY_BLOCK();
    }

    if (inSequence && oldLineIndentation === newIndent && data[0].length > 0 && data[0][0] === '-') {
      // The previous line held a dash alone: this item is its sibling, not its content.
      this.moveToPreviousLine();
      return EMPTY_BLOCK();
    }

    let isItUnindentedCollection = this.isStringUnIndentedCollectionItem();
    let isItComment = this.isCurrentLineComment();

    while (this.moveToNextLine()) {
      if (isItComment && !isItUnindentedCollection) {
        isItUnindentedCollection = this.isStringUnIndentedCollectionItem();
        isItComment = this.isCurrentLineComment();
      }
      const indent = this.getCurrentLineIndentation();
      if (isItUnindentedCollection && !this.isCurrentLineEmpty() && !this.isStringUnIndentedCollectionItem() && newIndent === indent) {
        this.moveToPreviousLine();
        break;
      }
      if (this.isCurrentLineBlank()) {
        keep(false);
        continue;
      }
      if (indent >= cut) {
        keep(false);
      } else if (this.isCurrentLineComment()) {
        keep(true);
      } else if (indent === 0) {
        this.moveToPreviousLine();
        break;
      } else {
        throw new YamlError('Indentation problem.', this.getRealCurrentLineNb() + 1, this.currentLine);
      }
    }
    data.indents = indents;
    return data;
  }

  hasMoreLines() {
    return this.lines.length - 1 > this.currentLineNb;
  }

  moveToNextLine() {
    if (this.currentLineNb >= this.numberOfParsedLines - 1) return false;
    this.currentLine = this.lines[++this.currentLineNb];
    this.currentIndent = this.indents[this.currentLineNb];
    return true;
  }

  moveToPreviousLine() {
    if (this.currentLineNb < 1) return false;
    this.currentLine = this.lines[--this.currentLineNb];
    this.currentIndent = this.indents[this.currentLineNb];
    return true;
  }

  parseValue(value, context) {
    if (value.startsWith('*')) {
      const pos = value.indexOf('#');
      const name = pos !== -1 ? substr(value, 1, pos - 2) : substr(value, 1);
      if (!this.refs.has(name)) {
        const at = this.refsBeingParsed.indexOf(name);
        if (at !== -1) {
          throw new YamlError(
            `Circular reference [${[...this.refsBeingParsed.slice(at), name].join(', ')}] detected for reference "${name}".`,
            this.currentLineNb + 1,
            this.currentLine,
          );
        }
        throw new YamlError(`Reference "${name}" does not exist.`, this.currentLineNb + 1, this.currentLine);
      }
      return this.refs.get(name);
    }

    let matches;
    if ('!|>'.includes(at(value, 0)) && (matches = BLOCK_SCALAR_VALUE.exec(value)?.groups)) {
      const modifiers = matches.modifiers ?? '';
      const data = this.parseBlockScalar(matches.separator, modifiers.replace(/\d+/g, ''), Math.abs(Number.parseInt(modifiers, 10) || 0));
      const tag = matches.tag ?? '';
      if (tag !== '' && tag !== '!') {
        if (tag === '!!binary') return evaluateBinaryScalar(data);
        // (Symfony checks no flag here: a custom tag on a block scalar is kept.)
        return new TaggedValue(substr(tag, 1), data);
      }
      return data;
    }

    try {
      if (value !== '' && (value[0] === '{' || value[0] === '[')) {
        const cursor = { i: rtrim(this.currentLine).length - rtrim(value).length };
        return inlineParse(this.lexInlineStructure(cursor, value[0] === '{' ? '}' : ']'), this.refs);
      }
      if (value[0] === '"' || value[0] === "'") {
        const cursor = { i: rtrim(this.currentLine).length - rtrim(value).length };
        const parsedValue = inlineParse(this.lexInlineQuotedString(cursor), this.refs);
        if (cursor.i < this.currentLine.length && truthyString(substr(this.currentLine, cursor.i).replace(/^[ \t\n\x0B\f\r]*(?:#[^\n]*)?$/, ''))) {
          throw new YamlError(`Unexpected characters near "${substr(this.currentLine, cursor.i)}".`);
        }
        return parsedValue;
      }
      // A plain scalar: its continuation lines are the more indented ones below.
      const lines = [];
      while (this.moveToNextLine()) {
        if (this.getCurrentLineIndentation() === 0) {
          this.moveToPreviousLine();
          break;
        }
        lines.push(trim(this.currentLine));
      }
      let previousLineBlank = false;
      for (const line of lines) {
        if (line === '') {
          value += '\n';
          previousLineBlank = true;
        } else if (previousLineBlank) {
          value += line;
          previousLineBlank = false;
        } else {
          value += ` ${line}`;
          previousLineBlank = false;
        }
      }
      parsedLineNumber = this.getRealCurrentLineNb();
      const parsedValue = inlineParse(value, this.refs);
      if (context === 'mapping' && typeof parsedValue === 'string' && !'"\'[{!'.includes(at(value, 0)) && parsedValue.includes(': ')) {
        throw new YamlError('A colon cannot be used in an unquoted mapping value.', this.getRealCurrentLineNb() + 1, value);
      }
      return parsedValue;
    } catch (e) {
      if (e instanceof YamlError) {
        e.setParsedLine(this.getRealCurrentLineNb() + 1);
        e.setSnippet(this.currentLine);
      }
      throw e;
    }
  }

  parseBlockScalar(style, chomping, indentation) {
    let notEOF = this.moveToNextLine();
    if (!notEOF) return '';

    let isCurrentLineBlank = this.isCurrentLineBlank();
    const blockLines = [];

    // Leading blank lines come before the indentation is found.
    while (notEOF && isCurrentLineBlank) {
      notEOF = this.moveToNextLine();
      if (notEOF) {
        blockLines.push('');
        isCurrentLineBlank = this.isCurrentLineBlank();
      }
    }

    if (indentation === 0) {
      for (let i = 0; i < this.currentLine.length && this.currentLine[i] === ' '; i++) indentation++;
    }

    if (indentation > 0) {
      const prefix = ' '.repeat(indentation);
      while (notEOF && (isCurrentLineBlank || this.currentLine.startsWith(prefix))) {
        if (isCurrentLineBlank && this.currentLine.length > indentation) blockLines.push(substr(this.currentLine, indentation));
        else if (isCurrentLineBlank) blockLines.push('');
        else blockLines.push(this.currentLine.slice(indentation));
        notEOF = this.moveToNextLine();
        if (notEOF) isCurrentLineBlank = this.isCurrentLineBlank();
      }
    } else if (notEOF) {
      blockLines.push('');
    }

    if (notEOF) {
      blockLines.push('');
      this.moveToPreviousLine();
    } else if (!this.isCurrentLineLastLineInDocument()) {
      blockLines.push('');
    }

    let text;
    if (style === '>') {
      text = '';
      let previousLineIndented = false;
      let previousLineBlank = false;
      blockLines.forEach((line, i) => {
        if (line === '') {
          text += '\n';
          previousLineIndented = false;
          previousLineBlank = true;
        } else if (line[0] === ' ') {
          text += `\n${line}`;
          previousLineIndented = true;
          previousLineBlank = false;
        } else if (previousLineIndented) {
          text += `\n${line}`;
          previousLineIndented = false;
          previousLineBlank = false;
        } else if (previousLineBlank || i === 0) {
          text += line;
          previousLineIndented = false;
          previousLineBlank = false;
        } else {
          text += ` ${line}`;
          previousLineIndented = false;
          previousLineBlank = false;
        }
      });
    } else {
      text = blockLines.join('\n');
    }

    // `preg_replace('/\n+$/', …)`: the final run of line breaks (a regular expression would retry
    // the run from each of its breaks).
    if (chomping === '' || chomping === '-') {
      let end = text.length;
      while (end > 0 && text[end - 1] === '\n') end--;
      if (end < text.length) text = text.slice(0, end) + (chomping === '' ? '\n' : '');
    }
    return text;
  }

  isNextLineIndented() {
    return this.nextContentLine((indentation) => this.getCurrentLineIndentation() > indentation);
  }

  /**
   * `test(indentation)` of the next line that is neither empty nor a comment (false at the end),
   * `indentation` the current line's; the position is left where it was, except at the end (as
   * Symfony's parser leaves it there).
   */
  nextContentLine(test) {
    const currentIndentation = this.getCurrentLineIndentation();
    let movements = 0;
    let EOF;
    do {
      EOF = !this.moveToNextLine();
      if (!EOF) movements++;
    } while (!EOF && (this.isCurrentLineEmpty() || this.isCurrentLineComment()));
    if (EOF) return false;
    const ret = test(currentIndentation);
    for (let i = 0; i < movements; i++) this.moveToPreviousLine();
    return ret;
  }

  isCurrentLineEmpty() {
    return this.isCurrentLineBlank() || this.isCurrentLineComment();
  }

  isCurrentLineBlank() {
    return this.currentIndent === this.currentLine.length;
  }

  isCurrentLineComment() {
    return this.currentLine[this.currentIndent] === '#';
  }

  isCurrentLineLastLineInDocument() {
    return this.offset + this.currentLineNb >= this.totalNumberOfLines - 1;
  }

  /**
   * Parser::cleanup, on the lines: a %YAML header, the comment lines at the start (each ending with
   * a line break), a first `---` line (whatever follows the dashes) and then a final `...`.
   */
  cleanup(input) {
    let lines = input;
    let start = 0;
    if (lines.length > 1 && /^%YAML[: ][\p{Nd}.]+/u.test(lines[0])) start = 1;
    // `#^(\#.*?\n)+#s`: its count of replacements is 1 when there are comment lines.
    let end = start;
    while (end < lines.length - 1 && lines[end][0] === '#') end++;
    start = end;
    let marker = false;
    if (start < lines.length - 1 && lines[start].startsWith('---')) {
      start++;
      marker = true;
    }
    this.offset += start;
    if (start > 0) lines = withIndents(lines.slice(start), lines.indents?.slice(start));
    if (marker) {
      // `#\.\.\.\s*$#`: a `...` followed by nothing but blanks, and those blanks, go.
      let last = lines.length - 1;
      while (last > 0 && rtrim(lines[last], PCRE_BLANKS) === '') last--;
      const kept = rtrim(lines[last], PCRE_BLANKS);
      if (kept.endsWith('...')) lines = [...lines.slice(0, last), kept.slice(0, -3)];
    }
    return lines;
  }

  isNextLineUnIndentedCollection() {
    return this.nextContentLine((indentation) => this.getCurrentLineIndentation() === indentation && this.isStringUnIndentedCollectionItem());
  }

  isStringUnIndentedCollectionItem() {
    return rtrim(this.currentLine) === '-' || this.currentLine.startsWith('- ');
  }

  trimTag(value) {
    if (value[0] === '!') return ltrim(substr(value, 1, strcspn(value, ' \r\n', 1)), ' ');
    return value;
  }

  /** A tag alone on a line: without PARSE_CUSTOM_TAGS, an error, or (no tag) null. */
  getLineTag(value, nextLineCheck = true) {
    const found = value === '' || value[0] !== '!' ? null : lineTag(value);
    if (found === null) return null;
    if (nextLineCheck && !this.isNextLineIndented()) return null;
    const tag = substr(found, 1);
    if (tag && tag[0] === '!') throw new YamlError(`The built-in tag "!${tag}" is not implemented.`, this.getRealCurrentLineNb() + 1, value);
    throw new YamlError(`Tags support is not enabled. You must use the flag "Yaml::PARSE_CUSTOM_TAGS" to use "${found}".`, this.getRealCurrentLineNb() + 1, value);
  }

  lexInlineQuotedString(cursor) {
    const quotation = this.currentLine[cursor.i];
    let value = quotation;
    cursor.i++;
    let previousLineWasNewline = true;
    let previousLineWasTerminatedWithBackslash = false;
    let lineNumber = 0;
    do {
      if (++lineNumber > 1) cursor.i += strspn(this.currentLine, ' ', cursor.i);
      if (this.isCurrentLineBlank()) value += '\n';
      else if (!previousLineWasNewline && !previousLineWasTerminatedWithBackslash) value += ' ';

      for (; this.currentLine.length > cursor.i; cursor.i++) {
        const c = this.currentLine[cursor.i];
        if (c === '\\') {
          if (quotation === "'") value += '\\';
          else if (++cursor.i < this.currentLine.length) value += `\\${this.currentLine[cursor.i]}`;
        } else if (c === quotation) {
          cursor.i++;
          if (quotation === "'" && this.currentLine[cursor.i] === "'") {
            value += "''";
            continue;
          }
          return value + quotation;
        } else {
          value += c;
        }
      }

      if (this.isCurrentLineBlank()) {
        previousLineWasNewline = true;
        previousLineWasTerminatedWithBackslash = false;
      } else {
        previousLineWasNewline = false;
        previousLineWasTerminatedWithBackslash = at(this.currentLine, -1) === '\\';
      }
      if (this.hasMoreLines()) cursor.i = 0;
    } while (this.moveToNextLine());
    throw new YamlError('Malformed inline YAML string.');
  }

  lexUnquotedString(cursor) {
    const offset = cursor.i;
    cursor.i += strcspn(this.currentLine, '[]{},: ', cursor.i);
    if (cursor.i === offset) throw new YamlError('Malformed unquoted YAML string.');
    return substr(this.currentLine, offset, cursor.i - offset);
  }

  lexInlineStructure(cursor, closingTag, depth = 1) {
    if (depth > MAX_YAML_NESTING) throw nestingLimit();
    let value = this.currentLine[cursor.i];
    cursor.i++;
    do {
      this.consumeWhitespaces(cursor);
      scan: while (cursor.i < this.currentLine.length) {
        const c = this.currentLine[cursor.i];
        switch (c) {
          case '"':
          case "'":
            value += this.lexInlineQuotedString(cursor);
            break;
          case ':':
          case ',':
            value += c;
            cursor.i++;
            break;
          case '{':
            value += this.lexInlineStructure(cursor, '}', depth + 1);
            break;
          case '[':
            value += this.lexInlineStructure(cursor, ']', depth + 1);
            break;
          case closingTag:
            value += c;
            cursor.i++;
            return value;
          case '#':
            break scan;
          default:
            value += this.lexUnquotedString(cursor);
        }
        if (this.consumeWhitespaces(cursor)) value += ' ';
      }
      if (this.hasMoreLines()) cursor.i = 0;
    } while (this.moveToNextLine());
    throw new YamlError('Malformed inline YAML string.');
  }

  consumeWhitespaces(cursor) {
    let consumed = 0;
    do {
      const length = strspn(this.currentLine, ' ', cursor.i);
      consumed += length;
      cursor.i += length;
      if (cursor.i < this.currentLine.length) return consumed > 0;
      if (this.hasMoreLines()) cursor.i = 0;
    } while (this.moveToNextLine());
    return consumed > 0;
  }
}

/** `rtrim()` of the text the lines make. */
function rtrimLines(lines) {
  let last = lines.length - 1;
  while (last > 0 && rtrim(lines[last]) === '') last--;
  const end = rtrim(lines[last]);
  return withIndents([...lines.slice(0, last), end], [...lines.indents.slice(0, last), indentOf(end)]);
}

/** `"$line\n$block"`. */
function prepend(line, block) {
  return withIndents([line, ...block], [indentOf(line), ...block.indents]);
}

function withIndents(lines, indents) {
  if (indents) lines.indents = indents;
  return lines;
}

const EMPTY_BLOCK = () => withIndents([''], [0]);

/** How many spaces a line starts with. */
function indentOf(line) {
  let i = 0;
  while (line[i] === ' ') i++;
  return i;
}

/** A flow mapping's value after `! ` (Symfony tests `null !== $tag` there, not `''`). */
const tagged = (tag, value) => (tag === null ? value : new TaggedValue(tag, value));
const isInt = (v) => typeof v === 'number' || typeof v === 'bigint';
/** `isset($array[$key])`. */
const isset = (map, key) => map.has(key) && map.get(key) !== null;
/** `$a += $b`. */
function union(into, from) {
  for (const [k, v] of from) if (!into.has(k)) into.set(k, v);
}
/** The next `$array[]` index after setting `key`. */
function nextIndex(next, key) {
  return typeof key === 'number' && key >= next ? key + 1 : next;
}
function phpType(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v instanceof PhpFloat) return 'float';
  return 'int';
}
function phpString(v) {
  if (v === null || v === false) return '';
  if (v === true) return '1';
  if (v instanceof PhpFloat) return String(v.value);
  return String(v);
}

// ---- Inline

/** Inline::parse. */
function inlineParse(input, references) {
  const value = trim(input);
  if (value === '') return '';
  const cursor = { i: 0 };
  parseTag(value, cursor);
  let result;
  switch (at(value, cursor.i)) {
    case '[':
      result = parseSequence(value, cursor, references);
      cursor.i++;
      break;
    case '{':
      result = parseMapping(value, cursor, references);
      cursor.i++;
      break;
    default:
      result = parseScalar(value, null, cursor, true, references);
  }
  // A comment may follow.
  const rest = substr(value, cursor.i);
  if (truthyString(rest.replace(/^[ \t\n\x0B\f\r]*#[^\n]*$/, ''))) {
    throw new YamlError(`Unexpected characters near "${rest}".`, parsedLineNumber + 1, value);
  }
  return result;
}

/** Inline::parseScalar; `quoted.value` says whether it was quoted. */
function parseScalar(scalar, delimiters, cursor, evaluate, references, quoted = {}) {
  let output;
  if (at(scalar, cursor.i) === '"' || scalar[cursor.i] === "'") {
    quoted.value = true;
    output = parseQuotedScalar(scalar, cursor);
    if (delimiters !== null) {
      const tmp = ltrim(substr(scalar, cursor.i), ' \n');
      if (tmp === '') throw new YamlError(`Unexpected end of line, expected one of "${delimiters.join('')}".`, parsedLineNumber + 1, scalar);
      if (!delimiters.includes(tmp[0])) throw new YamlError(`Unexpected characters (${substr(scalar, cursor.i)}).`, parsedLineNumber + 1, scalar);
    }
    return output;
  }
  quoted.value = false;
  if (delimiters === null) {
    output = substr(scalar, cursor.i);
    cursor.i += output.length;
    const comment = commentStart(output);
    if (comment !== -1) output = output.slice(0, comment);
  } else {
    const rest = substr(scalar, cursor.i);
    let end = -1;
    // `/^(.*?)(d1|d2)/`: the first delimiter before any line break.
    for (let k = 0; k < rest.length; k++) {
      if (delimiters.includes(rest[k])) {
        end = k;
        break;
      }
      if (rest[k] === '\n') break;
    }
    if (end === -1) throw new YamlError(`Malformed inline YAML string: "${scalar}".`, parsedLineNumber + 1);
    output = rest.slice(0, end);
    cursor.i += output.length;
    output = trim(output);
  }
  if (truthyString(output) && '@`|>%'.includes(output[0])) {
    throw new YamlError(`The reserved indicator "${output[0]}" cannot start a plain scalar; you need to quote the scalar.`, parsedLineNumber + 1, output);
  }
  return evaluate ? evaluateScalar(output, references) : output;
}

function parseQuotedScalar(scalar, cursor) {
  const match = new RegExp(QUOTED, 'uy');
  match.lastIndex = 0;
  const found = match.exec(substr(scalar, cursor.i));
  if (!found) throw new YamlError(`Malformed inline YAML string: "${substr(scalar, cursor.i)}".`, parsedLineNumber + 1, scalar);
  const inner = found[0].slice(1, -1);
  const output = scalar[cursor.i] === '"' ? unescapeDoubleQuoted(inner) : inner.replace(/''/g, "'");
  cursor.i += found[0].length;
  return output;
}

const ESCAPED = /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[^\n])/gu;
const SIMPLE_ESCAPES = {
  0: '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
function unescapeDoubleQuoted(value) {
  return value.replace(ESCAPED, (match, body) => {
    const c = body[0];
    if (Object.hasOwn(SIMPLE_ESCAPES, c) && body.length === 1) return SIMPLE_ESCAPES[c];
    // (`\\xZ` is `\\x` with no digits: hexdec('') is 0.)
    if (c === 'x' || c === 'u' || c === 'U') return utf8chr(Number.parseInt(body.slice(1), 16) || 0);
    throw new YamlError(`Found unknown escape character "${match}".`);
  });
}
function utf8chr(code) {
  const c = code % 0x200000;
  if (c > 0x10ffff) return '\ufffd';
  if (c >= 0xd800 && c <= 0xdfff) return String.fromCharCode(c);
  return String.fromCodePoint(c);
}

function parseSequence(sequence, cursor, references) {
  return nested(() => readSequence(sequence, cursor, references));
}

function parseMapping(mapping, cursor, references) {
  return nested(() => readMapping(mapping, cursor, references));
}

function nested(read) {
  if (++inlineDepth > MAX_YAML_NESTING) throw nestingLimit();
  try {
    return read();
  } finally {
    inlineDepth--;
  }
}

function readSequence(sequence, cursor, references) {
  const output = new Map();
  const len = sequence.length;
  cursor.i++;
  while (cursor.i < len) {
    const c = sequence[cursor.i];
    if (c === ']') return output;
    if (c === ',' || c === ' ') {
      cursor.i++;
      continue;
    }
    const tag = parseTag(sequence, cursor);
    let value;
    switch (at(sequence, cursor.i)) {
      case '[':
        value = parseSequence(sequence, cursor, references);
        break;
      case '{':
        value = parseMapping(sequence, cursor, references);
        break;
      default: {
        const isQuoted = {};
        value = parseScalar(sequence, [',', ']'], cursor, tag === null, references, isQuoted);
        // An embedded mapping (Symfony's catch there is for \InvalidArgumentException, which its
        // ParseException is not: a failure stands).
        if (typeof value === 'string' && !isQuoted.value && value.includes(': ')) value = parseMapping(`{${value}}`, { i: 0 }, references);
        let matches;
        if (!isQuoted.value && typeof value === 'string' && value !== '' && value[0] === '&' && (matches = REFERENCE.exec(value)?.groups)) {
          references.set(matches.ref, matches.value);
          value = matches.value;
        }
        cursor.i--;
      }
    }
    output.set(output.size, value);
    cursor.i++;
  }
  throw new YamlError(`Malformed inline YAML string: "${sequence}".`, parsedLineNumber + 1);
}

function readMapping(mapping, cursor, references) {
  const output = new Map();
  const len = mapping.length;
  cursor.i++;
  let allowOverwrite = false;
  outer: while (cursor.i < len) {
    switch (mapping[cursor.i]) {
      case ' ':
      case ',':
      case '\n':
        cursor.i++;
        continue outer;
      case '}':
        return output;
    }

    const offsetBeforeKeyParsing = cursor.i;
    const isKeyQuoted = mapping[cursor.i] === '"' || mapping[cursor.i] === "'";
    let key = parseScalar(mapping, [':', ' '], cursor, false, references);
    if (offsetBeforeKeyParsing === cursor.i) throw new YamlError('Missing mapping key.', parsedLineNumber + 1, mapping);
    if (key === '!php/const') {
      key += ` ${parseScalar(mapping, [':'], cursor, false, references)}`;
      key = evaluateScalar(key, references);
    }

    const colon = mapping.indexOf(':', cursor.i);
    if (colon === -1) break;
    cursor.i = colon;

    if (!isKeyQuoted) {
      const evaluatedKey = evaluateScalar(key, references);
      if (key !== '' && evaluatedKey !== key && typeof evaluatedKey !== 'string' && !isInt(evaluatedKey)) {
        throw new YamlError('Implicit casting of incompatible mapping keys to strings is not supported. Quote your evaluable mapping keys instead.', parsedLineNumber + 1, mapping);
      }
    }
    if (!isKeyQuoted && (cursor.i + 1 >= len || ![' ', ',', '[', ']', '{', '}', '\n'].includes(mapping[cursor.i + 1]))) {
      throw new YamlError('Colons must be followed by a space or an indication character (i.e. " ", ",", "[", "]", "{", "}").', parsedLineNumber + 1, mapping);
    }
    if (key === '<<') allowOverwrite = true;
    const stored = phpKey(key === null ? '' : key);

    while (cursor.i < len) {
      const c = mapping[cursor.i];
      if (c === ':' || c === ' ' || c === '\n') {
        cursor.i++;
        continue;
      }
      const tag = parseTag(mapping, cursor);
      let value;
      switch (at(mapping, cursor.i)) {
        case '[':
          value = parseSequence(mapping, cursor, references);
          if (key === '<<') {
            for (const item of value.values()) {
              if (!isArray(item)) throw new PhpWarning(`Unsupported operand types: array + ${phpType(item)}`);
              union(output, item);
            }
          } else if (allowOverwrite || !isset(output, stored)) {
            output.set(stored, tagged(tag, value));
          } else {
            throw new YamlError(`Duplicate key "${stored}" detected.`, parsedLineNumber + 1, mapping);
          }
          break;
        case '{':
          value = parseMapping(mapping, cursor, references);
          if (key === '<<') union(output, value);
          else if (allowOverwrite || !isset(output, stored)) output.set(stored, tagged(tag, value));
          else throw new YamlError(`Duplicate key "${stored}" detected.`, parsedLineNumber + 1, mapping);
          break;
        default: {
          const isQuoted = {};
          value = parseScalar(mapping, [',', '}', '\n'], cursor, tag === null, references, isQuoted);
          if (key === '<<') {
            if (!isArray(value)) throw new PhpWarning(`Unsupported operand types: array + ${phpType(value)}`);
            union(output, value);
          } else if (allowOverwrite || !isset(output, stored)) {
            let matches;
            if (!isQuoted.value && typeof value === 'string' && value !== '' && value[0] === '&' && (matches = REFERENCE.exec(value)?.groups)) {
              references.set(matches.ref, matches.value);
              value = matches.value;
            }
            output.set(stored, tagged(tag, value));
          } else {
            throw new YamlError(`Duplicate key "${stored}" detected.`, parsedLineNumber + 1, mapping);
          }
          cursor.i--;
        }
      }
      cursor.i++;
      continue outer;
    }
  }
  throw new YamlError(`Malformed inline YAML string: "${mapping}".`, parsedLineNumber + 1);
}

const TIMESTAMP =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9]{2}))?))?)?$/;
const HEX = /^0x[0-9a-f_]+$/i;

/** Inline::evaluateScalar (PARSE_* flags off). */
function evaluateScalar(input, references) {
  const scalar = trim(input);
  if (scalar.startsWith('*')) {
    const pos = scalar.indexOf('#');
    const name = pos !== -1 ? substr(scalar, 1, pos - 2) : substr(scalar, 1);
    if (name === '') throw new YamlError('A reference must contain at least one character.', parsedLineNumber + 1, name);
    if (!references.has(name)) throw new YamlError(`Reference "${name}" does not exist.`, parsedLineNumber + 1, name);
    return references.get(name);
  }
  const lower = scalar.toLowerCase();
  if (lower === 'null' || scalar === '' || scalar === '~') return null;
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (scalar[0] === '!') {
    if (scalar.startsWith('!!str ')) {
      let s = substr(scalar, 6);
      if (s[0] === '"' || s[0] === "'") s = parseQuotedScalar(s, { i: 0 });
      return s;
    }
    if (scalar.startsWith('! ')) return substr(scalar, 2);
    if (scalar.startsWith('!php/object') || scalar.startsWith('!php/const')) return null;
    if (scalar.startsWith('!!float ')) return new PhpFloat(toFloat(substr(scalar, 8)));
    if (scalar.startsWith('!!binary ')) return evaluateBinaryScalar(substr(scalar, 9));
    throw new YamlError(`The string "${scalar}" could not be parsed as it uses an unsupported built-in tag.`, parsedLineNumber, scalar);
  }
  const octal = /^[+-]?0o([0-7_]+)$/.exec(scalar);
  if (octal) {
    const value = octdec(octal[1].replace(/_/g, ''));
    if (scalar[0] !== '-') return value;
    return value instanceof PhpFloat ? new PhpFloat(-value.value) : phpInt(-BigInt(value));
  }
  if ('+-.'.includes(scalar[0]) || (scalar[0] >= '0' && scalar[0] <= '9')) {
    let s = scalar;
    if (/^[+-]?[0-9][0-9_]*$/.test(s)) s = s.replace(/_/g, '');
    if (/^[0-9]+$/.test(s)) return int64Text(s) ? phpInt(s) : s;
    if (s[0] === '-' && /^[0-9]+$/.test(s.slice(1))) return int64Text(s) ? phpInt(s) : s;
    if (isNumericString(s) || HEX.test(s)) {
      s = s.replace(/_/g, '');
      return s.startsWith('0x') ? hexdec(s) : new PhpFloat(toFloat(s));
    }
    const sLower = s.toLowerCase();
    if (sLower === '.inf' || sLower === '.nan') return new PhpFloat(Infinity);
    if (sLower === '-.inf') return new PhpFloat(-Infinity);
    if (/^[-+]?[0-9][0-9_]*(\.[0-9_]+)?$/.test(s)) return new PhpFloat(toFloat(s.replace(/_/g, '')));
    const date = TIMESTAMP.exec(s);
    if (date) return timestamp(date, s);
    return s;
  }
  return scalar;
}

/** Inline::parseTag: with no PARSE_CUSTOM_TAGS, a tag fails unless Symfony reads it as a value. */
function parseTag(value, cursor) {
  if (at(value, cursor.i) !== '!') return null;
  const tagLength = strcspn(value, ' \t\n[]{},', cursor.i + 1);
  const tag = substr(value, cursor.i + 1, tagLength);
  let nextOffset = cursor.i + tagLength + 1;
  nextOffset += strspn(value, ' ', nextOffset);
  if (tag === '' && (nextOffset >= value.length || [']', '}', ','].includes(value[nextOffset]))) {
    throw new YamlError('Using the unquoted scalar value "!" is not supported. You must quote it.', parsedLineNumber + 1, value);
  }
  // A built-in tag before a scalar: evaluateScalar reads it.
  if (tag !== '' && (nextOffset >= value.length || !['[', '{'].includes(value[nextOffset])) && (tag[0] === '!' || tag === 'str' || tag === 'php/const' || tag === 'php/object')) {
    return null;
  }
  cursor.i = nextOffset;
  if (tag !== '' && tag[0] === '!') throw new YamlError(`The built-in tag "!${tag}" is not implemented.`, parsedLineNumber + 1, value);
  if (tag !== '' && cursor.i >= value.length) throw new YamlError(`Missing value for tag "${tag}".`, parsedLineNumber + 1, value);
  if (tag === '') return tag;
  throw new YamlError(`Tags support is not enabled. Enable the "Yaml::PARSE_CUSTOM_TAGS" flag to use "!${tag}".`, parsedLineNumber + 1, value);
}

/** `!!binary`: base64 text, decoded (a string when it is UTF-8, else its bytes). */
function evaluateBinaryScalar(scalar) {
  const data = parseScalar(scalar.replace(/[ \t\n\x0B\f\r]/g, ''), null, { i: 0 }, true, new Map());
  const text = typeof data === 'string' ? data : phpString(data);
  if (strlen(text) % 4 !== 0) {
    throw new YamlError(
      `The normalized base64 encoded data (data without whitespace characters) length must be a multiple of four (${strlen(text)} bytes given).`,
      parsedLineNumber + 1,
      scalar,
    );
  }
  if (!/^[A-Z0-9+/]+={0,2}$/i.test(text)) throw new YamlError(`The base64 encoded data (${text}) contains invalid characters.`, parsedLineNumber + 1, scalar);
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes;
  }
}

/** `(float) $s`: the leading number of the string, 0 without one. */
function toFloat(s) {
  const match = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return match ? Number.parseFloat(match[0].trim()) : 0;
}

/** PHP's hexdec(): an int, or a float past PHP_INT_MAX. */
function hexdec(s) {
  const value = BigInt(`0x${s.slice(2) || '0'}`);
  return value > 9223372036854775807n ? new PhpFloat(Number(value)) : phpInt(value);
}

/** PHP's octdec(): an int, or a float past PHP_INT_MAX. */
function octdec(digits) {
  const value = BigInt(`0o${digits || '0'}`);
  return value > 9223372036854775807n ? new PhpFloat(Number(value)) : phpInt(value);
}

/**
 * A date as `new DateTimeImmutable($s, UTC)` reads it, as a Unix timestamp (a float with
 * fractions). Where PHP refuses it, symfony/yaml 7.2 fails with its own message (5.4, which the
 * oracle runs, lets DateTime's exception through: the same failure, other words).
 */
function timestamp(match, text) {
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone, sign, zh = '0', zm = '0'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (dateRefused(match)) throw new YamlError(`The date "${text}" could not be parsed as it is an invalid date.`, parsedLineNumber + 1, text);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  let seconds = Math.floor(date.getTime() / 1000);
  if (zone && zone !== 'Z') seconds -= (sign === '-' ? -1 : 1) * (Number(zh) * 3600 + Number(zm) * 60);
  const micro = fraction.slice(0, 6).padEnd(6, '0');
  if (/[1-9]/.test(micro)) return new PhpFloat(Number.parseFloat(`${seconds}.${micro}`));
  return seconds;
}

/**
 * Whether PHP's date parser refuses a timestamp-shaped scalar. It reads each field as a token of
 * at most its valid width (month `0?[0-9]|1[0-2]`, day `[0-2]?[0-9]|3[01]`, hour `[01]?[0-9]|2[0-4]`,
 * minute `[0-5]?[0-9]`, second `[0-5]?[0-9]|60`, a zone's `hh:mm` hour up to 24), and fails on a
 * digit it cannot place; month 0, day 0, the 31st of a short month, 24:00 and second 60 roll over.
 */
function dateRefused(match) {
  const [, , month, day, hour, minute, second, , , , zoneHour, zoneMinute] = match;
  const past = (field, max) => field !== undefined && field.length === 2 && Number(field) > max;
  return past(month, 12) || past(day, 31) || past(hour, 24) || past(minute, 59) || past(second, 60) || (zoneMinute !== undefined && (past(zoneHour, 24) || past(zoneMinute, 59)));
}
