// `portclaims store init|migrate`: set a store up, and copy reservations from one store to
// another (e.g. from the lock file into a team's etcd or PostgreSQL), refusing conflicts.
import { existsSync } from 'node:fs';

import { redact } from '../../stores/location.js';
import { CliError, plural } from '../messages.js';
import { isLockFile, openCliStore, withStore } from '../store-option.js';
import { readGroups } from '../template-folder.js';
import { explainApiError } from './shared.js';

const MIGRATE_ATTEMPTS = 8;

export async function storeInitCommand({ options }, context) {
  const api = await context.api();
  const store = await openCliStore(api, options, context, 'store init', readGroups(options.groups));
  if (typeof store.init !== 'function') {
    // A lock file needs no setting up: the first render writes it.
    await guarded(async () => store.load());
    context.reporter.write(`${store.path}: a lock file needs no setting up (the first render creates it)`);
    return 0;
  }
  await guarded(() => withStore(store, () => store.init()));
  context.reporter.write(`${store.name}: ready`);
  return 0;
}

export async function storeMigrateCommand({ options }, context) {
  const api = await context.api();
  const groups = readGroups(options.groups);
  const from = await openCliStore(api, { store: options.from }, context, 'store migrate', groups);
  const to = await openCliStore(api, { store: options.to }, context, 'store migrate', groups);
  // Loaded with the core (context.api), which it asks for each group's protocol.
  const { protocolsOf } = await import('../../stores/protocols.js');
  const protocolOf = protocolsOf(groups);
  const fromName = redact(options.from);
  const toName = redact(options.to);
  // A lock file that is not there reads as no reservations, which renders want; a migration
  // from it is a mistyped name.
  if (isLockFile(from) && !existsSync(from.path)) throw new CliError(`${fromName}: no such lock file; nothing to migrate`);
  const result = await guarded(() =>
    withStore(from, () =>
      withStore(to, async () => {
        const source = await from.reservations();
        let copied = 0;
        for (let attempt = 1; ; attempt++) {
          const snapshot = await to.load();
          const present = snapshot.reservations;
          const { missing, conflicts } = compare(source, present, protocolOf);
          if (conflicts.length > 0) {
            const [first, ...others] = conflicts;
            throw new CliError(`cannot migrate to ${toName}: ${first}${others.length ? ` (and ${plural(others.length, 'other conflict')})` : ''}; nothing was copied`, {
              hint: `release the conflicting claims in one of the stores (portclaims claims release --store … --scope S --claim C), then migrate again`,
            });
          }
          if (missing.length === 0) return { copied, present: source.length - copied };
          // One commit when the store takes it; in etcd, transactions of a bounded size, each
          // checked against what is there (a refused one is decided again from a fresh read).
          const chunk = missing.slice(0, to.maxCommitSize ?? Infinity);
          const committed = await to.commit({ baseRevision: snapshot.revision, put: chunk, delete: [] });
          if (committed === false) {
            if (attempt >= MIGRATE_ATTEMPTS) throw new CliError(`${toName}: refused ${MIGRATE_ATTEMPTS} commits in a row; is another process writing it constantly?`);
            continue;
          }
          copied += chunk.length;
          attempt = 0;
        }
      }),
    ),
  );
  const summary = { from: fromName, to: toName, copied: result.copied, alreadyPresent: result.present };
  if (options.json) context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else context.reporter.write(`copied ${plural(result.copied, 'reservation')} from ${fromName} to ${toName} (${result.present} already there)`);
  return 0;
}

/**
 * What of `source` the target lacks, and what conflicts with it: the same claim on another port,
 * or a port (per protocol) held by another claim.
 */
function compare(source, present, protocolOf) {
  const byClaim = new Map(present.map((r) => [`${r.scope}\u0000${r.claim}`, r]));
  const byPort = new Map(present.map((r) => [`${protocolOf(r.group)}/${r.port}`, r]));
  const missing = [];
  const conflicts = [];
  const describe = (r) => `scope ${JSON.stringify(r.scope)} claim ${JSON.stringify(r.claim)}`;
  for (const r of source) {
    const same = byClaim.get(`${r.scope}\u0000${r.claim}`);
    if (same) {
      if (same.port !== r.port || same.group !== r.group) {
        conflicts.push(`${describe(r)} holds port ${same.port} (group ${JSON.stringify(same.group)}) there, port ${r.port} (group ${JSON.stringify(r.group)}) here`);
      }
      continue;
    }
    const protocol = protocolOf(r.group);
    const holder = byPort.get(`${protocol}/${r.port}`);
    if (holder) {
      conflicts.push(`${protocol.toUpperCase()} port ${r.port} of ${describe(r)} is held there by ${describe(holder)}`);
      continue;
    }
    byPort.set(`${protocol}/${r.port}`, r);
    missing.push({ scope: r.scope, claim: r.claim, group: r.group, port: r.port });
  }
  return { missing, conflicts };
}

async function guarded(run) {
  try {
    return await run();
  } catch (error) {
    throw explainApiError(error);
  }
}
