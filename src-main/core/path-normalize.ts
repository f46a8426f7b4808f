// Lexical normalization of an untrusted path argument before confinement (DESIGN.md §5.5). Pure:
// no filesystem access; the gateway resolves symbolic links afterwards (gateway/path-confinement).
//
// The flavour follows the base (the first root): POSIX, or Windows with path.win32's semantics
// (drive and UNC roots, "\" and "/" both separators). MCP filesystem servers take plain paths,
// not URLs, so anything that some layer between the check and the kernel might decode, expand or
// reinterpret is refused rather than interpreted: a path that means the same to every reader is
// the only one we can check.
import { CharonError } from './errors.js';
import { flavourOf, formatAbsolutePath, parseAbsolutePath } from './grant-paths.js';

/** PATH_MAX and NAME_MAX of Linux and macOS: longer input could never be opened anyway. */
export const MAX_PATH_LENGTH = 4096;
export const MAX_SEGMENT_BYTES = 255;

/** `%2e`, `%2F`, `%5c`, `%25` (double encoding), `%c0%ae` (overlong UTF-8), `%u002e` (IIS). */
const PERCENT_ESCAPE = /%(?:[0-9A-Fa-f]{2}|[uU][0-9A-Fa-f]{4})/;
/**
 * Invisible characters: zero-width spaces and joiners, bidi embeddings, overrides and isolates
 * (which make `..` display as something else), BOM, soft hyphen, variation selectors, fillers,
 * and the line and paragraph separators.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/u;
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * A combining mark on a dot or a slash (`.\u0338` displays as something that is not a dot), or
 * opening a relative path: once resolved against the base it would sit on a slash.
 */
const MARK_ON_SEPARATOR = /(?:^|[./])\p{M}/u;
/**
 * The reference filesystem server trims its input (String.prototype.trim's whitespace) and strips
 * a surrounding quote: "/data/a " would be checked as one file and opened as "/data/a", which
 * may be a link elsewhere. The trimmed set is JavaScript's \s.
 */
const EDGE_TRIMMED = /^[\s"']|[\s"']$/;
const DRIVE_LETTER = /^[A-Za-z]:/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\//;

/**
 * Characters that look like, or that some layer folds into, `/`, `\`, `.` or `%`. The kernel
 * treats only ASCII `/` and `.`/`..` specially, so these are no traversal by themselves; they are
 * refused because a server, a library or a person may fold them (NFKC maps `／` to `/`, `․` to
 * `.`) after our check. Compatibility forms are caught generically by NFKC below; this list adds
 * the look-alikes that NFKC leaves alone.
 */
const LOOKALIKES = new Set([
  '\u2215', // DIVISION SLASH
  '\u2044', // FRACTION SLASH
  '\u29f8', // BIG SOLIDUS
  '\u27cb', // MATHEMATICAL RISING DIAGONAL
  '\u2571', // BOX DRAWINGS LIGHT DIAGONAL UPPER RIGHT TO LOWER LEFT
  '\u1735', // PHILIPPINE SINGLE PUNCTUATION
  '\u2216', // SET MINUS
  '\u29f5', // REVERSE SOLIDUS OPERATOR
  '\u29f9', // BIG REVERSE SOLIDUS
  '\u27cd', // MATHEMATICAL FALLING DIAGONAL
  '\u2572', // BOX DRAWINGS LIGHT DIAGONAL UPPER LEFT TO LOWER RIGHT
  '\u3002', // IDEOGRAPHIC FULL STOP
  '\u06d4', // ARABIC FULL STOP
  '\u0701', // SYRIAC SUPRALINEAR FULL STOP
  '\u0702', // SYRIAC SUBLINEAR FULL STOP
  '\ua4f8', // LISU LETTER TONE MYA TI
  '\u2e31', // WORD SEPARATOR MIDDLE DOT
]);
const FOLDS_TO_SPECIAL = /[/\\.%]/;

function refuse(reason: string): CharonError {
  return new CharonError('ERR_ARGUMENT_INVALID', `path refused: ${reason}`);
}

/** C0 controls (NUL included), DEL and C1 controls: a loop, as lint rightly distrusts control characters in regexes. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function lookalikeIn(text: string): boolean {
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (LOOKALIKES.has(ch) || FOLDS_TO_SPECIAL.test(ch.normalize('NFKC'))) return true;
  }
  return false;
}

/** Every reason to refuse the text in either flavour; the order only picks the message. */
function checkCommon(text: string): void {
  if (text.includes('\0')) throw refuse('contains a NUL byte');
  if (hasControl(text)) throw refuse('contains a control character');
  if (INVISIBLE.test(text)) throw refuse('contains an invisible or bidirectional control character');
  // Also after NFKC: "%２e" becomes "%2e" for any decoder that folds compatibility forms first.
  if (PERCENT_ESCAPE.test(text) || PERCENT_ESCAPE.test(text.normalize('NFKC'))) throw refuse('contains a percent-encoded sequence (paths are plain, not URL-encoded)');
  if (DEVICE_PATH.test(text)) throw refuse('is a Windows device path');
}

/** The rest of the checks for a POSIX path. */
function checkPosix(text: string): void {
  if (text.startsWith('\\\\') || text.startsWith('//')) throw refuse('is a UNC network path');
  if (DRIVE_LETTER.test(text)) throw refuse('has a Windows drive letter');
  if (text.includes('\\')) throw refuse('contains a backslash');
  if (URL_SCHEME.test(text)) throw refuse('is a URL, not a path');
  checkTail(text, MARK_ON_SEPARATOR);
}

function checkTail(text: string, markOnSeparator: RegExp): void {
  if (text.startsWith('~')) throw refuse('starts with "~" (home directories are not expanded)');
  if (lookalikeIn(text)) throw refuse('contains a look-alike of "/", "\\", "." or "%"');
  if (markOnSeparator.test(text)) throw refuse('has a combining mark on "." or a separator, or at the start of a name');
}

// ---- Windows ----------------------------------------------------------------------------------

/** `\\?\`, `\\.\` (either slash) and the NT object namespace `\??\`: they bypass Win32 normalization. */
const DEVICE_PATH = /^(?:[\\/]{2}[?.][\\/]|\\\?\?\\)/;
const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])/;
/** A scheme of two letters or more ("C:" is a drive): `file:`, `http:`. */
const WINDOWS_URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;
/** Wildcards and characters Win32 refuses in names. */
const WINDOWS_INVALID = /[<>"|?*]/;
/** Names that open a device in any directory, with any extension (Win32 legacy). */
const WINDOWS_DEVICE_NAME = /^(?:CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3]|CONIN\$|CONOUT\$)(?:\..*)?$/i;
/** `PROGRA~1`: an 8.3 short name may alias a different long name than the one checked. */
const SHORT_NAME = /~[0-9]/;
const WINDOWS_MARK_ON_SEPARATOR = /(?:^|[./\\])\p{M}/u;

/** The rest of the checks for a Windows path (path.win32 semantics), name by name. */
function checkWindows(text: string): void {
  if (WINDOWS_URL_SCHEME.test(text)) throw refuse('is a URL, not a path');
  if (/^[A-Za-z]:(?![\\/])/.test(text)) throw refuse('is relative to a drive\'s current directory ("C:name")');
  if (/^[\\/](?![\\/])/.test(text)) throw refuse('is relative to the current drive ("\\name")');
  if (/^[\\/]{2}/.test(text) && flavourOf(text.replaceAll('/', '\\')) !== 'win32') throw refuse('is not a complete UNC path ("\\\\server\\share")');
  const body = /^[A-Za-z]:/.test(text) ? text.slice(2) : text;
  if (body.includes(':')) throw refuse('contains ":" (an alternate data stream)');
  if (WINDOWS_INVALID.test(body)) throw refuse('contains a wildcard or a character Windows refuses in names');
  for (const name of body.split(/[\\/]/)) {
    if (name === '' || name === '.' || name === '..') continue;
    if (/[. ]$/.test(name)) throw refuse('has a name ending in "." or " " (Windows strips them, and would open another file)');
    if (WINDOWS_DEVICE_NAME.test(name.trimEnd())) throw refuse(`names the device ${JSON.stringify(name)}`);
    if (SHORT_NAME.test(name)) throw refuse('has a name that may be an 8.3 short name ("~" and a digit) of another file');
  }
  checkTail(text, WINDOWS_MARK_ON_SEPARATOR);
}

/** Both separators; `..` stops at the drive or the UNC share. */
function resolveWindows(text: string, base: string): string {
  // Win32 reads "/" as "\\" everywhere ("//server/share" is UNC too).
  const windows = text.replaceAll('/', '\\');
  const parsed = parseAbsolutePath(WINDOWS_ABSOLUTE.test(windows) ? windows : `${base}\\${windows}`);
  if (!parsed) throw refuse('is not a Windows path');
  for (const name of parsed.segments) if (encoder.encode(name).length > MAX_SEGMENT_BYTES) throw refuse(`has a name longer than ${MAX_SEGMENT_BYTES} bytes`);
  return formatAbsolutePath(parsed);
}

const encoder = new TextEncoder();

/** Apply `.` and `..` to the segments of `text` on top of `stack`; `..` stops at the root. */
function resolveSegments(stack: string[], text: string): string[] {
  for (const segment of text.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      stack.pop();
      continue;
    }
    if (encoder.encode(segment).length > MAX_SEGMENT_BYTES) throw refuse(`has a name longer than ${MAX_SEGMENT_BYTES} bytes`);
    stack.push(segment);
  }
  return stack;
}

/**
 * The absolute, lexically normalized form of an untrusted path: NFC, no `.`/`..`/empty segments,
 * no trailing slash (except `/` itself). A relative path is resolved against `base` (the first
 * root, as filesystem servers do). Idempotent. `..` is applied lexically, like `path.resolve`;
 * a symbolic link followed by `..` means something else to the kernel, which is why the caller
 * must forward the path it gets back from confinement, not the raw one.
 */
export function normalizePath(raw: string, base: string): string {
  const flavour = flavourOf(base);
  if (flavour === null) throw new TypeError('normalizePath: base must be an absolute path');
  if (typeof raw !== 'string') throw refuse('must be a string');
  if (raw === '') throw refuse('is empty');
  if (raw.length > MAX_PATH_LENGTH) throw refuse(`is longer than ${MAX_PATH_LENGTH} characters`);
  if (LONE_SURROGATE.test(raw)) throw refuse('is not well-formed Unicode');
  if (EDGE_TRIMMED.test(raw)) throw refuse('starts or ends with whitespace or a quote (servers trim them, and would open another file)');
  // NFC first, so that the checks see what is returned; NFC never produces "/", "\" or ".".
  const text = raw.normalize('NFC');
  checkCommon(text);
  if (flavour === 'win32') {
    checkWindows(text);
    return finished(resolveWindows(text, base));
  }
  checkPosix(text);
  const stack = text.startsWith('/') ? [] : resolveSegments([], base);
  return finished(`/${resolveSegments(stack, text).join('/')}`);
}

function finished(result: string): string {
  if (result.length > MAX_PATH_LENGTH) throw refuse(`is longer than ${MAX_PATH_LENGTH} characters once resolved`);
  if (EDGE_TRIMMED.test(result)) throw refuse('ends with whitespace or a quote (servers trim them, and would open another file)');
  return result;
}
