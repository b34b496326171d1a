// `portclaims claims list|release|prune`: the reservations of a store (the lock file by default).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { CliError, plural, printable } from '../messages.js';
import { isLockFile, openCliStore, storeLocation, withStore } from '../store-option.js';
import { readClaims, readGroups } from '../template-folder.js';
import { explainApiError } from './shared.js';

/** Columns aligned on the widest cell, as `ls -l` and `kubectl get` do. */
export function table(rows, header) {
  const all = [header, ...rows].map((row) => row.map((cell) => printable(cell)));
  const widths = header.map((_, i) => Math.max(...all.map((row) => String(row[i]).length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}

export async function claimsListCommand({ options }, context) {
  const api = await context.api();
  const store = await openCliStore(api, options, context, 'claims list', readGroups(options.groups));
  let reservations;
  try {
    reservations = await withStore(store, () => store.reservations());
  } catch (error) {
    throw explainApiError(error, { files: [], groupsFile: options.groups });
  }
  if (options.scope !== undefined) reservations = reservations.filter((r) => r.scope === options.scope);
  if (options.json) {
    context.stdout.write(`${JSON.stringify(reservations, null, 2)}\n`);
    return 0;
  }
  if (reservations.length === 0) {
    const name = isLockFile(store) ? storeLocation(options, context.env) : store.name;
    context.reporter.write(printable(
      options.scope !== undefined
        ? `no reservations for scope ${JSON.stringify(options.scope)} in ${name}`
        : !isLockFile(store) || existsSync(store.path)
          ? `no reservations in ${name}`
          : `no reservations: ${name} does not exist yet (a render creates it)`,
    ));
    return 0;
  }
  const rows = reservations.map((r) => [r.scope, r.claim, r.group, r.port]);
  context.stdout.write(`${table(rows, ['SCOPE', 'CLAIM', 'GROUP', 'PORT'])}\n`);
  return 0;
}

function reportReleased(released, options, context, nothing) {
  if (options.json) {
    context.stdout.write(`${JSON.stringify(released, null, 2)}\n`);
    return 0;
  }
  if (released.length === 0) {
    context.reporter.write(printable(nothing));
    return 0;
  }
  context.stdout.write(`released ${plural(released.length, 'reservation')}:\n`);
  context.stdout.write(`${table(released.map((r) => [r.scope, r.claim, r.group, r.port]), ['SCOPE', 'CLAIM', 'GROUP', 'PORT'])}\n`);
  return 0;
}

export async function claimsReleaseCommand({ options }, context) {
  const api = await context.api();
  const groups = readGroups(options.groups);
  const store = await openCliStore(api, options, context, 'claims release', groups);
  const request = { store, scope: options.scope };
  if (options.claim !== undefined) request.claim = options.claim;
  if (groups !== undefined) request.groups = groups;
  let result;
  try {
    result = await withStore(store, () => api.release(request));
  } catch (error) {
    throw explainApiError(error, { files: [], groupsFile: options.groups });
  }
  const nothing =
    options.claim !== undefined
      ? `nothing to release: scope ${JSON.stringify(options.scope)} holds no claim ${JSON.stringify(options.claim)}`
      : `nothing to release: scope ${JSON.stringify(options.scope)} holds no reservations`;
  return reportReleased(result.released ?? [], options, context, nothing);
}

export async function claimsPruneCommand({ options, operands }, context) {
  let portsPath = options.ports;
  if (portsPath === undefined) {
    const dir = operands[0];
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new CliError(`cannot read ${dir}: no such folder`);
    }
    if (!isDir) throw new CliError(`${dir} is not a folder`, { hint: 'give a Kublade template folder, or the claims with --ports FILE' });
    portsPath = join(dir, '.kublade', 'ports.json');
    if (!existsSync(portsPath)) {
      throw new CliError(`${dir} has no .kublade/ports.json`, {
        hint: `to release all of scope ${JSON.stringify(options.scope)}'s ports, run: portclaims claims release --scope ${options.scope}`,
      });
    }
  }
  const { claims, file, text } = readClaims(portsPath);
  const api = await context.api();
  const groups = readGroups(options.groups);
  const store = await openCliStore(api, options, context, 'claims prune', groups);
  const request = { store, scope: options.scope, claims };
  if (groups !== undefined) request.groups = groups;
  let result;
  try {
    result = await withStore(store, () => api.release(request));
  } catch (error) {
    throw explainApiError(error, { files: [], claims, claimsFile: file, claimsText: text, groupsFile: options.groups });
  }
  return reportReleased(
    result.released ?? [],
    options,
    context,
    `nothing to prune: every reservation of scope ${JSON.stringify(options.scope)} is still declared`,
  );
}
