// One writer of the store benchmark (bench/stores.mjs), in a process of its own as a CI runner
// would be: renders one new scope after another into the store at argv[2] until argv[3] (a
// Date.now() deadline), from argv[4] on, and prints each successful render's time in ms and the
// number of renders that failed (a store that refused too many commits in a row) as JSON.
import { openStore, render } from '../js/node.js';

const [url, until, from, id] = process.argv.slice(2);
const store = openStore(url);
const claims = [{ claim: 'web', group: 'tcp' }];
const template = "port: {{ $portClaims['web'] }}\n";
// One render before the clock starts: the connection, the first read, V8's compilation.
await render({ template, claims, store, scope: `w${id}-warm` });
while (Date.now() < Number(from)) await new Promise((resolve) => setTimeout(resolve, 1));
const times = [];
let failed = 0;
for (let i = 0; Date.now() < Number(until); i++) {
  const started = performance.now();
  try {
    await render({ template, claims, store, scope: `w${id}-${i}` });
    times.push(performance.now() - started);
  } catch {
    failed++;
  }
}
await store.close?.();
process.stdout.write(JSON.stringify({ times, failed }));
