apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $data['name'] }}
  namespace: {{ $namespace }}
  labels:
    app: {{ $data['name'] }}
spec:
  replicas: {{ $data['replicas'] }}
  selector:
    matchLabels:
      app: {{ $data['name'] }}
  template:
    metadata:
      labels:
        app: {{ $data['name'] }}
    spec:
      containers:
      - name: {{ $data['name'] }}-1
        image: {{ $data['image'] }}
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: {{ $portClaims['web'] }}
        - name: metrics
          containerPort: {{ $portClaims['metrics'] }}
        env:
@foreach($data['env'] as $e)
        - name: {{ $e['name'] }}
          value: "{{ $e['value'] }}"
@endforeach
        livenessProbe:
          httpGet:
            path: /healthz
            port: {{ $portClaims['web'] }}
          initialDelaySeconds: 10
          periodSeconds: 15
        readinessProbe:
          httpGet:
            path: /ready
            port: {{ $portClaims['web'] }}
@if($data['limited'])
        resources:
          limits:
            cpu: {{ $limits['cpu'] }}
            memory: {{ $limits['memory'] }}
@endif
        volumeMounts:
@foreach($data['volumes'] as $v)
        - name: {{ $v['name'] }}
          mountPath: {{ $v['path'] }}
@endforeach
      - name: {{ $data['name'] }}-2
        image: {{ $data['image'] }}
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: {{ $portClaims['web'] }}
        - name: metrics
          containerPort: {{ $portClaims['metrics'] }}
        env:
@foreach($data['env'] as $e)
        - name: {{ $e['name'] }}
          value: "{{ $e['value'] }}"
@endforeach
        livenessProbe:
          httpGet:
            path: /healthz
            port: {{ $portClaims['web'] }}
          initialDelaySeconds: 10
          periodSeconds: 15
        readinessProbe:
          httpGet:
            path: /ready
            port: {{ $portClaims['web'] }}
@if($data['limited'])
        resources:
          limits:
            cpu: {{ $limits['cpu'] }}
            memory: {{ $limits['memory'] }}
@endif
        volumeMounts:
@foreach($data['volumes'] as $v)
        - name: {{ $v['name'] }}
          mountPath: {{ $v['path'] }}
@endforeach
      - name: {{ $data['name'] }}-3
        image: {{ $data['image'] }}
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: {{ $portClaims['web'] }}
        - name: metrics
          containerPort: {{ $portClaims['metrics'] }}
        env:
@foreach($data['env'] as $e)
        - name: {{ $e['name'] }}
          value: "{{ $e['value'] }}"
@endforeach
        livenessProbe:
          httpGet:
            path: /healthz
            port: {{ $portClaims['web'] }}
          initialDelaySeconds: 10
          periodSeconds: 15
        readinessProbe:
          httpGet:
            path: /ready
            port: {{ $portClaims['web'] }}
@if($data['limited'])
        resources:
          limits:
            cpu: {{ $limits['cpu'] }}
            memory: {{ $limits['memory'] }}
@endif
        volumeMounts:
@foreach($data['volumes'] as $v)
        - name: {{ $v['name'] }}
          mountPath: {{ $v['path'] }}
@endforeach
      - name: {{ $data['name'] }}-4
        image: {{ $data['image'] }}
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: {{ $portClaims['web'] }}
        - name: metrics
          containerPort: {{ $portClaims['metrics'] }}
        env:
@foreach($data['env'] as $e)
        - name: {{ $e['name'] }}
          value: "{{ $e['value'] }}"
@endforeach
        livenessProbe:
          httpGet:
            path: /healthz
            port: {{ $portClaims['web'] }}
          initialDelaySeconds: 10
          periodSeconds: 15
        readinessProbe:
          httpGet:
            path: /ready
            port: {{ $portClaims['web'] }}
@if($data['limited'])
        resources:
          limits:
            cpu: {{ $limits['cpu'] }}
            memory: {{ $limits['memory'] }}
@endif
        volumeMounts:
@foreach($data['volumes'] as $v)
        - name: {{ $v['name'] }}
          mountPath: {{ $v['path'] }}
@endforeach
      volumes:
@foreach($data['volumes'] as $v)
      - name: {{ $v['name'] }}
        emptyDir: {}
@endforeach
