// The command line: which command, its options and operands. Built on node:util parseArgs, with
// messages of our own for every mistake (exit code 2) and a pointer to the command's --help.
import { parseArgs } from 'node:util';

import { UsageError, closest } from './messages.js';

const TEMPLATE_OPTIONS = {
  ports: { type: 'string', value: 'FILE' },
  values: { type: 'string', value: 'FILE' },
  set: { type: 'string', multiple: true, value: 'KEY=VALUE' },
  namespace: { type: 'string', value: 'NAME' },
  'no-defaults': { type: 'boolean' },
  groups: { type: 'string', value: 'FILE' },
  lock: { type: 'string', value: 'FILE' },
  store: { type: 'string', value: 'URL|FILE' },
  scope: { type: 'string', value: 'NAME' },
  seed: { type: 'string', value: 'N' },
  dialect: { type: 'string', value: 'blade|jinja', choices: ['blade', 'jinja'] },
  'no-escape': { type: 'boolean' },
  whitespace: { type: 'string', value: 'blade|smart', choices: ['blade', 'smart'] },
  json: { type: 'boolean' },
};

const HELP = { help: { type: 'boolean', short: 'h' } };
const STORE = { store: { type: 'string', value: 'URL|FILE' } };

/** Every command: its options, its operands (`min`/`max`), and the name used in messages. */
export const COMMANDS = {
  render: {
    options: {
      ...TEMPLATE_OPTIONS,
      out: { type: 'string', value: 'DIR' },
      'dry-run': { type: 'boolean' },
      kublade: { type: 'boolean' },
      netpol: { type: 'boolean' },
      ...HELP,
    },
    operands: { min: 1, max: 1, name: 'TEMPLATE|DIR' },
  },
  check: {
    options: { ...TEMPLATE_OPTIONS, kublade: { type: 'boolean' }, ...HELP },
    operands: { min: 1, max: 1, name: 'TEMPLATE|DIR' },
  },
  'claims list': {
    options: { scope: { type: 'string', value: 'NAME' }, lock: { type: 'string', value: 'FILE' }, ...STORE, groups: { type: 'string', value: 'FILE' }, json: { type: 'boolean' }, ...HELP },
    operands: { min: 0, max: 0 },
  },
  'claims release': {
    options: {
      scope: { type: 'string', value: 'NAME', required: true },
      claim: { type: 'string', value: 'NAME' },
      lock: { type: 'string', value: 'FILE' },
      ...STORE,
      groups: { type: 'string', value: 'FILE' },
      json: { type: 'boolean' },
      ...HELP,
    },
    operands: { min: 0, max: 0 },
  },
  'claims prune': {
    options: {
      ports: { type: 'string', value: 'FILE' },
      scope: { type: 'string', value: 'NAME', required: true },
      lock: { type: 'string', value: 'FILE' },
      ...STORE,
      groups: { type: 'string', value: 'FILE' },
      json: { type: 'boolean' },
      ...HELP,
    },
    operands: { min: 0, max: 1, name: 'DIR' },
  },
  claims: { options: { ...HELP }, operands: { min: 0, max: 0 }, group: true },
  'store init': {
    options: { ...STORE, groups: { type: 'string', value: 'FILE' }, ...HELP },
    operands: { min: 0, max: 0 },
  },
  'store migrate': {
    options: {
      from: { type: 'string', value: 'URL|FILE', required: true },
      to: { type: 'string', value: 'URL|FILE', required: true },
      groups: { type: 'string', value: 'FILE' },
      json: { type: 'boolean' },
      ...HELP,
    },
    operands: { min: 0, max: 0 },
  },
  store: { options: { ...HELP }, operands: { min: 0, max: 0 }, group: true },
  help: { options: {}, operands: { min: 0, max: 2 } },
};

const TOP_LEVEL = ['render', 'check', 'claims', 'store', 'help'];
const SUBCOMMANDS = { claims: ['list', 'release', 'prune'], store: ['init', 'migrate'] };

const flag = (name) => `--${name}`;

/**
 * Reads argv (without node and the script):
 *   { command, options, operands } | { command: 'help', topic } | { command: 'version' }
 */
export function parseCommandLine(argv) {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { command: 'help', topic: undefined };
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (first === 'help') {
    const topic = rest.filter((a) => !a.startsWith('-')).join(' ') || undefined;
    if (topic && !COMMANDS[topic]) throw new UsageError(`no help for ${JSON.stringify(topic)}: there is no such command${suggestCommand(topic)}`);
    return { command: 'help', topic };
  }
  if (first.startsWith('-')) {
    throw new UsageError(`${first} must follow a command, e.g. \`portclaims render ${first} …\`${first.startsWith('--') ? '' : ''}`);
  }
  if (!TOP_LEVEL.includes(first)) throw new UsageError(`unknown command ${JSON.stringify(first)}${suggestCommand(first)}`);

  let command = first;
  let args = rest;
  const subcommands = SUBCOMMANDS[first];
  if (subcommands) {
    const [sub, ...subRest] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h') return { command: 'help', topic: first };
    if (!subcommands.includes(sub)) {
      const guess = closest(sub, subcommands);
      throw new UsageError(
        `unknown command "${first} ${sub}"${guess ? ` (did you mean \`${first} ${guess}\`?)` : `; the ${first} commands are ${subcommands.join(', ')}`}`,
        first,
      );
    }
    command = `${first} ${sub}`;
    args = subRest;
  }
  const spec = COMMANDS[command];
  if (args.includes('--help') || args.includes('-h')) return { command: 'help', topic: command };

  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(explainParseError(e, spec, command), command);
  }
  const options = parsed.values;
  const operands = parsed.positionals;

  for (const [name, o] of Object.entries(spec.options)) {
    const value = options[name];
    if (value === undefined) {
      if (o.required) throw new UsageError(`\`portclaims ${command}\` needs ${flag(name)} ${o.value}`, command);
      continue;
    }
    if (o.type === 'string' && !o.multiple && value === '') throw new UsageError(`${flag(name)} needs a value: ${flag(name)} ${o.value}`, command);
    if (o.choices && !o.choices.includes(value)) {
      throw new UsageError(`${flag(name)} must be one of ${o.choices.join(', ')}, not ${JSON.stringify(value)}`, command);
    }
  }
  if (options.seed !== undefined && !/^-?\d+$/.test(options.seed)) {
    throw new UsageError(`--seed must be an integer, not ${JSON.stringify(options.seed)}`, command);
  }
  for (const assignment of options.set ?? []) {
    if (!/^[^=]+=/.test(assignment)) {
      throw new UsageError(`--set needs KEY=VALUE (e.g. --set data.replicas=3), not ${JSON.stringify(assignment)}`, command);
    }
  }
  const { min, max, name } = spec.operands;
  if (operands.length < min) throw new UsageError(`\`portclaims ${command}\` needs ${name}`, command);
  if (operands.length > max) {
    const extra = operands.slice(max);
    throw new UsageError(
      max === 0
        ? `\`portclaims ${command}\` takes no operands, got ${JSON.stringify(extra[0])}`
        : `\`portclaims ${command}\` takes one ${name}, got also ${JSON.stringify(extra[0])}`,
      command,
    );
  }
  if (options.netpol && !options.kublade) throw new UsageError('--netpol goes with --kublade (it adds the netpol.yaml Kublade writes)', command);
  if (command === 'claims prune' && operands.length === 0 && options.ports === undefined) {
    throw new UsageError('`portclaims claims prune` needs the template folder DIR or --ports FILE', command);
  }
  return { command, options, operands };
}

function suggestCommand(word) {
  const nested = Object.entries(SUBCOMMANDS).flatMap(([top, subs]) => subs.map((sub) => `${top} ${sub}`));
  const guess = closest(word, [...TOP_LEVEL, ...nested]);
  return guess ? ` (did you mean \`${guess}\`?)` : `; the commands are ${TOP_LEVEL.join(', ')}`;
}

function explainParseError(e, spec, command) {
  const names = Object.keys(spec.options);
  const quoted = /'([^']+)'/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = quoted ?? e.message;
      const bare = option.replace(/^-+/, '').split('=')[0];
      const guess = closest(bare, names);
      const elsewhere = Object.entries(COMMANDS).find(([other, s]) => other !== command && !s.group && s.options[bare])?.[0];
      return `unknown option ${option} for \`portclaims ${command}\`${
        guess ? ` (did you mean --${guess}?)` : elsewhere ? ` (it belongs to \`portclaims ${elsewhere}\`)` : ''
      }`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = /--([\w-]+)/.exec(e.message)?.[1];
      const o = name && spec.options[name];
      if (o?.type === 'boolean') return `--${name} takes no value`;
      if (o) return `--${name} needs a value: --${name} ${o.value}`;
      return e.message.split('\n')[0];
    }
    default:
      return e.message.split('\n')[0];
  }
}
