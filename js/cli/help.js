// The help texts: `portclaims --help`, `portclaims help COMMAND`, `portclaims COMMAND --help`.

const STORE_OPTION = `  --store URL|FILE      where reservations live (default: $PORTCLAIMS_STORE, else
                        portclaims.lock.json): a lock file path,
                        etcd://host:2379,host2:2379/NAME or
                        postgres://user@host:5432/DATABASE[?store=NAME]`;

const TEMPLATE_OPTIONS = `Template options:
  --ports FILE          the claims, as in .kublade/ports.json
                        (default: .kublade/ports.json of the template folder)
  --values FILE         values, JSON or YAML; - reads standard input
  --set KEY=VALUE       a value on top of --values (repeatable); KEY is a field
                        key (VALUE is sent as a string, as Kublade's form sends
                        it) or a path (data.image, limit.cpu; VALUE is a number,
                        true, false or null when it looks like one)
  --namespace NAME      $namespace (default: the scope)
  --no-defaults         send only the fields given: one left out is not sent
                        (default: sent as Kublade's create form pre-fills it)
  --dialect D           blade (default) or jinja
  --no-escape           print {{ }} as is, without HTML escaping
  --whitespace W        blade (default): a directive line keeps its indentation,
                        as in Laravel; smart: directive lines vanish whole

Claim options:
  --scope NAME          the deployment the ports belong to (default: default)
${STORE_OPTION}
  --lock FILE           the lock file (same as --store FILE)
  --groups FILE         port groups: { "tcp": { "ranges": ["30000-32767"] } };
                        kublade: every group draws from 49152-65535, as Kublade
  --seed N              repeatable port draws`;

export const HELP = {
  general: `portclaims — Kubernetes manifests in Laravel Blade that claim ports by name

Usage:
  portclaims render TEMPLATE|DIR [options]   render a template or a Kublade template folder
  portclaims check TEMPLATE|DIR [options]    find mistakes without reserving anything
  portclaims claims list                     show the reservations of the store
  portclaims claims release --scope S        give back a scope's ports
  portclaims claims prune DIR --scope S      give back ports no longer declared
  portclaims store init --store URL          create a shared store's tables
  portclaims store migrate --from A --to B   copy reservations between stores
  portclaims help COMMAND                    help on a command

Options:
  -h, --help       help
  -V, --version    the version

Templates write  port: {{ $portClaims['web'] }}  and declare the claim in
.kublade/ports.json:  [{ "group": "tcp", "claim": "web", "preferred_port": 8080 }].
A render reserves a port for each claim of its scope in portclaims.lock.json
(commit it to git) and reuses it on every later render. Teams whose renders run
on many machines share one store instead: --store etcd://… or postgres://…
(or PORTCLAIMS_STORE); see \`portclaims help store\`.

Exit status: 0 success, 1 failure, 2 usage error.`,

  render: `portclaims render — render a template, reserving the ports it claims

Usage:
  portclaims render TEMPLATE --ports FILE [options]
  portclaims render DIR [options]

TEMPLATE is one Blade template; the rendered text goes to standard output.
DIR is a Kublade template folder: .kublade/fields.json (input fields),
.kublade/ports.json (claims), and templates: every other file (any extension,
in subfolders too; not dotfiles, not node_modules). The claims are decided
once for all files and reserved in one commit, only when every file renders.
Without --out the files go to standard output, each after "---" and
"# Source: PATH" (files that render empty are left out); with --out DIR each
is written to DIR at its path (--out -: standard output). The files are
written before the claims are committed and put in place after: an output
that cannot be written, or would overwrite an input, reserves nothing.

Values: a --values file (and each --set) is the request Kublade's API receives
for the deployment: each field's value by its key (replicas: 3, as JSON types),
and limit: { is_active, cpu, memory }. Kublade then validates and stores them
as it does (strings trimmed, '' as null, rules from fields.json, the default
option of a radio field, '' for a field left empty). A field the values leave
out is sent as Kublade's create form pre-fills it (its "value", its default
option; a checkbox unchecked unless required), so a template renders with its
defaults; --no-defaults sends it not at all. Fields without "set_on_create"
keep their template default. On top, data:, secret: and limits: are merged
into $data, $secret and $limits as given; namespace: and paused: set those.
A field keyed like one of these is set by its key. Without fields.json, keys
that are no variable land in $data.

Kublade: --kublade writes what Kublade writes to its Flux repository for the
folder: every file (dotfiles too) with tabs as two spaces, rendered, parsed as
one YAML document and dumped again as Symfony's YAML does, metadata.namespace
replaced, empty results dropped; kustomization.yaml and namespace.yaml added
(--netpol: netpol.yaml too). It fails wherever Kublade fails, saying why.

Output options:
  --out DIR             write the rendered files to DIR (-: standard output)
  --kublade             the files Kublade writes for the deployment
  --netpol              with --kublade: the template's network policy is on
  --json                print the result as JSON: output (or files: [{ path,
                        output }]), claims, allocated, released, diagnostics
  --dry-run             decide and render, but reserve nothing

${TEMPLATE_OPTIONS}

Examples:
  portclaims render service.yaml --ports ports.json --values values.yaml
  portclaims render ./my-template --set replicas=3 --scope shop --out build/
  portclaims render ./my-template --kublade --groups kublade --out deploy/
  echo '{"data": {"image": "nginx"}}' | portclaims render ./my-template --values -`,

  check: `portclaims check — find mistakes in templates without reserving anything

Usage:
  portclaims check TEMPLATE [--ports FILE] [options]
  portclaims check DIR [options]

Renders in a dry run and reports:
  - a claim used but not declared, a claim declared but never used
  - a directive whose indentation leaks into the output
  - output that is not valid YAML
  - a Kubernetes port (port, targetPort, nodePort, containerPort, hostPort)
    outside 1-65535, and a nodePort, hostPort or Service port used twice
    (a headless Service may share its twin's ports)
  - render errors, and fields or values Kublade refuses
  - Kublade's traps: @if($limits['enabled']) (always true: 'false' is a
    string), {{ }} turning & < ' " into entities, a Blade directive in a YAML
    comment, Go template text ({{ .Release.Name }}), a second YAML document

Options:
  --kublade             check as --kublade renders: Kublade's YAML step too
  --json                print the diagnostics as JSON: [{ severity, message,
                        file, range: { start: { line, column }, end } }]

${TEMPLATE_OPTIONS}

Exit status: 1 when there is an error, 0 otherwise (warnings included).`,

  claims: `portclaims claims — the reservations of a store

Usage:
  portclaims claims list [--scope S] [--store URL|FILE] [--json]
  portclaims claims release --scope S [--claim C] [--store URL|FILE]
  portclaims claims prune DIR|--ports FILE --scope S [--store URL|FILE]

Run \`portclaims claims COMMAND --help\` for one of them.`,

  'claims list': `portclaims claims list — show the reservations

Usage:
  portclaims claims list [--scope S] [--store URL|FILE] [--json]

Options:
  --scope NAME          only this scope's reservations
${STORE_OPTION}
  --lock FILE           the lock file (same as --store FILE)
  --groups FILE         port groups, as for render (they decide which ports of a lock
                        file collide)
  --json                print them as JSON: [{ scope, claim, group, port }]`,

  'claims release': `portclaims claims release — give back reserved ports

Usage:
  portclaims claims release --scope S [--claim C] [--store URL|FILE]

Releases every reservation of scope S, or only claim C of it.

Options:
  --scope NAME          the scope (required)
  --claim NAME          only this claim
${STORE_OPTION}
  --lock FILE           the lock file (same as --store FILE)
  --groups FILE         port groups, as for render
  --json                print the released reservations as JSON`,

  'claims prune': `portclaims claims prune — give back the ports of claims no longer declared

Usage:
  portclaims claims prune DIR --scope S [--store URL|FILE]
  portclaims claims prune --ports FILE --scope S [--store URL|FILE]

Releases the reservations of scope S whose claims the template folder's
.kublade/ports.json (or --ports FILE) no longer declares.

Options:
  --ports FILE          the claims (default: DIR/.kublade/ports.json)
  --scope NAME          the scope (required)
${STORE_OPTION}
  --lock FILE           the lock file (same as --store FILE)
  --groups FILE         port groups, as for render
  --json                print the released reservations as JSON`,
};

HELP.store = `portclaims store — shared reservation stores

Usage:
  portclaims store init [--store URL]
  portclaims store migrate --from URL|FILE --to URL|FILE [--groups FILE] [--json]

A team whose renders run on many machines keeps its reservations in one shared
store, named with --store URL (or PORTCLAIMS_STORE) on every command:

  etcd://[USER[:PASSWORD]@]HOST:2379[,HOST:2379…][/NAME][?timeout=10s]
      etcd v3; list several members of a cluster. Keys live under
      /portclaims/NAME/ (NAME defaults to "default"). etcds:// uses TLS.
      Credentials also from ETCDCTL_USER, ETCDCTL_PASSWORD, ETCDCTL_CACERT,
      ETCDCTL_CERT, ETCDCTL_KEY. Needs the npm package etcd3.
  postgres://[USER[:PASSWORD]@]HOST[:5432]/DATABASE[?store=NAME&timeout=10s]
      PostgreSQL 13 or later; tables portclaims_reservations and
      portclaims_scopes, created on first use (or by \`store init\`).
      Credentials also from PGUSER, PGPASSWORD, PGHOST, ~/.pgpass…
      Needs the npm package pg.

Each port is held at most once per protocol across every scope and group; the
database checks it. A store that does not answer within the timeout (10s by
default) is an error, and a failed render changes nothing.

Run \`portclaims store COMMAND --help\` for one of the commands.`;

HELP['store init'] = `portclaims store init — set up a shared store

Usage:
  portclaims store init [--store URL]

Creates a PostgreSQL store's tables if they are missing (renders also create
them on first use, when the user may), and checks that the store answers.

Options:
${STORE_OPTION}`;

HELP['store migrate'] = `portclaims store migrate — copy reservations to another store

Usage:
  portclaims store migrate --from URL|FILE --to URL|FILE [--groups FILE] [--json]

Copies every reservation of --from that --to lacks. A claim held on another
port there, or a port held there by another claim, is a conflict: nothing is
copied and each conflict is named. Reservations already there are left as
they are, so a migration can be run again.

Options:
  --from URL|FILE       the store to copy from, e.g. portclaims.lock.json
  --to URL|FILE         the store to copy to, e.g. etcd://host:2379/team
  --groups FILE         port groups, for the protocol of each group
  --json                print { from, to, copied, alreadyPresent }`;

HELP.help = HELP.general;

export function helpText(topic) {
  return `${HELP[topic ?? 'general'] ?? HELP.general}\n`;
}
