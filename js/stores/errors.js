// Errors of the shared stores: one line, naming the store (its URL without the password), and
// never carrying a secret, whatever the client library put in its message.
import { redact } from './location.js';

/** An Error of kind `store` whose message starts with the store's name. */
export function storeError(display, message, { secrets = [], ...extra } = {}) {
  let text = `${display}: ${oneLine(message)}`;
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length > 0) text = text.split(secret).join('***');
  }
  const error = new Error(redact(text));
  error.kind = 'store';
  error.store = display;
  Object.assign(error, extra);
  return error;
}

function oneLine(message) {
  return String(message ?? '').split('\n').map((line) => line.trim()).filter(Boolean).join('; ');
}

/** The message of a client library's error, without its class-name prefix. */
export function reasonOf(error) {
  const message = String(error?.message ?? error ?? 'unknown error');
  return message.replace(/^(\w+Error: )+/, '');
}
