// The manifests the render benchmarks use, written once and emitted both as Blade (portclaims)
// and as Jinja (nunjucks, minijinja-js), so that every engine renders the same thing.

const blade = {
  get: (path) => `$${path[0]}` + path.slice(1).map((k) => `['${k}']`).join(''),
  echo: (path) => `{{ ${blade.get(path)} }}`,
  forEach: (path, item, body) => `@foreach(${blade.get(path)} as $${item})\n${body}@endforeach\n`,
  ifTrue: (path, body) => `@if(${blade.get(path)})\n${body}@endif\n`,
};

const jinja = {
  get: (path) => path.join('.'),
  echo: (path) => `{{ ${jinja.get(path)} }}`,
  forEach: (path, item, body) => `{% for ${item} in ${jinja.get(path)} %}\n${body}{% endfor %}\n`,
  ifTrue: (path, body) => `{% if ${jinja.get(path)} %}\n${body}{% endif %}\n`,
};

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
      volumes: [
        { name: 'cache', path: '/var/cache' },
        { name: 'tmp', path: '/tmp' },
        { name: 'config', path: '/etc/app' },
      ],
    },
    secret: {},
    limits: { enabled: 'true', cpu: '500m', memory: '256Mi' },
    portClaims: { web: 50123, metrics: 61000 },
    paused: false,
  };
}

export const manifests = {
  service: { blade: service(blade), jinja: service(jinja) },
  deployment: { blade: deployment(blade), jinja: deployment(jinja) },
};
