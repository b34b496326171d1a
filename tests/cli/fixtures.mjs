// A Kublade template folder used by several CLI tests, and the output it must render to. Its
// fields are set on create, as a real template's are (Kublade reads no value for the others).

export const FIELDS = [
  { type: 'input_text', key: 'app_name', label: 'App name', value: 'shop', required: true, secret: false, set_on_create: true },
  { type: 'input_number', key: 'replicas', label: 'Replicas', value: 2, min: 1, max: 10, required: true, secret: false, set_on_create: true },
  {
    type: 'select',
    key: 'tier',
    label: 'Tier',
    value: null,
    options: [
      { label: 'Small', value: 'small', default: true },
      { label: 'Large', value: 'large', default: false },
    ],
    required: false,
    secret: false,
    set_on_create: true,
  },
  { type: 'input_text', key: 'password', label: 'Password', value: null, required: true, secret: true, set_on_create: true },
];

export const PORTS = [
  { group: 'tcp', claim: 'web', preferred_port: 30080, random: true },
  { group: 'tcp', claim: 'metrics' },
];

export const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ $data['app_name'] }}
  namespace: {{ $namespace }}
spec:
  ports:
    - name: http
      port: {{ $portClaims['web'] }}
    - name: metrics
      port: {{ $portClaims['metrics'] }}
`;

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $data['app_name'] }}
spec:
  replicas: {{ $data['replicas'] }}
  template:
    spec:
      containers:
        - name: app
          env:
            - name: TIER
              value: {{ $data['tier'] }}
            - name: PASSWORD
              value: {{ $secret['password'] }}
            - name: WEB_PORT
              value: "{{ $portClaims['web'] }}"
`;

/** The folder, as files for `workspace()`, under `dir/`. */
export function kubladeFolder(dir = 'tpl') {
  return {
    [`${dir}/.kublade/fields.json`]: FIELDS,
    [`${dir}/.kublade/ports.json`]: PORTS,
    [`${dir}/service.yaml`]: SERVICE,
    [`${dir}/apps/deployment.yaml`]: DEPLOYMENT,
    [`${dir}/.hidden.yaml`]: 'hidden: {{ $not_rendered }}\n',
    [`${dir}/node_modules/dep/x.yaml`]: 'dep: {{ $not_rendered }}\n',
  };
}

export function expectedService({ web, metrics, name = 'shop', namespace }) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  ports:
    - name: http
      port: ${web}
    - name: metrics
      port: ${metrics}
`;
}

export function expectedDeployment({ web, name = 'shop', replicas = 2, tier = 'small', password }) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: app
          env:
            - name: TIER
              value: ${tier}
            - name: PASSWORD
              value: ${password}
            - name: WEB_PORT
              value: "${web}"
`;
}
