// The help texts: `portclaims --help`, `portclaims help COMMAND`, `portclaims COMMAND --help`.

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
  --lock FILE           the lock file (default: portclaims.lock.json)
  --groups FILE         port groups: { "tcp": { "ranges": ["30000-32767"] } };
                        kublade: every group draws from 49152-65535, as Kublade
  --seed N              repeatable port draws`;

export const HELP = {
  general: `portclaims — Kubernetes manifests in Laravel Blade that claim ports by name

Usage:
  portclaims render TEMPLATE|DIR [options]   render a template or a Kublade template folder
  portclaims check TEMPLATE|DIR [options]    find mistakes without reserving anything
  portclaims claims list                     show the reservations of the lock file
  portclaims claims release --scope S        give back a scope's ports
  portclaims claims prune DIR --scope S      give back ports no longer declared
  portclaims help COMMAND                    help on a command

Options:
  -h, --help       help
  -V, --version    the version

Templates write  port: {{ $portClaims['web'] }}  and declare the claim in
.kublade/ports.json:  [{ "group": "tcp", "claim": "web", "preferred_port": 8080 }].
A render reserves a port for each claim of its scope in portclaims.lock.json
(commit it to git) and reuses it on every later render.

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
is written to DIR at its path.

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
  --out DIR             write the rendered files to DIR
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

  claims: `portclaims claims — the reservations of a lock file

Usage:
  portclaims claims list [--scope S] [--lock FILE] [--json]
  portclaims claims release --scope S [--claim C] [--lock FILE]
  portclaims claims prune DIR|--ports FILE --scope S [--lock FILE]

Run \`portclaims claims COMMAND --help\` for one of them.`,

  'claims list': `portclaims claims list — show the reservations

Usage:
  portclaims claims list [--scope S] [--lock FILE] [--json]

Options:
  --scope NAME          only this scope's reservations
  --lock FILE           the lock file (default: portclaims.lock.json)
  --json                print them as JSON: [{ scope, claim, group, port }]`,

  'claims release': `portclaims claims release — give back reserved ports

Usage:
  portclaims claims release --scope S [--claim C] [--lock FILE]

Releases every reservation of scope S, or only claim C of it.

Options:
  --scope NAME          the scope (required)
  --claim NAME          only this claim
  --lock FILE           the lock file (default: portclaims.lock.json)
  --groups FILE         port groups, as for render
  --json                print the released reservations as JSON`,

  'claims prune': `portclaims claims prune — give back the ports of claims no longer declared

Usage:
  portclaims claims prune DIR --scope S [--lock FILE]
  portclaims claims prune --ports FILE --scope S [--lock FILE]

Releases the reservations of scope S whose claims the template folder's
.kublade/ports.json (or --ports FILE) no longer declares.

Options:
  --ports FILE          the claims (default: DIR/.kublade/ports.json)
  --scope NAME          the scope (required)
  --lock FILE           the lock file (default: portclaims.lock.json)
  --groups FILE         port groups, as for render
  --json                print the released reservations as JSON`,
};

HELP.help = HELP.general;

export function helpText(topic) {
  return `${HELP[topic ?? 'general'] ?? HELP.general}\n`;
}
