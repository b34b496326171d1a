// The playground's examples: the five from Kublade's "Port reservations" page, and a Kublade
// template folder (several manifests sharing one .kublade/ports.json). Picking one loads every editor.

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
const claims = (...list) => json(list.map(([claim, group]) => ({ group, claim })));

// No groups: the core's defaults hold (the port map shows them); the editor overrides them.
const defaultGroups = json({});

export const defaultOptions = { dialect: 'blade', escape: 'html', whitespace: 'blade', seed: '' };

const basic = `apiVersion: v1
kind: Service
metadata:
  name: web-service
spec:
  ports:
    - name: http
      port: {{ $portClaims['web'] }}
      targetPort: 80
`;

const multiple = `apiVersion: v1
kind: Service
metadata:
  name: monitoring-service
spec:
  ports:
    - name: metrics
      port: {{ $portClaims['metrics'] }}
      targetPort: 9090
    - name: health
      port: {{ $portClaims['health'] }}
      targetPort: 8080
`;

const conditional = `apiVersion: v1
kind: Service
metadata:
  name: conditional-service
spec:
  ports:
@if(isset($portClaims['optional']))
    - name: optional
      port: {{ $portClaims['optional'] }}
      targetPort: 3000
@endif
    - name: required
      port: {{ $portClaims['required'] }}
      targetPort: 8080
`;

const webApp = `apiVersion: v1
kind: Service
metadata:
  name: web-app
spec:
  ports:
    - name: http
      port: {{ $portClaims['web'] }}
      targetPort: 80
    - name: https
      port: {{ $portClaims['https'] }}
      targetPort: 443
`;

const monitoring = `apiVersion: v1
kind: Service
metadata:
  name: monitoring
spec:
  ports:
    - name: prometheus
      port: {{ $portClaims['prometheus'] }}
      targetPort: 9090
    - name: grafana
      port: {{ $portClaims['grafana'] }}
      targetPort: 3000
    - name: alertmanager
      port: {{ $portClaims['alertmanager'] }}
      targetPort: 9093
`;

const shopDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: {{ $namespace }}
  annotations:
    shop/title: "{{ $data['title'] }}"
spec:
  replicas: {{ $paused ? 0 : ($data['replicas'] ?? 1) }}
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: shop
          image: {{ $data['image'] }}
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9100
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: shop-credentials
                  key: password
@if($limits['enabled'] == 'true')
          resources:
            limits:
              cpu: {{ $limits['cpu'] }}
              memory: {{ $limits['memory'] }}
@endif
`;

const shopService = `apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: {{ $namespace }}
spec:
  selector:
    app: shop
  ports:
    - name: http
      port: {{ $portClaims['web'] }}
      targetPort: http
    - name: metrics
      port: {{ $portClaims['metrics'] }}
      targetPort: metrics
`;

const shopIngress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: {{ $namespace }}
spec:
  rules:
@foreach($data['hosts'] as $host)
    - host: {{ $host }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: {{ $portClaims['web'] }}
@endforeach
`;

const shopSecret = `apiVersion: v1
kind: Secret
metadata:
  name: shop-credentials
  namespace: {{ $namespace }}
type: Opaque
data:
  password: {{ base64_encode($secret['password']) }}
`;

const shopValues = `namespace: 3f1c2a9e-5b7d-4e8a-9c21-6d0f4b2a7e10
data:
  title: Tom & Jerry's shop
  image: ghcr.io/example/shop:1.4.2
  replicas: 2
  hosts:
    - shop.example.com
    - www.shop.example.com
secret:
  password: correct horse battery staple
limits:
  enabled: 'true'
  cpu: 500m
  memory: 256Mi
paused: false
`;

const simpleValues = `namespace: demo
data: {}
`;

export const examples = [
  {
    id: 'basic',
    title: 'Basic',
    scope: 'web-service',
    files: [{ name: 'service.yaml', template: basic }],
    claims: claims(['web', 'http']),
    values: simpleValues,
  },
  {
    id: 'multiple',
    title: 'Multiple port claims',
    scope: 'monitoring-service',
    files: [{ name: 'service.yaml', template: multiple }],
    claims: claims(['metrics', 'tcp'], ['health', 'tcp']),
    values: simpleValues,
  },
  {
    id: 'conditional',
    title: 'Conditional port usage',
    scope: 'conditional-service',
    files: [{ name: 'service.yaml', template: conditional }],
    claims: claims(['optional', 'tcp'], ['required', 'tcp']),
    values: simpleValues,
  },
  {
    id: 'web-app',
    title: 'Web application',
    scope: 'web-app',
    files: [{ name: 'service.yaml', template: webApp }],
    claims: claims(['web', 'http'], ['https', 'http']),
    values: simpleValues,
  },
  {
    id: 'monitoring',
    title: 'Monitoring stack',
    scope: 'monitoring',
    files: [{ name: 'service.yaml', template: monitoring }],
    claims: claims(['prometheus', 'tcp'], ['grafana', 'tcp'], ['alertmanager', 'tcp']),
    values: simpleValues,
  },
  {
    id: 'kublade-folder',
    title: 'Kublade template folder',
    scope: 'shop',
    files: [
      { name: 'deployment.yaml', template: shopDeployment },
      { name: 'service.yaml', template: shopService },
      { name: 'ingress.yaml', template: shopIngress },
      { name: 'secret.yaml', template: shopSecret },
    ],
    claims: claims(['web', 'http'], ['metrics', 'tcp']),
    values: shopValues,
  },
];

/** The full playground state an example stands for. */
export function exampleState(id) {
  const example = examples.find((e) => e.id === id) ?? examples[0];
  return {
    example: example.id,
    files: example.files.map((f) => ({ ...f })),
    claims: example.claims,
    values: example.values,
    groups: defaultGroups,
    options: { ...defaultOptions },
    scope: example.scope,
  };
}
