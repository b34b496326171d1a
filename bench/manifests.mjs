// The manifests the render benchmarks use, written once and emitted both as Blade (portclaims)
// and as Jinja (nunjucks, minijinja-js), so that every engine renders the same thing.

// A path is a list of keys; a key written `=p.name` is computed: the value at that path
// (`$portClaims[$p['name']]`).
const blade = {
  get: (path) => `$${path[0]}` + path.slice(1).map((k) => (k.startsWith('=') ? `[${blade.get(k.slice(1).split('.'))}]` : `['${k}']`)).join(''),
  echo: (path) => `{{ ${blade.get(path)} }}`,
  forEach: (path, item, body) => `@foreach(${blade.get(path)} as $${item})\n${body}@endforeach\n`,
  forEachPair: (path, key, item, body) => `@foreach(${blade.get(path)} as $${key} => $${item})\n${body}@endforeach\n`,
  ifTrue: (path, body) => `@if(${blade.get(path)})\n${body}@endif\n`,
};

// nunjucks and minijinja differ on one thing here: a loop over a mapping's pairs.
const jinjaOf = (pairs) => {
  const d = {
    get: (path) => path[0] + path.slice(1).map((k) => (k.startsWith('=') ? `[${d.get(k.slice(1).split('.'))}]` : `.${k}`)).join(''),
    echo: (path) => `{{ ${d.get(path)} }}`,
    forEach: (path, item, body) => `{% for ${item} in ${d.get(path)} %}\n${body}{% endfor %}\n`,
    forEachPair: (path, key, item, body) => `{% for ${key}, ${item} in ${d.get(path)}${pairs} %}\n${body}{% endfor %}\n`,
    ifTrue: (path, body) => `{% if ${d.get(path)} %}\n${body}{% endif %}\n`,
  };
  return d;
};
const jinja = jinjaOf('');
const minijinja = jinjaOf('|items');

function service(d) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${d.echo(['data', 'name'])}
  namespace: ${d.echo(['namespace'])}
spec:
  ports:
${d.forEach(['data', 'ports'], 'p', `  - name: ${d.echo(['p', 'name'])}\n    port: ${d.echo(['p', 'port'])}\n    targetPort: ${d.echo(['p', 'target'])}\n`)}`;
}

// About 200 lines once rendered: a Deployment with several containers, each with env, probes,
// resources and mounts, as real manifests have.
function deployment(d) {
  const container = (i) => `      - name: ${d.echo(['data', 'name'])}-${i}
        image: ${d.echo(['data', 'image'])}
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: ${d.echo(['portClaims', 'web'])}
        - name: metrics
          containerPort: ${d.echo(['portClaims', 'metrics'])}
        env:
${d.forEach(['data', 'env'], 'e', `        - name: ${d.echo(['e', 'name'])}\n          value: "${d.echo(['e', 'value'])}"\n`)}        livenessProbe:
          httpGet:
            path: /healthz
            port: ${d.echo(['portClaims', 'web'])}
          initialDelaySeconds: 10
          periodSeconds: 15
        readinessProbe:
          httpGet:
            path: /ready
            port: ${d.echo(['portClaims', 'web'])}
${d.ifTrue(['data', 'limited'], `        resources:\n          limits:\n            cpu: ${d.echo(['limits', 'cpu'])}\n            memory: ${d.echo(['limits', 'memory'])}\n`)}        volumeMounts:
${d.forEach(['data', 'volumes'], 'v', `        - name: ${d.echo(['v', 'name'])}\n          mountPath: ${d.echo(['v', 'path'])}\n`)}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${d.echo(['data', 'name'])}
  namespace: ${d.echo(['namespace'])}
  labels:
    app: ${d.echo(['data', 'name'])}
spec:
  replicas: ${d.echo(['data', 'replicas'])}
  selector:
    matchLabels:
      app: ${d.echo(['data', 'name'])}
  template:
    metadata:
      labels:
        app: ${d.echo(['data', 'name'])}
    spec:
      containers:
${[1, 2, 3, 4].map(container).join('')}      volumes:
${d.forEach(['data', 'volumes'], 'v', `      - name: ${d.echo(['v', 'name'])}\n        emptyDir: {}\n`)}`;
}

// Settings each behind a condition on a variable, as Kublade templates show optional fields.
function conditions(d) {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${d.echo(['data', 'name'])}
data:
${d.ifTrue(['data', 'limited'], '  limited: "yes"\n')}${d.ifTrue(['limits', 'enabled'], `  cpu: ${d.echo(['limits', 'cpu'])}\n  memory: ${d.echo(['limits', 'memory'])}\n`)}${d.ifTrue(['paused'], '  paused: "yes"\n')}${d.ifTrue(['data', 'replicas'], `  replicas: ${d.echo(['data', 'replicas'])}\n`)}${d.ifTrue(['data', 'image'], `  image: ${d.echo(['data', 'image'])}\n`)}`;
}

// The ports of the Service again, each port read from the claims by the port's name.
function computedClaims(d) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${d.echo(['data', 'name'])}
spec:
  ports:
${d.forEach(['data', 'ports'], 'p', `  - name: ${d.echo(['p', 'name'])}\n    port: ${d.echo(['portClaims', '=p.name'])}\n    targetPort: ${d.echo(['p', 'target'])}\n`)}`;
}

// A Service with a port for every claim, whatever the claims are called.
function claimsLoop(d) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${d.echo(['data', 'name'])}
  namespace: ${d.echo(['namespace'])}
spec:
  ports:
${d.forEachPair(['portClaims'], 'name', 'port', `  - name: ${d.echo(['name'])}\n    port: ${d.echo(['port'])}\n`)}`;
}

// Containers, each with its ports and env: a loop in a loop.
function nestedLoops(d) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${d.echo(['data', 'name'])}
spec:
  template:
    spec:
      containers:
${d.forEach(['data', 'containers'], 'c', `      - name: ${d.echo(['c', 'name'])}
        image: ${d.echo(['c', 'image'])}
        ports:
${d.forEach(['c', 'ports'], 'p', `        - name: ${d.echo(['p', 'name'])}\n          containerPort: ${d.echo(['portClaims', '=p.name'])}\n`)}        env:
${d.forEach(['c', 'env'], 'e', `        - name: ${d.echo(['e', 'name'])}\n          value: "${d.echo(['e', 'value'])}"\n`)}`)}`;
}

// A Kublade template folder without @include: several files, one set of variables.
function folder(d) {
  const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${d.echo(['data', 'name'])}-config
  namespace: ${d.echo(['namespace'])}
data:
${d.forEach(['data', 'env'], 'e', `  ${d.echo(['e', 'name'])}: "${d.echo(['e', 'value'])}"\n`)}`;
  const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${d.echo(['data', 'name'])}
  namespace: ${d.echo(['namespace'])}
spec:
  rules:
  - host: ${d.echo(['data', 'name'])}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${d.echo(['data', 'name'])}
            port:
              number: ${d.echo(['portClaims', 'web'])}
`;
  return [deployment(d), service(d), computedClaims(d), configMap, ingress];
}

let counter = 0;

/** Fresh values for every call, so no engine can cache a result. */
export function values() {
  counter += 1;
  return {
    namespace: `ns-${counter}`,
    data: {
      name: `app-${counter}`,
      image: `nginx:1.${counter % 30}`,
      replicas: counter % 5,
      limited: counter % 2 === 0,
      ports: [
        { name: 'http', port: 50000 + (counter % 100), target: 80 },
        { name: 'https', port: 51000 + (counter % 100), target: 443 },
        { name: 'metrics', port: 52000 + (counter % 100), target: 9090 },
      ],
      env: Array.from({ length: 12 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${counter}-${i}` })),
      containers: Array.from({ length: 4 }, (_, i) => ({
        name: `c${i}`,
        image: `registry.example.com/app-${i}:${counter % 10}`,
        ports: [{ name: 'http' }, { name: 'metrics' }],
        env: Array.from({ length: 6 }, (_, j) => ({ name: `C${i}_VAR_${j}`, value: `v-${counter}-${j}` })),
      })),
      volumes: [
        { name: 'cache', path: '/var/cache' },
        { name: 'tmp', path: '/tmp' },
        { name: 'config', path: '/etc/app' },
      ],
    },
    secret: {},
    limits: { enabled: 'true', cpu: '500m', memory: '256Mi' },
    portClaims: { web: 50123, metrics: 61000, http: 50124, https: 50125 },
    paused: false,
  };
}

/**
 * name → { blade, jinja (nunjucks), minijinja }, each a template, or for a folder a list of them
 * rendered with the same values.
 */
export const manifests = inDialects({ service, deployment, conditions, computedClaims, claimsLoop, nestedLoops, folder });

/**
 * The floor under every render, in the same form: what a render costs whatever its template (a
 * line without variables), and what reading one variable adds.
 */
export const floors = inDialects({
  'one line, no variable': () => 'apiVersion: v1\n',
  'one line, one variable': (d) => `name: ${d.echo(['data', 'name'])}\n`,
});

function inDialects(writers) {
  return Object.fromEntries(
    Object.entries(writers).map(([name, write]) => [name, { blade: write(blade), jinja: write(jinja), minijinja: write(minijinja) }]),
  );
}
